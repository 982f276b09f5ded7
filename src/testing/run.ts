/**
 * A finished run as invariants read it: the scenario, its report, the world
 * as it ended, every trace record, and every packet the eavesdropper captured.
 */

import type { CapturedPacket } from "../adversary/index.js";
import { type RunReport, type Scenario, type ScenarioRunOptions, ScenarioSession, finishRun } from "../scenario/index.js";
import { MemorySink, type TraceRecord } from "../sim/index.js";
import type { Cluster } from "../swarm/index.js";

/** Everything a run left behind, for invariants. */
export interface FinishedRun {
  readonly scenario: Scenario;
  readonly report: RunReport;
  /** The world as the run left it: nodes, their keys, certificates, stores. */
  readonly cluster: Cluster;
  /** Every trace record, in order. */
  readonly records: readonly TraceRecord[];
  /** Every packet put on the underlay, as the eavesdropper kept it. */
  readonly capture: readonly CapturedPacket[];
}

/**
 * Runs `scenario` to its end with the trace kept in memory and the
 * eavesdropper on from the first packet.
 *
 * @example
 * ```ts
 * const run = runForTesting(loadScenario(text, "s.yaml"), { seed: 7 });
 * run.capture.length; // every packet on the wire
 * ```
 */
export function runForTesting(scenario: Scenario, options: Omit<ScenarioRunOptions, "eavesdrop"> = {}): FinishedRun {
  const trace = new MemorySink();
  const session = new ScenarioSession(scenario, { ...options, sinks: [trace, ...(options.sinks ?? [])], eavesdrop: true });
  session.bootstrap();
  session.runTimeline();
  const report = finishRun(session);
  return { scenario, report, cluster: session.cluster, records: trace.records, capture: session.adversary.eavesdropper?.packets ?? [] };
}
