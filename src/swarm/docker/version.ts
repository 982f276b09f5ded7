/**
 * `docker version`: the client and the engine a simulated node runs, in the
 * layout of Docker 28's CLI. The engine is the one the simulator models.
 */

import { type CommandOutput, fail, ok } from "./registry.js";

/** The Docker Engine release whose behaviour the simulator follows. */
export const MODELLED_ENGINE = { version: "28.2.2", apiVersion: "1.50", minApiVersion: "1.24", goVersion: "go1.24.3", gitCommit: "e6534b4" } as const;

/** Prints the version block for a node running on `os`. */
export function dockerVersion(os: "linux" | "windows", args: readonly string[]): CommandOutput {
  if (args.length > 0) {
    return fail(`"docker version" accepts no arguments.\nSee 'docker version --help'.\n\nUsage:  docker version [OPTIONS]\n\nShow the Docker version information`);
  }
  const e = MODELLED_ENGINE;
  const osArch = `${os}/amd64`;
  return ok(
    [
      "Client:",
      ` Version:           ${e.version}`,
      ` API version:       ${e.apiVersion}`,
      ` Go version:        ${e.goVersion}`,
      ` Git commit:        ${e.gitCommit}`,
      ` OS/Arch:           ${osArch}`,
      " Context:           default",
      "",
      "Server:",
      " Engine:",
      `  Version:          ${e.version}`,
      `  API version:      ${e.apiVersion} (minimum version ${e.minApiVersion})`,
      `  Go version:       ${e.goVersion}`,
      `  OS/Arch:          ${osArch}`,
      "  Experimental:     false",
      "",
    ].join("\n"),
  );
}
