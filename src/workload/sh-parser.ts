/**
 * The shell grammar (POSIX XCU 2.10, the parts the modelled scripts use):
 * lists with `;` `&` and newlines, `&&` and `||`, `!`, pipelines, simple
 * commands with assignments and redirections, `while`/`until`, `if`, `for`,
 * `{ ...; }` and `( ... )`. Pure: tokens in, a tree or the offending token out.
 */

import { type LexResult, type RedirectOperator, type Token, type Word, lexShell } from "./sh-lexer.js";

/** A redirection: `2>&1`, `>/dev/null`, `>>log`. */
export interface Redirect {
  readonly fd: number;
  readonly op: RedirectOperator;
  readonly target: Word;
}

/** A parsed script. */
export type ShellNode =
  | { readonly type: "list"; readonly items: ReadonlyArray<{ readonly node: ShellNode; readonly background: boolean }> }
  | { readonly type: "and-or"; readonly first: ShellNode; readonly rest: ReadonlyArray<{ readonly op: "&&" | "||"; readonly node: ShellNode }> }
  | { readonly type: "not"; readonly node: ShellNode }
  | { readonly type: "pipeline"; readonly commands: readonly ShellNode[] }
  | { readonly type: "simple"; readonly assignments: ReadonlyArray<readonly [string, Word]>; readonly words: readonly Word[]; readonly redirects: readonly Redirect[] }
  | { readonly type: "loop"; readonly until: boolean; readonly condition: ShellNode; readonly body: ShellNode }
  | { readonly type: "if"; readonly clauses: ReadonlyArray<{ readonly condition: ShellNode; readonly body: ShellNode }>; readonly otherwise: ShellNode | undefined }
  | { readonly type: "for"; readonly name: string; readonly words: readonly Word[] | undefined; readonly body: ShellNode }
  | { readonly type: "group"; readonly body: ShellNode; readonly subshell: boolean }
  | { readonly type: "redirected"; readonly node: ShellNode; readonly redirects: readonly Redirect[] };

/**
 * A script's tree, or why it does not parse: the token found (as the shells
 * name it: `end of file`, `newline`, `word`, or a quoted keyword/operator) and
 * the keyword that was expected, or an unterminated quote.
 */
export type ParseResult =
  | { readonly ok: true; readonly node: ShellNode }
  | { readonly ok: false; readonly error: { readonly kind: "unexpected"; readonly token: string; readonly expecting?: string } | { readonly kind: "unterminated-quote" } };

