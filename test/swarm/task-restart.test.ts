/**
 * A task that keeps failing restarts after swarmkit's 5 s restart delay: its
 * replacement is prepared and waits READY on the node until the orchestrator
 * wants it running, never started at once.
 */
import { describe, expect, it } from "vitest";
import { MemorySink, instant, seconds } from "../../src/sim/index.js";
import { joinedWorld } from "../support/swarm.js";

describe("restarting a failing task", () => {
  it("waits the restart delay between attempts, the replacement READY meanwhile", () => {
    const w = joinedWorld({ workers: 1 });
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    expect(w.docker("m1", "docker network create -d overlay net").exitCode).toBe(0);
    expect(w.docker("m1", "docker service create --name c --network net radial/busyboxplus:curl sh -c 'curl nowhere:80'").exitCode).toBe(0);
    w.sim.scheduler.run({ until: instant(w.sim.now + seconds(60)) });
    const starts = sink.records.filter((r) => r.kind === "workload.container.start").map((r) => r.t);
    // One start for the first task, then one per 5 s restart delay (plus the report's round trip): no tight loop.
    expect(starts.length).toBeGreaterThanOrEqual(8);
    expect(starts.length).toBeLessThanOrEqual(13);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(seconds(5));
    expect(sink.records.some((r) => r.kind === "task.state" && r.state === "ready" && r.message === "prepared")).toBe(true);
    expect(w.docker("m1", "docker service ps c").stdout).toMatch(/c\.1 +radial\/busyboxplus:curl +\S+ +(Ready|Running) +(Ready|Running|Starting|Failed)/);
  });
});
