/**
 * `docker run` on one node: a standalone (unmanaged) container, outside any
 * service (docker/cli cli/command/container/run.go, moby
 * daemon/container_operations.go findAndAttachNetwork, daemon/cluster/networks.go
 * AttachNetwork).
 *
 * Without `--network` (or with `bridge`, `host`, `none`) the container runs on
 * the node with no overlay endpoint. With a swarm network, the engine asks
 * the managers for an attachment (swarmkit's ResourceAllocator): on a network
 * created `--attachable` it gets an address, joins the overlay like a task's
 * container (ESP on an encrypted network) and runs; on any other swarm
 * network the managers refuse, and the engine prints Docker 1.12's error (seed
 * 003), or the current engines' with `cluster.runErrors: current`.
 *
 * In the foreground the command ends when the container does, with its output
 * and exit code; `-d` prints the container's ID once it started.
 */

import { GrpcCode, type StoredNetwork } from "../../control/index.js";
import type { Ipv4Address } from "../../net/index.js";
import { type Instant, dateAt } from "../../sim/index.js";
import type { LogLine } from "../../workload/index.js";
import type { DockerContext } from "../cluster.js";
import { type CommandSpec, parseCommand } from "./command.js";
import { randomServiceName } from "./names-generator.js";
import { tagNameOnly } from "./image-reference.js";
import { type CommandOutput, type CommandRegistry, type CommandResult, deferred, fail } from "./registry.js";

/** Which engine's words `docker run` refuses a swarm-scoped network with (`cluster.runErrors`). */
export type RunErrorWording = "legacy" | "current";

const spec = {
  path: "docker run",
  use: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
  short: "Create and run a new container from an image",
  flags: [
    { name: "detach", short: "d", type: "bool", usage: "Run container in background and print container ID" },
    { name: "name", type: "string", usage: "Assign a name to the container" },
    { name: "network", type: "string", usage: "Connect a container to a network" },
    { name: "rm", type: "bool", usage: "Automatically remove the container and its associated anonymous volumes when it exits" },
    { name: "interactive", short: "i", type: "bool", usage: "Keep STDIN open even if not attached" },
    { name: "tty", short: "t", type: "bool", usage: "Allocate a pseudo-TTY" },
  ],
  args: { min: 1, max: Infinity },
  // run.go: flags.SetInterspersed(false), the words after IMAGE are the container's.
  interspersed: false,
} as const satisfies CommandSpec;

/** Networks every engine has, served locally (moby runconfig IsPreDefinedNetwork). */
const localNetworks = new Set(["bridge", "default", "host", "none"]);

/** docker/cli run.go: an error from the daemon, then the hint; exit 125. */
function runError(message: string): CommandOutput {
  return fail(`docker: Error response from daemon: ${message}\nSee 'docker run --help'.`, 125);
}

/** Docker 1.12 (seed 003) and current engines, refusing a network that is not attachable. */
function notAttachable(network: string, wording: RunErrorWording, managersSaid: string): CommandOutput {
  if (wording === "current") return runError(`Could not attach to network ${network}: ${managersSaid}`);
  return runError(`swarm-scoped network (${network}) is not compatible with \`docker create\` or \`docker run\`. This network can only be used by a docker service.`);
}

