/** Opening a world to drive from code: `openScenario`. */

import { type Scenario, type ScenarioRunOptions, loadScenario } from "../scenario/index.js";
import type { ScenarioDescription } from "./description.js";
import { loadDescription } from "./load-description.js";
import { Simulator } from "./simulator.js";

/** How to open a scenario: the run options of `runScenario`, and a few of a driven world's own. */
export interface OpenOptions extends ScenarioRunOptions {
  /** Run automatic bootstrap (`swarm init` and the joins) before returning; default true. */
  readonly bootstrap?: boolean;
  /** Keep every packet as pcap bytes, for `pcap()`; default false. */
  readonly pcap?: boolean;
  /** The file name a scenario given as YAML text is reported under; default `scenario.yaml`. */
  readonly file?: string;
}

const isScenario = (value: object): value is Scenario => typeof (value as { file?: unknown }).file === "string";

/**
 * Builds a scenario's world and bootstraps its swarm, ready to drive. The
 * scenario may be a loaded `Scenario`, YAML text, or a description object
 * (plain data in the file's terms, so a cluster can be built in code). Its
 * steps do not run until asked (`runTimeline`, `runNextStep`).
 *
 * @example
 * ```ts
 * import { openScenario } from "swarmsim";
 *
 * const world = openScenario({ name: "demo", cluster: { managers: 3, workers: 2, rsaBits: 1024, keyRotation: "10m" }, steps: [] }, { seed: 7, eavesdrop: true });
 * world.docker("manager-1", "docker network create --driver overlay --opt encrypted secure");
 * const off = world.onTrace((r) => { if (r.kind === "keymanager.rotate") console.log("rotated at", r.t); });
 * world.runFor("10m30s");
 * world.apply({ crash: "manager-1" });
 * world.runUntilRecord("manager.leadership", { within: "1m" });
 * console.log(world.swarm()?.leader, world.node("worker-1").keys?.gossip.tags, world.capture().length);
 * off();
 * console.log(world.finish().fingerprint);
 * ```
 */
export function openScenario(scenario: Scenario | ScenarioDescription | string, options: OpenOptions = {}): Simulator {
  const loaded = resolve(scenario, options.file ?? "scenario.yaml");
  const chunks: Uint8Array[] | undefined = options.pcap === true ? [] : undefined;
  const onCluster = options.onCluster;
  const runOptions: ScenarioRunOptions = {
    ...options,
    onCluster: (cluster) => {
      if (chunks !== undefined) cluster.capturePcap((chunk) => chunks.push(chunk.slice()));
      onCluster?.(cluster);
    },
  };
  const world = new Simulator(loaded, runOptions, chunks);
  if (options.bootstrap !== false) world.session.bootstrap();
  return world;
}

function resolve(scenario: Scenario | ScenarioDescription | string, file: string): Scenario {
  if (typeof scenario === "string") return loadScenario(scenario, file);
  if (typeof scenario !== "object" || scenario === null) throw new TypeError(`"scenario" expected a Scenario, YAML text or a description object, got ${String(scenario)}`);
  return isScenario(scenario) ? scenario : loadDescription(scenario);
}
