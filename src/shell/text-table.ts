/**
 * Text layout for the shell's views: tables as the docker CLI pads them, and
 * blocks of lines set side by side (one column per node) when they fit.
 */

const MIN_WIDTH = 10;
const PADDING = 3;

/**
 * A table as docker prints one: each column as wide as its widest cell plus
 * 3 spaces, at least 10; the last column is not padded. Every line ends in a
 * newline.
 *
 * @example
 * ```ts
 * table(["NODE", "ROLE"], [["manager-1", "leader"]]); // "NODE        ROLE\nmanager-1   leader\n"
 * ```
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, col) => (col === headers.length - 1 ? 0 : Math.max(MIN_WIDTH, ...all.map((row) => (row[col] ?? "").length + PADDING))));
  return all.map((row) => `${row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join("").trimEnd()}\n`).join("");
}

/** A titled block of lines: one node's panel. */
export interface Block {
  readonly title: string;
  readonly lines: readonly string[];
}

/**
 * Blocks side by side, one column each, when they fit in `width` characters;
 * otherwise one under the other, each under its title.
 *
 * @example
 * ```ts
 * sideBySide([{ title: "manager-1", lines: ["4 [5] 6"] }, { title: "worker-1", lines: ["4 [5] 6"] }], 80);
 * ```
 */
export function sideBySide(blocks: readonly Block[], width: number): string {
  const columnWidth = (b: Block) => Math.max(b.title.length, ...b.lines.map((l) => l.length)) + PADDING;
  const widths = blocks.map(columnWidth);
  const total = widths.reduce((a, b) => a + b, 0);
  if (blocks.length === 0) return "";
  if (total - PADDING > width) return blocks.map((b) => `${b.title}\n${b.lines.map((l) => `  ${l}\n`).join("")}`).join("");
  const height = Math.max(...blocks.map((b) => b.lines.length));
  const rows = [blocks.map((b) => b.title), ...Array.from({ length: height }, (_, i) => blocks.map((b) => b.lines[i] ?? ""))];
  return rows.map((cells) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join("").trimEnd()}\n`).join("");
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
