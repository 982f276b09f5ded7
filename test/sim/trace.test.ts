import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { JsonlSink, MemorySink, Simulation, canonicalJson, instant } from "../../src/sim/index.js";

describe("trace", () => {
  it("encodes canonically: sorted keys, hex bytes, no undefined", () => {
    expect(canonicalJson({ b: 1, a: [true, null], c: undefined, d: new Uint8Array([0, 255]), e: 5n })).toBe(
      '{"a":[true,null],"b":1,"d":"00ff","e":"5"}',
    );
  });

  it("the fingerprint is the SHA-256 of the JSONL lines", () => {
    const sim = new Simulation({ seed: 1 });
    const memory = new MemorySink();
    let jsonl = "";
    sim.trace.addSink(memory);
    sim.trace.addSink(new JsonlSink((line) => (jsonl += line)));
    sim.trace.record("sim.start", { seed: 1, scenario: "t" });
    sim.scheduler.at(instant(1_000), "x", () => sim.trace.record("step", { index: 0, step: "wait 1ms" }, "manager-1"));
    sim.scheduler.run();
    expect(memory.records.map((r) => [r.t, r.kind, r.node])).toEqual([
      [0, "sim.start", undefined],
      [1000, "step", "manager-1"],
    ]);
    expect(sim.trace.fingerprint()).toBe(createHash("sha256").update(jsonl).digest("hex"));
    expect(sim.trace.count).toBe(2);
  });

  it("observers on the bus see every record and change nothing", () => {
    const run = (observe: boolean) => {
      const sim = new Simulation({ seed: 2 });
      const seen: string[] = [];
      if (observe) sim.bus.on("trace", (r) => seen.push(r.kind));
      sim.trace.record("sim.start", { seed: 2, scenario: "t" });
      sim.trace.record("sim.end", { events: 0 });
      return { fp: sim.trace.fingerprint(), seen };
    };
    expect(run(true).fp).toBe(run(false).fp);
    expect(run(true).seen).toEqual(["sim.start", "sim.end"]);
  });

  it("refuses reserved field names", () => {
    const sim = new Simulation({ seed: 3 });
    expect(() => sim.trace.record("sim.end", { events: 0, t: 5 } as never)).toThrow(/reserved/);
  });
});
