/**
 * Tables as the docker CLI prints them: Go's text/tabwriter with the settings
 * docker/cli's formatter uses (`tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`):
 * each column as wide as its widest cell plus 3 spaces, at least 10; the last
 * column is not padded.
 */

const MIN_WIDTH = 10;
const PADDING = 3;

/** The table's text, one line per row, headers first, each line ending in a newline. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, col) =>
    col === headers.length - 1 ? 0 : Math.max(MIN_WIDTH, ...all.map((row) => (row[col] ?? "").length + PADDING)),
  );
  return all
    .map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join(""))
    .map((line) => `${line}\n`)
    .join("");
}
