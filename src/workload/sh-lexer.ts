/**
 * The shell's tokens (POSIX XCU 2.3, the parts the modelled scripts use):
 * words made of literal, single-quoted and double-quoted parts with `$NAME`,
 * `${NAME}`, `$?` and `$(...)`/backquote substitutions inside; the control
 * operators; redirection operators with their optional file descriptor; and
 * comments. Pure: text in, tokens or a reason out.
 */

/** One piece of a word. `quoted` pieces are not field-split or glob-expanded. */
export type WordPart =
  | { readonly kind: "text"; readonly text: string; readonly quoted: boolean }
  | { readonly kind: "param"; readonly name: string; readonly quoted: boolean }
  | { readonly kind: "command"; readonly source: string; readonly quoted: boolean };

/** A word: its parts, and its source text (reserved words are recognized by that). */
export interface Word {
  readonly parts: readonly WordPart[];
  readonly source: string;
}

/** The control operators (`;;` is lexed only to be refused by the parser: no `case`). Here-documents are not modelled. */
export type Operator = "&&" | "||" | ";" | "\n" | "&" | "|" | "(" | ")" | ";;";

/** The redirection operators. */
export type RedirectOperator = ">" | ">>" | "<" | ">&" | "<&";

/** A token: a word, an operator, or a redirection with the descriptor written before it (`2>&1`). */
export type Token =
  | { readonly type: "word"; readonly word: Word }
  | { readonly type: "op"; readonly op: Operator }
  | { readonly type: "redirect"; readonly op: RedirectOperator; readonly fd: number | undefined };

/** Tokens, or why the text does not lex. */
export type LexResult = { readonly ok: true; readonly tokens: Token[] } | { readonly ok: false; readonly reason: "unterminated-quote" };

const OPERATORS: readonly Operator[] = ["&&", "||", ";;", ";", "\n", "&", "|", "(", ")"];
const REDIRECTS: readonly RedirectOperator[] = [">>", ">&", "<&", ">", "<"];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Reads `$...` at `text[at] === "$"`: the part and where it ends, or undefined for a lone `$`. */
function readDollar(text: string, at: number, quoted: boolean): { part: WordPart; end: number } | undefined | "unterminated" {
  const next = text[at + 1];
  if (next === "{") {
    const close = text.indexOf("}", at + 2);
    if (close < 0) return "unterminated";
    return { part: { kind: "param", name: text.slice(at + 2, close), quoted }, end: close + 1 };
  }
  if (next === "(") {
    const close = matchingParen(text, at + 2);
    if (close < 0) return "unterminated";
    return { part: { kind: "command", source: text.slice(at + 2, close), quoted }, end: close + 1 };
  }
  if (next !== undefined && "?$#@*!-0123456789".includes(next)) return { part: { kind: "param", name: next, quoted }, end: at + 2 };
  const name = NAME.exec(text.slice(at + 1));
  if (name === null) return undefined;
  return { part: { kind: "param", name: name[0], quoted }, end: at + 1 + name[0].length };
}

/** The index of the `)` that closes a `$(` whose body starts at `from`, skipping quotes; -1 if none. */
function matchingParen(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Reads the double-quoted string whose body starts at `from`: its parts and the index after the closing quote. */
function readDoubleQuoted(text: string, from: number): { parts: WordPart[]; end: number } | undefined {
  const parts: WordPart[] = [];
  let literal = "";
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (literal !== "") parts.push({ kind: "text", text: literal, quoted: true });
      return { parts, end: i + 1 };
    }
    if (c === "\\" && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1]!)) {
      if (text[i + 1] !== "\n") literal += text[i + 1];
      i++;
    } else if (c === "$" || c === "`") {
      const read = c === "$" ? readDollar(text, i, true) : readBackquote(text, i, true);
      if (read === "unterminated") return undefined;
      if (read === undefined) literal += c;
      else {
        if (literal !== "") parts.push({ kind: "text", text: literal, quoted: true });
        literal = "";
        parts.push(read.part);
        i = read.end - 1;
      }
    } else literal += c;
  }
  return undefined;
}

function readBackquote(text: string, at: number, quoted: boolean): { part: WordPart; end: number } | "unterminated" {
  const close = text.indexOf("`", at + 1);
  if (close < 0) return "unterminated";
  return { part: { kind: "command", source: text.slice(at + 1, close), quoted }, end: close + 1 };
}

/**
 * Splits a script into tokens.
 *
 * @example
 * lexShell("curl web && sleep 1") // words curl, web; op &&; words sleep, 1
 */
export function lexShell(text: string): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const fd = /^(\d)(?=[<>])/.exec(text.slice(i));
    const redirectAt = fd === null ? i : i + 1;
    const redirect = REDIRECTS.find((r) => text.startsWith(r, redirectAt));
    if (redirect !== undefined) {
      tokens.push({ type: "redirect", op: redirect, fd: fd === null ? undefined : Number(fd[1]) });
      i = redirectAt + redirect.length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      tokens.push({ type: "op", op });
      i += op.length;
      continue;
    }
    const word = readWord(text, i);
    if (word === undefined) return { ok: false, reason: "unterminated-quote" };
    tokens.push({ type: "word", word: word.word });
    i = word.end;
  }
  return { ok: true, tokens };
}

/** Reads one word starting at `from`: up to unquoted blank or operator. */
function readWord(text: string, from: number): { word: Word; end: number } | undefined {
  const parts: WordPart[] = [];
  let literal = "";
  const flush = (): void => {
    if (literal !== "") parts.push({ kind: "text", text: literal, quoted: false });
    literal = "";
  };
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (" \t\n;&|()<>".includes(c)) break;
    if (c === "\\") {
      flush();
      if (i + 1 < text.length && text[i + 1] !== "\n") parts.push({ kind: "text", text: text[i + 1]!, quoted: true });
      i += 2;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return undefined;
      flush();
      parts.push({ kind: "text", text: text.slice(i + 1, close), quoted: true });
      i = close + 1;
    } else if (c === '"') {
      const read = readDoubleQuoted(text, i + 1);
      if (read === undefined) return undefined;
      flush();
      // An empty "" still makes a (quoted, empty) field.
      parts.push(...(read.parts.length === 0 ? [{ kind: "text" as const, text: "", quoted: true }] : read.parts));
      i = read.end;
    } else if (c === "$" || c === "`") {
      const read = c === "$" ? readDollar(text, i, false) : readBackquote(text, i, false);
      if (read === "unterminated") return undefined;
      if (read === undefined) {
        literal += c;
        i++;
      } else {
        flush();
        parts.push(read.part);
        i = read.end;
      }
    } else {
      literal += c;
      i++;
    }
  }
  flush();
  return { word: { parts, source: text.slice(from, i) }, end: i };
}
