/**
 * Splits a command line into words as a POSIX shell does for a simple command:
 * single quotes keep everything literally, double quotes keep everything but
 * `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes escapes the next
 * character, and unquoted whitespace separates words. No expansion is done:
 * `$VAR` stays as written (scenarios capture values through their own keys).
 */

/** Words, or why the line could not be split. */
export type SplitResult = { ok: true; argv: string[] } | { ok: false; reason: string };

/** Splits `line` into shell words. */
export function splitCommandLine(line: string): SplitResult {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, reason: `unterminated single quote at character ${i + 1}` };
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= line.length) return { ok: false, reason: `unterminated double quote at character ${i + 1}` };
        const d = line[j]!;
        if (d === '"') break;
        if (d === "\\" && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
          word += line[j + 1];
          j += 2;
        } else {
          word += d;
          j++;
        }
      }
      inWord = true;
      i = j + 1;
    } else if (c === "\\") {
      if (i + 1 >= line.length) return { ok: false, reason: "a backslash ends the line" };
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(word);
  return { ok: true, argv };
}

/** Quotes words back into a line that `splitCommandLine` reads as the same words. */
export function joinCommandLine(argv: readonly string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(" ");
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Calls `visit` for each `$NAME` or `${NAME}` outside single quotes, as a shell expands them. */
function eachVariable(line: string, visit: (name: string, start: number, end: number) => void): void {
  let quoted = false;
  let segmentStart = 0;
  const scan = (from: number, to: number) => {
    for (const m of line.slice(from, to).matchAll(VARIABLE)) {
      const start = from + m.index!;
      if (line[start - 1] === "\\") continue; // an escaped dollar is literal
      visit((m[1] ?? m[2])!, start, start + m[0].length);
    }
  };
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\" && !quoted) {
      i++;
      continue;
    }
    if (line[i] === "'") {
      if (!quoted) scan(segmentStart, i);
      quoted = !quoted;
      segmentStart = i + 1;
    }
  }
  if (!quoted) scan(segmentStart, line.length);
}

/** The variables a command line refers to (outside single quotes), in order. */
export function referencedVariables(line: string): string[] {
  const names: string[] = [];
  eachVariable(line, (name) => names.push(name));
  return names;
}

/**
 * Replaces `$NAME` and `${NAME}` outside single quotes with their values, as a
 * shell would before splitting words. A name with no value is reported.
 */
export function expandVariables(line: string, values: ReadonlyMap<string, string>): { ok: true; line: string } | { ok: false; missing: string } {
  let out = "";
  let last = 0;
  let missing: string | undefined;
  eachVariable(line, (name, start, end) => {
    const value = values.get(name);
    if (value === undefined) {
      missing ??= name;
      return;
    }
    out += line.slice(last, start) + value;
    last = end;
  });
  if (missing !== undefined) return { ok: false, missing };
  return { ok: true, line: out + line.slice(last) };
}
