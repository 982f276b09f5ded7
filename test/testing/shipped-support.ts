/**
 * The invariants over a shipped scenario, for the two test files that split
 * scenarios/ between them so vitest runs the halves on two workers.
 */
import { readFileSync } from "node:fs";
import { loadScenario } from "../../src/index.js";
import { type FinishedRun, type Verdict, invariants, runForTesting } from "../../src/testing/index.js";

/** The slow scenarios invariants-shipped.test.ts runs; invariants-shipped-more.test.ts runs the rest. */
export const slowScenarios = ["leader-crash-rotation.yaml", "newest-key.yaml", "node-removal.yaml", "partition-rotations.yaml"];

/** Left out of both: key-rotation.yaml is 36 h of six nodes, about two minutes, too slow for the suite. */
export const notRun = ["key-rotation.yaml"];

const secrets = ["Welcome to nginx!", "GET / HTTP/1.1"];

/** Runs `file` and gives every invariant's verdict over it (determinism has its own test). */
export function shippedVerdicts(file: string): Record<string, Verdict> {
  const run = runForTesting(loadScenario(readFileSync(`scenarios/${file}`, "utf8"), `scenarios/${file}`));
  return {
    noPlaintextLeak: invariants.noPlaintextLeak(run, secrets),
    mutualAuthOnly: invariants.mutualAuthOnly(run),
    keyringDiscipline: invariants.keyringDiscipline(run),
    noNonceReuse: invariants.noNonceReuse(run),
    rotationLossless: invariants.rotationLossless(run),
  };
}

/** Two key rotations with key sets reaching nodes up to 2 minutes apart, and ESP between a client and nginx throughout. */
export function rotationRun(primaryKey: "middle" | "newest", name: string): FinishedRun {
  const text = `
name: ${name}-${primaryKey}
seed: 11
cluster: {managers: 1, workers: 2, rsaBits: 1024, keyRotation: 20m, keyDelay: 2m, primaryKey: ${primaryKey}}
steps:
  - docker network create --driver overlay --opt encrypted net
  - docker service create --name web --network net nginx
  - wait: 5s
  - docker service create --name client --network net radial/busyboxplus:curl sh -c 'while true; do curl -s web | grep -c Welcome; sleep 60; done'
  - at: 45m
`;
  return runForTesting(loadScenario(text, `${name}-${primaryKey}.yaml`));
}
