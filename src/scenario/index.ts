/** Scenario files: load and validate, run, check expectations, report. */
export { type SourcePos, type ScenarioProblem, ScenarioError, formatProblem } from "./errors.js";
export type {
  Scenario,
  ClusterSpec,
  NodeSpec,
  NodeRole,
  NodeOs,
  UnderlaySpec,
  UnderlayLink,
  LatencySpec,
  Step,
  DockerStep,
  WaitStep,
  FaultStep,
  Fault,
  LinkChange,
  ControlPlaneChange,
  Expectation,
} from "./types.js";
export { parseScenario, loadScenario, DEFAULT_SEED } from "./load.js";
export { type Override, parseOverride } from "./overrides.js";
export { defaultUnderlay } from "./underlay.js";
export { faultKeys } from "./faults.js";
export { describeFault } from "./fault-actions.js";
export { loadScenarioFile, readScenarioText } from "./file.js";
export { type CheckResult, checkOutput } from "./expect.js";
export { type ScenarioRunOptions, type StepReport, ScenarioSession } from "./session.js";
export { type RunReport, runScenario, finishRun } from "./runner.js";
export { showTable } from "./show.js";
export { formatReport, formatStep, formatSummary, reproduceCommand } from "./report.js";
