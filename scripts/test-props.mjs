#!/usr/bin/env node
// The property tests with many runs: `npm run test:props -- --runs 10000 --seed 7 [vitest args]`.
//
// --runs N   how many runs each property makes (SWARMSIM_PROPERTY_RUNS; default 2000)
// --seed N   SWARMSIM_PROPERTY_SEED: the seed that suites reading it (the model-based
//            and generated-scenario suites) start from instead of their own fixed
//            one, to explore further or to replay the seed a failure printed
// Anything else goes to vitest (a file filter such as test/testing/model.test.ts).

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const defaultRuns = 2000;

/** `{ runs, seed, rest }` from the command line, or a message for what is wrong. */
function parse(argv) {
  const out = { runs: defaultRuns, seed: undefined, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag !== "--runs" && flag !== "--seed") {
      out.rest.push(arg);
      continue;
    }
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (text === undefined || !Number.isSafeInteger(value) || value < (flag === "--runs" ? 1 : 0)) {
      return { error: `${flag} expected a whole number${flag === "--runs" ? " of at least 1" : ""}, got ${text === undefined ? "nothing" : JSON.stringify(text)}` };
    }
    if (flag === "--runs") out.runs = value;
    else out.seed = value;
  }
  return out;
}

const parsed = parse(process.argv.slice(2));
if ("error" in parsed) {
  process.stderr.write(`test-props: ${parsed.error}\nusage: npm run test:props -- [--runs N] [--seed N] [vitest arguments]\n`);
  process.exit(2);
}
const env = { ...process.env, SWARMSIM_PROPERTY_RUNS: String(parsed.runs) };
if (parsed.seed !== undefined) env.SWARMSIM_PROPERTY_SEED = String(parsed.seed);
process.stderr.write(`property runs: ${parsed.runs}${parsed.seed === undefined ? "" : `, seed: ${parsed.seed}`}\n`);

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
const child = spawn(process.execPath, [vitest, "run", ...parsed.rest], { stdio: "inherit", env });
child.on("exit", (code, signal) => process.exit(signal === null ? (code ?? 1) : 1));
