/** Scenario files: load and validate, run, check expectations, report. */
export { type SourcePos, type ScenarioProblem, ScenarioError, formatProblem } from "./errors.js";
export type {
  Scenario,
  ClusterSpec,
  NodeSpec,
  NodeRole,
  NodeOs,
  UnderlaySpec,
  LatencySpec,
  Step,
  DockerStep,
  WaitStep,
  Expectation,
} from "./types.js";
export { parseScenario, loadScenario, defaultUnderlay, DEFAULT_SEED } from "./load.js";
export { loadScenarioFile } from "./file.js";
export { type CheckResult, checkOutput } from "./expect.js";
export { type ScenarioRunOptions, type StepReport, type RunReport, runScenario } from "./runner.js";
export { formatReport, formatStep, formatSummary, reproduceCommand } from "./report.js";
