import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EventHandle, type Instant, Scheduler, instant } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";

type Op =
  | { op: "schedule"; delay: number }
  | { op: "cancel"; which: number }
  | { op: "step" }
  | { op: "run"; span: number; maxEvents: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("schedule" as const), delay: fc.integer({ min: 0, max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cancel" as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("step" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("run" as const),
      span: fc.integer({ min: 0, max: 40 }),
      maxEvents: fc.integer({ min: 0, max: 20 }),
    }),
  },
);

interface Entry {
  at: number;
  seq: number;
  handle: EventHandle;
  live: boolean;
}

describe("scheduler", () => {
  it("pops in (time, sequence) order under random schedules, cancels, steps and runs", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const s = new Scheduler();
        const model: Entry[] = [];
        const fired: number[] = [];
        let seq = 0;
        const expectedNext = () =>
          model.filter((e) => e.live).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        const fire = (e: Entry | undefined) => {
          if (e !== undefined) e.live = false;
        };
        for (const o of ops) {
          if (o.op === "schedule") {
            const entry: Entry = { at: s.now + o.delay, seq: seq++, handle: 0 as EventHandle, live: true };
            entry.handle = s.at(instant(entry.at), "test", (n: number) => fired.push(n), entry.seq);
            model.push(entry);
          } else if (o.op === "cancel" && model.length > 0) {
            const e = model[o.which % model.length]!;
            expect(s.cancel(e.handle)).toBe(e.live);
            e.live = false;
          } else if (o.op === "step") {
            const next = expectedNext();
            const info = s.step();
            expect(info?.at).toBe(next?.at);
            fire(next);
          } else if (o.op === "run") {
            const until = s.now + o.span;
            const r = s.run({ until: instant(until), maxEvents: o.maxEvents });
            for (let i = 0; i < r.events; i++) fire(expectedNext());
            const next = expectedNext();
            if (r.stop === "until" || r.stop === "empty") {
              expect(next === undefined || next.at > until).toBe(true);
              expect(s.now).toBe(until);
            } else {
              expect(r.events).toBe(o.maxEvents);
            }
          }
          expect(s.pending).toBe(model.filter((e) => e.live).length);
          expect(s.peek()?.at).toBe(expectedNext()?.at);
        }
        const cancelled = new Set(model.filter((e) => !e.live && !fired.includes(e.seq)).map((e) => e.seq));
        s.run();
        for (const e of model) e.live = false;
        const order = model.filter((e) => fired.includes(e.seq)).sort((a, b) => a.at - b.at || a.seq - b.seq);
        // Every event fired exactly once, none cancelled fired, and fire order is (time, seq) order.
        expect(new Set(fired).size).toBe(fired.length);
        expect(fired).toEqual(order.map((e) => e.seq));
        expect(fired.some((n) => cancelled.has(n))).toBe(false);
        expect(fired.length + cancelled.size).toBe(model.length);
      }),
      { seed: 7, numRuns: propertyRuns(300) },
    );
  });

  it("breaks ties in time by insertion order", () => {
    const s = new Scheduler();
    const out: string[] = [];
    for (const name of ["a", "b", "c", "d"]) s.at(instant(10), "tie", (n: string) => out.push(n), name);
    s.at(instant(5), "early", (n: string) => out.push(n), "first");
    s.run();
    expect(out).toEqual(["first", "a", "b", "c", "d"]);
  });

  it("lets a handler schedule at the current instant, after the events already due then", () => {
    const s = new Scheduler();
    const out: string[] = [];
    s.at(instant(1), "x", () => {
      out.push("x");
      s.after(0 as never, "y", () => out.push("y"));
    });
    s.at(instant(1), "z", () => out.push("z"));
    s.run();
    expect(out).toEqual(["x", "z", "y"]);
  });

  it("cancel of a stale handle is harmless, even after its slot is reused", () => {
    const s = new Scheduler();
    const ran: string[] = [];
    const h = s.at(instant(1), "a", () => ran.push("a"));
    s.run();
    s.at(instant(2), "b", () => ran.push("b")); // reuses the freed slot
    expect(s.cancel(h)).toBe(false);
    s.run();
    expect(ran).toEqual(["a", "b"]);
  });

  it("refuses to schedule in the past, with a message naming the argument", () => {
    const s = new Scheduler();
    s.run({ until: instant(100) });
    expect(() => s.at(instant(99), "late", () => {})).toThrow(/"at" expected/);
    expect(() => s.after(-1 as never, "neg", () => {})).toThrow(/"delay" expected/);
  });

  it("stop() ends a run after the current event", () => {
    const s = new Scheduler();
    for (let i = 1; i <= 5; i++) s.at(instant(i), "n", (n: number) => n === 2 && s.stop(), i);
    const r = s.run();
    expect(r).toEqual({ events: 2, stop: "stopped", now: 2 as Instant });
    expect(s.pending).toBe(3);
  });

  it("grows past its initial capacity", () => {
    const s = new Scheduler();
    let count = 0;
    for (let i = 0; i < 5000; i++) s.at(instant(5000 - i), "g", () => count++);
    expect(s.run().events).toBe(5000);
    expect(count).toBe(5000);
  });
});
