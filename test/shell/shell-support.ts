/**
 * Worlds for the shell's tests: small clusters with 1024-bit RSA keys, so
 * building them takes a fraction of a second.
 */
import { parseScenario, type Scenario } from "../../src/scenario/index.js";

/** A scenario from YAML text; throws with the problems if it is invalid. */
export function scenarioOf(text: string, file = "test.yaml"): Scenario {
  const parsed = parseScenario(text, file);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join("\n"));
  return parsed.scenario;
}

/** Three machines outside any swarm, keys rotated every 30 minutes so a rotation comes soon. */
export const manualCluster = `name: shell-test
seed: 5
cluster: {managers: 1, workers: 2, bootstrap: manual, rsaBits: 1024, keyRotation: 30m}
underlay: {latency: 1ms}
steps: []
`;
