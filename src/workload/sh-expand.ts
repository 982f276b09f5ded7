/**
 * Word expansion (POSIX XCU 2.6), the parts the modelled scripts use:
 * parameters, command substitution (trailing newlines removed), field
 * splitting of unquoted results on blanks, quote removal. No globbing: the
 * modelled containers have no files to match.
 */

import type { Word, WordPart } from "./sh-lexer.js";

/** What expansion asks of the shell. */
export interface ExpansionScope {
  /** A parameter's value (`HOSTNAME`, `?`, `$`, `0`, `1`, ...), undefined if unset. */
  parameter(name: string): string | undefined;
  /** Runs `source` in a subshell and hands back what it wrote to stdout. */
  substitute(source: string, done: (output: string) => void): void;
}

const BLANKS = /[ \t\n]+/;

/** Builds fields from expanded parts. */
class Fields {
  readonly done: string[] = [];
  private current: string | undefined;

  /** Text that is not split: quoted parts and unquoted literals. */
  add(text: string): void {
    this.current = (this.current ?? "") + text;
  }

  /** An unquoted expansion's result: split on blanks. */
  addSplit(text: string): void {
    const pieces = text.split(BLANKS);
    pieces.forEach((piece, i) => {
      if (i > 0) this.end();
      if (piece !== "") this.add(piece);
    });
  }

  end(): void {
    if (this.current !== undefined) this.done.push(this.current);
    this.current = undefined;
  }
}

function expandPart(part: WordPart, scope: ExpansionScope, done: (value: string) => void): void {
  if (part.kind === "text") done(part.text);
  else if (part.kind === "param") done(scope.parameter(part.name) ?? "");
  else scope.substitute(part.source, (output) => done(output.replace(/\n+$/, "")));
}

/** Expands one word into its fields (none, if it was an unquoted expansion of nothing). */
function expandFields(word: Word, scope: ExpansionScope, done: (fields: string[]) => void): void {
  const fields = new Fields();
  const step = (index: number): void => {
    if (index === word.parts.length) {
      fields.end();
      done(fields.done);
      return;
    }
    const part = word.parts[index]!;
    expandPart(part, scope, (value) => {
      if (part.quoted || part.kind === "text") fields.add(value);
      else fields.addSplit(value);
      step(index + 1);
    });
  };
  step(0);
}

/**
 * Expands a command's words into its argument list.
 *
 * @example
 * // HOSTNAME=abc: echo "from $HOSTNAME" -> ["echo", "from abc"]
 */
export function expandWords(words: readonly Word[], scope: ExpansionScope, done: (fields: string[]) => void): void {
  const out: string[] = [];
  const step = (index: number): void => {
    if (index === words.length) return done(out);
    expandFields(words[index]!, scope, (fields) => {
      out.push(...fields);
      step(index + 1);
    });
  };
  step(0);
}

/** Expands a word without field splitting (assignment values, redirection targets). */
export function expandWord(word: Word, scope: ExpansionScope, done: (text: string) => void): void {
  let text = "";
  const step = (index: number): void => {
    if (index === word.parts.length) return done(text);
    expandPart(word.parts[index]!, scope, (value) => {
      text += value;
      step(index + 1);
    });
  };
  step(0);
}
