/**
 * Checking printed text against an excerpt of it, as the docs show output:
 * each line of the excerpt must match a line of the text, in order, other
 * lines of the text may come between, `…` stands for any run of characters
 * (a line of only `…` marks lines left out), and runs of spaces compare
 * equal whatever their length (table columns).
 */

/** Where an excerpt stops matching: the excerpt line not found, or undefined when all are. */
export function excerptMismatch(excerpt: readonly string[], text: string): string | undefined {
  const lines = text.split("\n");
  let at = 0;
  for (const wanted of excerpt) {
    if (wanted.trim() === "" || wanted.trim() === "…") continue;
    const pattern = linePattern(wanted);
    while (at < lines.length && !pattern.test(lines[at]!)) at++;
    if (at === lines.length) return wanted;
    at++;
  }
  return undefined;
}

/** A regular expression for one excerpt line. */
export function linePattern(wanted: string): RegExp {
  const literal = (part: string) => part.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
  const parts = wanted.split("…").map(literal);
  return new RegExp(`^\\s*${parts.join(".*?")}\\s*$`);
}

/** A readable failure: the excerpt line missing, and the text it was looked for in. */
export function explainMismatch(context: string, missing: string, text: string): string {
  return `${context}: no line matches\n  ${missing}\nin the output:\n${text.replace(/^/gm, "  | ")}`;
}
