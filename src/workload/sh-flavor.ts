/**
 * The two shells the modelled images ship, and how each words its errors:
 * BusyBox ash (radial/busyboxplus: BusyBox v1.22.1; busybox and alpine: the
 * current BusyBox) and dash (Debian's /bin/sh, in the nginx image). Texts
 * from busybox shell/ash.c (`sh: %s: not found`, `syntax error: ...`) and
 * dash src/error.c / parser.c (`sh: 1: %s: not found`, `Syntax error: ...`).
 */

/** How a shell says what went wrong. Every message is one stderr line without its newline. */
export interface ShellFlavor {
  /** The shell's name in messages and `$0`. */
  readonly name: "ash" | "dash";
  /** A command that is neither builtin nor on PATH (exit 127). */
  notFound(command: string): string;
  /**
   * A token where the grammar does not allow it (exit 2). Tokens come as the
   * shells name them: `end of file`, `newline`, `word`, `redirection` bare,
   * keywords and operators in quotes (`"done"`, `"&&"`); `expecting` likewise.
   */
  unexpected(token: string, expecting?: string): string;
  /** A quote that is never closed (exit 2). */
  unterminatedQuote(): string;
  /** `sh FILE` where FILE does not exist (exit 2 for ash, 127 for dash). */
  cannotOpen(file: string): { readonly text: string; readonly status: number };
  /** A bad number for `exit`. */
  illegalNumber(builtin: string, text: string): string;
}

/** BusyBox ash. */
export const ashFlavor: ShellFlavor = {
  name: "ash",
  notFound: (command) => `sh: ${command}: not found`,
  unexpected: (token, expecting) => `sh: syntax error: unexpected ${token}${expecting === undefined ? "" : ` (expecting ${expecting})`}`,
  unterminatedQuote: () => "sh: syntax error: unterminated quoted string",
  cannotOpen: (file) => ({ text: `sh: can't open '${file}': No such file or directory`, status: 2 }),
  illegalNumber: (builtin, text) => `sh: ${builtin}: Illegal number: ${text}`,
};

/** dash, which prefixes the line number of `sh -c` scripts (always 1 for the modelled one-line scripts). */
export const dashFlavor: ShellFlavor = {
  name: "dash",
  notFound: (command) => `sh: 1: ${command}: not found`,
  unexpected: (token, expecting) => `sh: 1: Syntax error: ${token} unexpected${expecting === undefined ? "" : ` (expecting ${expecting})`}`,
  unterminatedQuote: () => "sh: 1: Syntax error: Unterminated quoted string",
  cannotOpen: (file) => ({ text: `sh: 0: cannot open ${file}: No such file`, status: 2 }),
  illegalNumber: (builtin, text) => `sh: 1: ${builtin}: Illegal number: ${text}`,
};
