/**
 * Runs bench/hold_simpy.py under Debian's interpreter, which is where
 * `apt-get install python3-simpy` puts SimPy (a pyenv or venv `python3` first
 * on PATH would not see it).
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { HoldPlan, HoldRun } from "./hold.js";

/** The interpreter python3-simpy installs for. */
export const debianPython = "/usr/bin/python3";
const INSTALL_HINT = "install it with: apt-get install python3-simpy";

/** SimPy's runs, or why there are none. */
export type SimpyResult =
  | { readonly ok: true; readonly simpy: string; readonly python: string; readonly runs: readonly HoldRun[] }
  | { readonly ok: false; readonly reason: string };

/** The script sits in bench/; this file runs from bench/dist/bench/ once compiled. */
function scriptPath(): string {
  const compiled = new URL("../../hold_simpy.py", import.meta.url);
  return existsSync(compiled) ? fileURLToPath(compiled) : fileURLToPath(new URL("./hold_simpy.py", import.meta.url));
}

/** Whether SimPy can run here, or why not. */
export type SimpyAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Is SimPy importable by the Debian interpreter? */
export function simpyAvailable(): SimpyAvailability {
  if (!existsSync(debianPython)) return { ok: false, reason: `${debianPython} not found; ${INSTALL_HINT}` };
  const probe = spawnSync(debianPython, ["-c", "try:\n import simpy\nexcept ImportError:\n import SimPy"], {
    encoding: "utf8",
  });
  if (probe.status !== 0) return { ok: false, reason: `SimPy is not installed for ${debianPython}; ${INSTALL_HINT}` };
  return { ok: true };
}

/** Runs the hold model on SimPy `repeats` times with the given delays. */
export function holdOnSimpy(plan: HoldPlan, repeats: number, delays: Int32Array): SimpyResult {
  const args = [scriptPath(), plan.processes, plan.warmEvents, plan.events, repeats].map(String);
  const child = spawnSync(debianPython, args, {
    input: Buffer.from(delays.buffer, delays.byteOffset, delays.byteLength),
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    return { ok: false, reason: `hold_simpy.py failed (exit ${child.status}): ${child.stderr.trim().split("\n").pop()}` };
  }
  const out = JSON.parse(child.stdout) as { simpy: string; python: string; runs: HoldRun[] };
  return { ok: true, simpy: out.simpy, python: out.python, runs: out.runs };
}