function run(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(spec, words);
  if (!parsed.ok) return parsed.output;
  const { node, cluster } = context;
  const flags = parsed.command.flags;
  const [image, ...argv] = parsed.command.args as [string, ...string[]];
  const name = (flags.get("name") as string | undefined) ?? randomServiceName(node.control.rng.fork("container-names"));
  const networkRef = flags.get("network") as string | undefined;
  const runtime = node.runtime;
  const agent = node.agent;
  if (runtime === undefined || agent === undefined) return fail("swarmsim: this node's engine is not in a swarm; standalone containers are modelled on swarm nodes only");
  const reference = tagNameOnly(image);
  return deferred((done) => {
    const launch = (network?: { network: StoredNetwork; address: Ipv4Address }, attachmentId?: string) => {
      const stderr: string[] = [];
      const detach = flags.get("detach") === true;
      const release = () => {
        if (attachmentId !== undefined) agent.detachNetwork(attachmentId);
      };
      const launched = runtime.runStandalone(
        { image: reference, argv, name, ...(network === undefined ? {} : { network }) },
        {
          // run.go pullImage: the pull's progress goes to stderr.
          pulling: () => stderr.push(`Unable to find image '${reference}' locally`, `Status: Downloaded newer image for ${reference}`),
          failed: (error) => {
            release();
            // run.go: a process that cannot start is the runtime's error, exit 127 for a missing executable.
            done(fail(`${stderr.map((l) => `${l}\n`).join("")}docker: Error response from daemon: ${error}.`, 127));
          },
          exited: (code, lines) => {
            release();
            if (detach) return;
            const out = lines.filter((l) => l.stream === "stdout").map((l) => `${l.text}\n`).join("");
            const err = [...stderr.map((l) => `${l}\n`), ...lines.filter((l) => l.stream === "stderr").map((l) => `${l.text}\n`)].join("");
            done({ stdout: out, stderr: err, exitCode: code });
          },
        },
      );
      if (!launched.ok) {
        release();
        return done(runError(launched.error));
      }
      const id = launched.container.id;
      cluster.sim.trace.record("container.run", { id, image: reference, name, network: network?.network.name ?? "" }, node.name);
      if (detach) launched.container.once("start", () => done({ stdout: `${id}\n`, stderr: stderr.map((l) => `${l}\n`).join(""), exitCode: 0 }));
    };
    if (networkRef === undefined || localNetworks.has(networkRef)) return launch();
    // The engine makes the container, then asks for the attachment with its ID; here the
    // container is made once the attachment came, so the request carries no ID.
    agent.attachNetwork(networkRef, "", (outcome) => {
      if (!outcome.ok) {
        if (outcome.code === GrpcCode.permissionDenied) return done(notAttachable(networkRef, cluster.runErrors, outcome.text));
        if (outcome.code === GrpcCode.notFound) return done(runError(`network ${networkRef} not found`));
        return done(runError(`Could not attach to network ${networkRef}: ${outcome.text}`));
      }
      const attachment = outcome.task.networks[0];
      const network = attachment === undefined ? undefined : node.store?.state.networks.get(attachment.networkId);
      const address = attachment?.addresses[0]?.split("/")[0] as Ipv4Address | undefined;
      if (network === undefined || address === undefined) return done(runError(`Could not attach to network ${networkRef}: the attachment has no address`));
      launch({ network, address }, outcome.attachmentId);
    });
  });
}

/** Registers `docker run`. */
export function registerRunCommand(registry: CommandRegistry<DockerContext>): void {
  registry.register("run", run);
}

declare module "../../sim/trace.js" {
  interface TraceKinds {
    /** `docker run` made a standalone container. */
    "container.run": { id: string; image: string; name: string; network: string };
  }
}

const logsSpec = {
  path: "docker logs",
  use: "[OPTIONS] CONTAINER",
  short: "Fetch the logs of a container",
  flags: [{ name: "timestamps", short: "t", type: "bool", usage: "Show timestamps" }],
  args: { exactly: 1 },
} as const satisfies CommandSpec;

/**
 * `docker logs CONTAINER` (docker/cli cli/command/container/logs.go): what a
 * container on this node wrote, its stdout lines on stdout and its stderr
 * lines on stderr; `-t` puts each line's RFC 3339 time with nanoseconds first.
 */
function logs(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(logsSpec, words);
  if (!parsed.ok) return parsed.output;
  const ref = parsed.command.args[0]!;
  const found = context.node.findContainer(ref);
  // moby errdefs: "No such container: REF".
  if (found === undefined) return fail(`Error response from daemon: No such container: ${ref}`);
  const stamp = parsed.command.flags.get("timestamps") === true;
  const line = (l: LogLine) => `${stamp ? `${rfc3339Nano(l.at)} ` : ""}${l.text}\n`;
  const lines = found.container.logs;
  return {
    stdout: lines.filter((l) => l.stream === "stdout").map(line).join(""),
    stderr: lines.filter((l) => l.stream === "stderr").map(line).join(""),
    exitCode: 0,
  };
}

/** Go's time.RFC3339Nano as the daemon writes log timestamps: nanoseconds without trailing zeros, `Z`. */
function rfc3339Nano(at: Instant): string {
  const iso = dateAt(at).toISOString().slice(0, 19);
  const micros = at % 1_000_000;
  const fraction = micros === 0 ? "" : `.${String(micros * 1000).padStart(9, "0").replace(/0+$/, "")}`;
  return `${iso}${fraction}Z`;
}

/** Registers `docker logs`. */
export function registerLogsCommand(registry: CommandRegistry<DockerContext>): void {
  registry.register("logs", logs);
}
