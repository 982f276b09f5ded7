/**
 * Errors in user input (scenario files, command lines): where, and what was expected.
 */

/** A place in a source file, 1-based. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem found in a scenario file. */
export interface ScenarioProblem extends SourcePos {
  readonly message: string;
}

/**
 * `file:line:column: message`, the form editors and terminals link to; a
 * problem with no line (one in a `--set` override, whose `file` is the flag)
 * is `--set key=value: message`.
 */
export function formatProblem(p: ScenarioProblem): string {
  return p.line === 0 ? `${p.file}: ${p.message}` : `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Thrown by `loadScenarioFile` (and the runner) when a scenario is invalid: nothing has run. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly ScenarioProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ScenarioError";
  }
}
