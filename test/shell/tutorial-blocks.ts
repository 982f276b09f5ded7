/**
 * The runnable blocks of a markdown document: fenced blocks tagged
 * `swarmsim-shell` (a shell session: `$ swarmsim shell ...` opens one,
 * `NODE$ command` lines are typed at the prompt, other lines are excerpts of
 * what comes back; a block without an opening line goes on with the
 * previous session) and `swarmsim` (`$ swarmsim ...` command lines run by
 * the built CLI with stdin not a terminal, other lines excerpts of stdout).
 */

/** One input line and the excerpt of what it prints. */
export interface BlockInput {
  /** For a shell block, the prompt it was typed at (`manager-1$ `); for a command, `$ `. */
  readonly prompt: string;
  readonly line: string;
  /** Where it is in the document (1-based line number), for messages. */
  readonly docLine: number;
  readonly excerpt: string[];
}

/** A fenced block of the document that the tests run. */
export interface RunnableBlock {
  readonly tag: "swarmsim-shell" | "swarmsim";
  readonly docLine: number;
  readonly inputs: BlockInput[];
}

const FENCE = /^```(\S*)\s*$/;
const PROMPT = /^([a-z0-9][a-z0-9-]*\$ |\$ )(.*)$/;

/** Every `swarmsim-shell` and `swarmsim` block of `markdown`, in order. */
export function runnableBlocks(markdown: string): RunnableBlock[] {
  const blocks: RunnableBlock[] = [];
  let current: RunnableBlock | undefined;
  let inOther = false;
  markdown.split("\n").forEach((text, i) => {
    const fence = FENCE.exec(text);
    if (fence !== null) {
      if (current !== undefined) {
        blocks.push(current);
        current = undefined;
      } else if (inOther) inOther = false;
      else if (fence[1] === "swarmsim-shell" || fence[1] === "swarmsim") current = { tag: fence[1], docLine: i + 1, inputs: [] };
      else inOther = true;
      return;
    }
    if (current === undefined) return;
    const prompt = PROMPT.exec(text);
    if (prompt !== null) current.inputs.push({ prompt: prompt[1]!, line: prompt[2]!, docLine: i + 1, excerpt: [] });
    else if (current.inputs.length > 0) current.inputs[current.inputs.length - 1]!.excerpt.push(text);
    else throw new Error(`line ${i + 1}: a ${current.tag} block must start with a command line`);
  });
  if (current !== undefined) throw new Error(`the ${current.tag} block at line ${current.docLine} is not closed`);
  return blocks;
}
