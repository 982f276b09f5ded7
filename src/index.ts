/**
 * swarmsim: a deterministic discrete-event simulator of Docker Swarm's
 * security protocols. The programmatic API: load or build a scenario, run it,
 * and read its report, trace and capture.
 *
 * @example
 * ```ts
 * import { loadScenario, runScenario } from "swarmsim";
 * const report = runScenario(loadScenario(yamlText, "demo.yaml"), { seed: 7 });
 * console.log(report.ok, report.fingerprint);
 * ```
 */
export * from "./sim/index.js";
export * from "./scenario/index.js";
export {
  Cluster,
  type ClusterOptions,
  SwarmNode,
  CommandRegistry,
  type CommandOutput,
  type DockerContext,
  splitCommandLine,
  MODELLED_ENGINE,
} from "./swarm/index.js";
export { newId, isId, type KeyCache, MemoryKeyCache, fileKeyCache } from "./pki/index.js";
export {
  type CapturedPacket,
  type Capture,
  Eavesdropper,
  type Secret,
  type PlaintextVerdict,
  type PlaintextFinding,
  findPlaintext,
  type PacketSelection,
  selectPackets,
  Injector,
  type InjectionReport,
  replay,
  type BitFlipSelection,
  type FlipRegion,
  flipBit,
  injectBitFlips,
  type LeakSubsystem,
  type LeakedKey,
  type LeakResult,
  leakKey,
  type KeyExposure,
  keyExposure,
} from "./adversary/index.js";
export {
  type ScenarioDescription,
  type ClusterDescription,
  type ClusterNodeDescription,
  type UnderlayDescription,
  type LinkDescription,
  type LatencyDescription,
  type StepDescription,
  type RunStepDescription,
  type ExpectDescription,
  type CheckDescription,
  type NodeCheckDescription,
  type FaultStepDescription,
  type AttackStepDescription,
  type AttackSelectionDescription,
  type CountDescription,
  type DurationText,
  type LossText,
  type NodeNames,
  type Strings,
  type ToYamlOptions,
  toYaml,
  describeScenario,
  loadDescription,
  type KeyringState,
  type NodeState,
  type MemberState,
  type SwarmState,
  Simulator,
  type OpenOptions,
  openScenario,
} from "./api/index.js";
