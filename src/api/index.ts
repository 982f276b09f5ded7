/**
 * The programmatic API over scenarios: worlds opened to drive from code
 * (`openScenario`), and scenarios as plain data that write to and read from
 * the YAML format (`toYaml`, `loadDescription`, `describeScenario`).
 */
export type {
  DurationText,
  LossText,
  LatencyDescription,
  CountDescription,
  NodeNames,
  Strings,
  ClusterNodeDescription,
  ClusterDescription,
  LinkDescription,
  UnderlayDescription,
  ExpectDescription,
  RunStepDescription,
  NodeCheckDescription,
  CheckDescription,
  AttackSelectionDescription,
  FaultStepDescription,
  AttackStepDescription,
  StepDescription,
  ScenarioDescription,
} from "./description.js";
export { type ToYamlOptions, toYaml } from "./to-yaml.js";
export { describeScenario } from "./describe.js";
export { loadDescription } from "./load-description.js";
export { type KeyringState, type NodeState, type MemberState, type SwarmState } from "./state.js";
export { Simulator } from "./simulator.js";
export { type OpenOptions, openScenario } from "./open.js";
export { type ExpectedOutput, lossText, latencyText, nodeNames, clusterNodes, expectText, commandStep } from "./canonical.js";
