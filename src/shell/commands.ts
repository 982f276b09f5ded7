/**
 * The shell's words: its commands with their usage (what `help` prints), the
 * subjects of `show`, and tab completion over them, the docker verbs served
 * and the machines' names.
 */

/** The simulator's commands, in the order `help` lists them, with usage and what each does. */
export const shellCommands: ReadonlyArray<{ readonly name: string; readonly usage: string; readonly does: string }> = [
  { name: "docker", usage: "docker ...", does: "run a docker command on the current node (NAME=$(docker ...) keeps its output as $NAME)" },
  { name: "node", usage: "node use NAME | node ls", does: "switch to another machine; list the machines (also: nodes)" },
  { name: "advance", usage: "advance DURATION", does: "let simulated time pass: advance 90s, advance 12h" },
  { name: "step", usage: "step [N]", does: "run the next N scheduler events (default 1, at most 1000), one line each" },
  { name: "until", usage: "until rotation|renewal|event KIND [--within DURATION]", does: "run on to the next key rotation, certificate renewal or trace record of KIND (looks 48h ahead unless --within)" },
  { name: "show", usage: "show keyring|sa|certs|members|tables|gossip [NODE]", does: "every node's (or one node's) keys, ESP SAs, certificates, memberlist members, networkdb tables, gossip counters" },
  { name: "show", usage: "show timeline [N] | show wire", does: "the next scheduled events; what crossed the wire, by path" },
  { name: "capture", usage: "capture [NODE] [PATH] [N]", does: "the last N packets on the underlay (to or from NODE; PATH: esp, vxlan, gossip, control, other), as an eavesdropper sees them" },
  { name: "next", usage: "next [N|all]", does: "run the scenario's next N timeline steps (with --before-steps)" },
  { name: "crash", usage: "crash NODE | restart NODE | isolate NODE | heal", does: "power a machine off or back on, cut it from every other, heal every partition" },
  { name: "do", usage: "do STEP", does: "run one timeline step as a scenario file writes it: do {partition: [[manager-1], [worker-1]]}, do {wait: 30s}" },
  { name: "echo", usage: "echo WORDS", does: "print words, with $NAME expanded" },
  { name: "time", usage: "time", does: "the simulated time now" },
  { name: "help", usage: "help", does: "this list" },
  { name: "exit", usage: "exit | quit", does: "leave (so does end of input)" },
];

/** What `show` shows, and the words accepted for each. */
export const showSubjects: Readonly<Record<string, string>> = {
  keyring: "keyring",
  keyrings: "keyring",
  keys: "keyring",
  sa: "sa",
  sas: "sa",
  certs: "certs",
  cert: "certs",
  members: "members",
  tables: "tables",
  gossip: "gossip",
  timeline: "timeline",
  wire: "wire",
};

/** `help`'s text. */
export function helpText(): string {
  const width = Math.max(...shellCommands.map((c) => c.usage.length));
  const lines = shellCommands.map((c) => `  ${c.usage.padEnd(width)}  ${c.does}`);
  return `${lines.join("\n")}\nDurations: 90s, 5m, 12h, 1h30m, 7d. Anything else is refused with a reason.\n`;
}

/** The docker verbs the simulator serves, for completion. */
const dockerWords: Readonly<Record<string, readonly string[]>> = {
  "": ["swarm", "node", "network", "service", "run", "logs", "info", "version"],
  swarm: ["init", "join", "join-token", "leave", "update", "ca"],
  node: ["ls", "inspect", "rm"],
  network: ["create", "ls", "inspect", "rm"],
  service: ["create", "ls", "ps", "logs", "rm", "scale", "update", "inspect"],
};

const untilWords = ["rotation", "renewal", "event"];
const eventKinds = ["keymanager.rotate", "cert.renewed", "agent.keys", "dispatcher.message", "overlay.sa", "overlay.keys", "gossip.member", "raft.state", "manager.leadership"];

/**
 * Tab completion as node:readline's completer returns it: the candidates
 * for the word being typed, and that word.
 *
 * @example
 * ```ts
 * complete("show ke", ["manager-1"]); // [["keyring", "keys"], "ke"]
 * ```
 */
export function complete(line: string, nodeNames: readonly string[]): [string[], string] {
  const words = line.split(/\s+/);
  const typing = words[words.length - 1] ?? "";
  const before = words.slice(0, -1);
  const options = candidates(before, nodeNames);
  return [[...new Set(options)].filter((o) => o.startsWith(typing)), typing];
}

function candidates(before: readonly string[], nodeNames: readonly string[]): readonly string[] {
  const [first, second] = before;
  if (first === undefined) return [...new Set(shellCommands.map((c) => c.name)), "nodes", "quit", "restart", "isolate", "heal"];
  switch (first) {
    case "node":
      return before.length === 1 ? ["use", "ls"] : second === "use" && before.length === 2 ? nodeNames : [];
    case "show":
      return before.length === 1 ? Object.keys(showSubjects) : before.length === 2 ? nodeNames : [];
    case "capture":
      return [...nodeNames, "esp", "vxlan", "gossip", "control", "other"];
    case "until":
      return before.length === 1 ? untilWords : second === "event" && before.length === 2 ? eventKinds : ["--within"];
    case "crash":
    case "restart":
    case "isolate":
      return before.length === 1 ? nodeNames : [];
    case "docker":
      return before.length <= 2 ? (dockerWords[before.length === 1 ? "" : second!] ?? nodeNames) : [...nodeNames, ...nodeNames.map((n) => `${n}:2377`)];
    default:
      return [];
  }
}
