/**
 * `test` and `[`, the ash builtin (busybox coreutils/test.c), for the
 * expressions scripts write: strings (`-z`, `-n`, `=`, `!=`), integers
 * (`-eq`, `-ne`, `-lt`, `-le`, `-gt`, `-ge`), `!`, and one bare word. There
 * are no files, so the file tests (`-f`, `-d`, `-e`) are false.
 */

/** The status of `test ARGS` (0 true, 1 false, 2 error) and an error line, if any. */
export function evaluateTest(name: string, words: readonly string[]): { status: number; error?: string } {
  let args = [...words];
  if (name === "[") {
    if (args[args.length - 1] !== "]") return { status: 2, error: "sh: [: missing ]" };
    args = args.slice(0, -1);
  }
  let negate = false;
  while (args[0] === "!" && args.length > 1) {
    negate = !negate;
    args = args.slice(1);
  }
  const result = evaluate(name, args);
  if (typeof result === "string") return { status: 2, error: result };
  return { status: result !== negate ? 0 : 1 };
}

const INTEGER_OPS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  "-eq": (a, b) => a === b,
  "-ne": (a, b) => a !== b,
  "-lt": (a, b) => a < b,
  "-le": (a, b) => a <= b,
  "-gt": (a, b) => a > b,
  "-ge": (a, b) => a >= b,
};

function evaluate(name: string, args: readonly string[]): boolean | string {
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== "";
  if (args.length === 2) {
    const [op, operand] = args as [string, string];
    if (op === "-z") return operand === "";
    if (op === "-n") return operand !== "";
    if (/^-[a-zA-Z]$/.test(op)) return false; // file tests: the model has no files
    return `sh: ${name}: ${op}: unknown operand`;
  }
  if (args.length === 3) {
    const [a, op, b] = args as [string, string, string];
    if (op === "=" || op === "==") return a === b;
    if (op === "!=") return a !== b;
    const compare = INTEGER_OPS[op];
    if (compare === undefined) return `sh: ${name}: ${op}: unknown operand`;
    for (const n of [a, b]) if (!/^\s*-?\d+\s*$/.test(n)) return `sh: ${name}: ${n}: bad number`;
    return compare(Number(a), Number(b));
  }
  return `sh: ${name}: syntax error`;
}