const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "{", "}", "!", "case", "esac"]);
/** Keywords that close a construct: one where a command should start is a syntax error. */
const CLOSERS = new Set(["then", "else", "elif", "fi", "do", "done", "}", "esac"]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

class SyntaxError_ {
  constructor(
    readonly token: string,
    readonly expecting?: string,
  ) {}
}

/** A token as the shells' messages name it. */
function describe(token: Token | undefined): string {
  if (token === undefined) return "end of file";
  if (token.type === "redirect") return "redirection";
  if (token.type === "op") return token.op === "\n" ? "newline" : `"${token.op}"`;
  return RESERVED.has(token.word.source) ? `"${token.word.source}"` : "word";
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  script(): ShellNode {
    const node = this.list(new Set());
    if (this.at < this.tokens.length) throw new SyntaxError_(describe(this.tokens[this.at]));
    return node;
  }

  /** Commands separated by `;`, `&` or newlines, up to a closing keyword in `until`, `)` or the end. */
  private list(closers: ReadonlySet<string>): ShellNode {
    const items: Array<{ node: ShellNode; background: boolean }> = [];
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token === undefined || this.isOp(token, ")") || (token.type === "word" && closers.has(token.word.source))) break;
      const node = this.andOr();
      const sep = this.peek();
      const background = sep !== undefined && this.isOp(sep, "&");
      items.push({ node, background });
      if (sep !== undefined && (this.isOp(sep, ";") || this.isOp(sep, "&") || this.isOp(sep, "\n"))) this.at++;
      else break;
    }
    return { type: "list", items };
  }

  /** A list that must hold at least one command, closed by `closer`. */
  private body(closer: string, closers: ReadonlySet<string> = new Set([closer])): ShellNode {
    const node = this.list(closers);
    if (node.type === "list" && node.items.length === 0) throw new SyntaxError_(describe(this.peek()), `"${closer}"`);
    return node;
  }

  private andOr(): ShellNode {
    const first = this.pipeline();
    const rest: Array<{ op: "&&" | "||"; node: ShellNode }> = [];
    for (let t = this.peek(); t !== undefined && (this.isOp(t, "&&") || this.isOp(t, "||")); t = this.peek()) {
      this.at++;
      this.skipNewlines();
      rest.push({ op: (t as { op: "&&" | "||" }).op, node: this.pipeline() });
    }
    return rest.length === 0 ? first : { type: "and-or", first, rest };
  }

  private pipeline(): ShellNode {
    const negated = this.isWord(this.peek(), "!");
    if (negated) this.at++;
    const commands = [this.command()];
    while (this.peek() !== undefined && this.isOp(this.peek()!, "|")) {
      this.at++;
      this.skipNewlines();
      commands.push(this.command());
    }
    const node: ShellNode = commands.length === 1 ? commands[0]! : { type: "pipeline", commands };
    return negated ? { type: "not", node } : node;
  }

  private command(): ShellNode {
    const token = this.peek();
    if (token === undefined) throw new SyntaxError_("end of file");
    if (token.type === "word" && CLOSERS.has(token.word.source)) throw new SyntaxError_(describe(token));
    let node: ShellNode;
    if (this.isWord(token, "while") || this.isWord(token, "until")) node = this.loop(token.type === "word" && token.word.source === "until");
    else if (this.isWord(token, "if")) node = this.ifClause();
    else if (this.isWord(token, "for")) node = this.forClause();
    else if (this.isWord(token, "{")) {
      this.at++;
      node = { type: "group", body: this.body("}"), subshell: false };
      this.expect("}");
    } else if (this.isOp(token, "(")) {
      this.at++;
      node = { type: "group", body: this.list(new Set()), subshell: true };
      if (!this.isOp(this.peek(), ")")) throw new SyntaxError_(describe(this.peek()), '")"');
      this.at++;
    } else return this.simple();
    const redirects = this.redirects();
    return redirects.length === 0 ? node : { type: "redirected", node, redirects };
  }

  private loop(until: boolean): ShellNode {
    this.at++;
    const condition = this.body("do");
    this.expect("do");
    const body = this.body("done");
    this.expect("done");
    return { type: "loop", until, condition, body };
  }

  private ifClause(): ShellNode {
    this.at++;
    const clauses: Array<{ condition: ShellNode; body: ShellNode }> = [];
    const closers = new Set(["elif", "else", "fi"]);
    for (;;) {
      const condition = this.body("then");
      this.expect("then");
      clauses.push({ condition, body: this.body("fi", closers) });
      if (!this.isWord(this.peek(), "elif")) break;
      this.at++;
    }
    let otherwise: ShellNode | undefined;
    if (this.isWord(this.peek(), "else")) {
      this.at++;
      otherwise = this.body("fi");
    }
    this.expect("fi");
    return { type: "if", clauses, otherwise };
  }

  private forClause(): ShellNode {
    this.at++;
    const name = this.peek();
    if (name?.type !== "word" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.word.source)) throw new SyntaxError_(describe(name));
    this.at++;
    this.skipNewlines();
    let words: Word[] | undefined;
    if (this.isWord(this.peek(), "in")) {
      this.at++;
      words = [];
      for (let t = this.peek(); t?.type === "word"; t = this.peek()) {
        words.push(t.word);
        this.at++;
      }
      if (this.isOp(this.peek(), ";") || this.isOp(this.peek(), "\n")) this.at++;
    } else if (this.isOp(this.peek(), ";")) this.at++;
    this.skipNewlines();
    this.expect("do");
    const body = this.body("done");
    this.expect("done");
    return { type: "for", name: name.word.source, words, body };
  }

  private simple(): ShellNode {
    const assignments: Array<readonly [string, Word]> = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined || token.type === "op") break;
      if (token.type === "redirect") {
        redirects.push(...this.redirects());
        continue;
      }
      const assignment = words.length === 0 ? ASSIGNMENT.exec(token.word.source) : null;
      if (assignment !== null) assignments.push([assignment[1]!, dropPrefix(token.word, assignment[0].length)]);
      else words.push(token.word);
      this.at++;
    }
    if (assignments.length === 0 && words.length === 0 && redirects.length === 0) throw new SyntaxError_(describe(this.peek()));
    return { type: "simple", assignments, words, redirects };
  }

  private redirects(): Redirect[] {
    const out: Redirect[] = [];
    for (let t = this.peek(); t?.type === "redirect"; t = this.peek()) {
      this.at++;
      const target = this.peek();
      if (target?.type !== "word") throw new SyntaxError_(describe(target));
      this.at++;
      out.push({ fd: t.fd ?? (t.op.startsWith("<") ? 0 : 1), op: t.op, target: target.word });
    }
    return out;
  }

  private expect(keyword: string): void {
    if (!this.isWord(this.peek(), keyword)) throw new SyntaxError_(describe(this.peek()), `"${keyword}"`);
    this.at++;
  }

  private skipNewlines(): void {
    while (this.isOp(this.peek(), "\n")) this.at++;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isOp(token: Token | undefined, op: string): boolean {
    return token?.type === "op" && token.op === op;
  }

  private isWord(token: Token | undefined, source: string): boolean {
    return token?.type === "word" && token.word.source === source;
  }
}

/** `NAME=value` minus its `NAME=`: the parts after the first `prefixLength` source chars (all in the leading unquoted text). */
function dropPrefix(word: Word, prefixLength: number): Word {
  const [first, ...rest] = word.parts;
  const parts = first?.kind === "text" && !first.quoted ? [{ ...first, text: first.text.slice(prefixLength) }, ...rest] : rest;
  return { parts: parts.filter((p) => p.kind !== "text" || p.text !== "" || p.quoted), source: word.source.slice(prefixLength) };
}

/**
 * Lexes and parses a script.
 *
 * @example
 * parseShell("curl web && sleep 3600") // { ok: true, node: { type: "list", items: [...] } }
 */
export function parseShell(text: string): ParseResult {
  const lexed: LexResult = lexShell(text);
  if (!lexed.ok) return { ok: false, error: { kind: "unterminated-quote" } };
  try {
    return { ok: true, node: new Parser(lexed.tokens).script() };
  } catch (error) {
    if (!(error instanceof SyntaxError_)) throw error;
    return { ok: false, error: { kind: "unexpected", token: error.token, ...(error.expecting === undefined ? {} : { expecting: error.expecting }) } };
  }
}
