/**
 * `docker service create | ls | ps | logs | rm | scale | update | inspect`
 * for replicated services kept in the managers' replicated store (docker/cli
 * cli/command/service/, moby daemon/cluster/services.go, swarmkit
 * manager/controlapi/service.go). The commands only propose service objects;
 * the leader's orchestrator, allocator and scheduler turn them into tasks.
 *
 * Without `-d` the real CLI then waits for the service to converge
 * (service/helpers.go WaitOnService), printing progress on stdout whether or not
 * it is a terminal. Here every command answers once its change commits, as
 * with `-d`.
 */

import { type ClusterStore, type Proposer, type StoreAction, type StoredNetwork, type StoredService, GrpcCode, grpcErrorText, parseConstraints } from "../../control/index.js";
import type { Rng } from "../../sim/index.js";
import { newId } from "../../pki/index.js";
import type { DockerContext } from "../cluster.js";
import { type CommandSpec, keyValues, parseCommand } from "./command.js";
import { daemonError } from "./daemon-errors.js";
import { parseImageReference, tagNameOnly } from "./image-reference.js";
import { randomServiceName } from "./names-generator.js";
import { type CommandOutput, type CommandRegistry, type CommandResult, deferred, fail, ok } from "./registry.js";
import { inspectServices, listServices, listTasks, serviceLogs } from "./service-reads.js";
import { latestService, lookupNetwork, lookupService } from "./service-lookup.js";
import { managerOf } from "./swarm-commands.js";

const detach = { name: "detach", short: "d", type: "bool", usage: "Exit immediately instead of waiting for the service to converge" } as const;
const quiet = { name: "quiet", short: "q", type: "bool", usage: "Suppress progress output" } as const;
const replicas = { name: "replicas", type: "uint", usage: "Number of tasks" } as const;

/** The `docker service` writes as docker/cli declares them. */
const specs = {
  create: {
    path: "docker service create",
    use: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    short: "Create a new service",
    flags: [
      detach,
      quiet,
      { name: "name", type: "string", usage: "Service name" },
      { name: "network", type: "stringArray", valueName: "network", usage: "Network attachments" },
      replicas,
      { name: "label", short: "l", type: "stringArray", valueName: "list", usage: "Service labels" },
      { name: "constraint", type: "stringArray", valueName: "list", usage: "Placement constraints" },
    ],
    args: { min: 1, max: Infinity },
    // create.go: flags.SetInterspersed(false), the words after IMAGE are the container's.
    interspersed: false,
  },
  rm: { path: "docker service rm", use: "SERVICE [SERVICE...]", short: "Remove one or more services", flags: [], args: { min: 1, max: Infinity } },
  scale: { path: "docker service scale", use: "SERVICE=REPLICAS [SERVICE=REPLICAS...]", short: "Scale one or multiple replicated services", flags: [detach], args: { min: 1, max: Infinity } },
  update: { path: "docker service update", use: "[OPTIONS] SERVICE", short: "Update a service", flags: [detach, quiet, replicas], args: { exactly: 1 } },
} as const satisfies Record<string, CommandSpec>;

const isOutput = (v: object): v is CommandOutput => "exitCode" in v;

/** swarmkit controlapi/common.go isValidDNSName: what a service name must match. */
const validServiceName = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;

/** One stream per swarm and purpose, forked from the run's seed by cluster ID, so IDs do not depend on which manager leads. */
const streams = new WeakMap<ClusterStore, Map<string, Rng>>();

function streamOf(context: DockerContext, store: ClusterStore, purpose: "service-ids" | "service-names"): Rng {
  let byPurpose = streams.get(store);
  if (byPurpose === undefined) streams.set(store, (byPurpose = new Map()));
  let stream = byPurpose.get(purpose);
  if (stream === undefined) byPurpose.set(purpose, (stream = context.cluster.sim.rng.fork(purpose).fork(store.state.clusterId)));
  return stream;
}

/**
 * swarmkit controlapi/service.go validateServiceSpec, the checks that apply:
 * validateAnnotations (the name) and validateImage; a refusal is InvalidArgument.
 */
function specRefusal(name: string, image: string): string | undefined {
  if (!validServiceName.test(name)) return "name must be valid as a DNS name component";
  if (name.length > 63) return "name must be 63 characters or fewer";
  if (image === "") return "ContainerSpec: image reference must be provided";
  if (parseImageReference(image) === undefined) return `ContainerSpec: "${image}" is not a valid repository/tag`;
  return undefined;
}

function create(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.create, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const { flags, args } = parsed.command;
  const store = m.services.store;
  // docker/cli opts.go ToService: each --network resolved to its ID, then sorted by ID.
  const networks: StoredNetwork[] = [];
  for (const ref of (flags.get("network") as string[] | undefined) ?? []) {
    const found = lookupNetwork(m.state.networks.values(), ref);
    if (!found.ok) return daemonError(found.reason);
    networks.push(found.value);
  }
  networks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // moby convert/service.go ServiceSpecToGRPC: no name, a generated one.
  const given = (flags.get("name") as string | undefined) ?? "";
  const name = given === "" ? randomServiceName(streamOf(context, store, "service-names")) : given;
  const image = args[0]!;
  const refused = specRefusal(name, image);
  if (refused !== undefined) return daemonError(grpcErrorText(GrpcCode.invalidArgument, refused));
  // controlapi/service.go validatePlacement: constraint.Parse's error, as InvalidArgument.
  const constraints = (flags.get("constraint") as string[] | undefined) ?? [];
  const placement = parseConstraints(constraints);
  if (!placement.ok) return daemonError(grpcErrorText(GrpcCode.invalidArgument, placement.reason));
  // controlapi/service.go validateNetworks.
  const ingress = networks.find((n) => n.ingress);
  if (ingress !== undefined) return daemonError(grpcErrorText(GrpcCode.invalidArgument, `Service cannot be explicitly attached to the ingress network "${ingress.name}"`));
  // store.CreateService refuses a taken name (ErrNameConflict); CreateService adds the service's name.
  const pending = store.pendingActions().flatMap((a) => (a.kind === "create-service" ? [a.service] : []));
  if ([...m.state.services.values(), ...pending].some((s) => s.name === name)) {
    return daemonError(grpcErrorText(GrpcCode.alreadyExists, `name conflicts with an existing object: service ${name} already exists`));
  }
  const now = context.cluster.sim.now;
  const service: StoredService = {
    id: newId(streamOf(context, store, "service-ids")),
    name,
    image: tagNameOnly(image),
    args: args.slice(1),
    networks: networks.map((n) => n.id),
    replicas: (flags.get("replicas") as number | undefined) ?? 1,
    labels: keyValues((flags.get("label") as string[] | undefined) ?? []),
    ...(constraints.length === 0 ? {} : { constraints }),
    virtualIps: [],
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  return deferred((done) =>
    store.update(m.services.proposer, [{ kind: "create-service", service }], (result) => {
      if (!result.ok) return done(daemonError(grpcErrorText(GrpcCode.unknown, result.reason)));
      context.cluster.sim.trace.record("service.created", { serviceId: service.id, name, replicas: service.replicas, networks: service.networks }, context.node.name);
      done(ok(`${service.id}\n`));
    }),
  );
}

/** Proposes `service` with `replicas` (or unchanged) as its next version; `done` hears the failure reason, if any. */
function proposeUpdate(
  context: DockerContext,
  store: ClusterStore,
  proposer: Proposer | undefined,
  current: StoredService,
  replicaCount: number | undefined,
  done: (failure: string | undefined) => void,
): void {
  const base = latestService(store, current);
  const service: StoredService = { ...base, replicas: replicaCount ?? base.replicas, version: base.version + 1, updatedAt: context.cluster.sim.now };
  store.update(proposer, [{ kind: "update-service", service }], (result) => {
    if (!result.ok) return done(result.reason);
    context.cluster.sim.trace.record("service.updated", { serviceId: service.id, name: service.name, replicas: service.replicas, version: service.version }, context.node.name);
    done(undefined);
  });
}

/**
 * `docker service scale SERVICE=REPLICAS...` (docker/cli scale.go): every
 * specifier is checked first; then each service is updated in turn, printing
 * `web scaled to 3`, and each failure is one `SERVICE: error` line.
 */
function scale(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.scale, words);
  if (!parsed.ok) return parsed.output;
  const args = parsed.command.args;
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0 || eq === arg.length - 1) {
      const spec = specs.scale;
      return fail(`invalid scale specifier '${arg}'.\nSee '${spec.path} --help'.\n\nUsage:  ${spec.path} ${spec.use}\n\n${spec.short}`);
    }
  }
  return deferred((done) => {
    const stdout: string[] = [];
    const errors: string[] = [];
    const step = (i: number): void => {
      if (i === args.length) return done({ stdout: stdout.join(""), stderr: errors.map((e) => `${e}\n`).join(""), exitCode: errors.length === 0 ? 0 : 1 });
      const arg = args[i]!;
      const ref = arg.slice(0, arg.indexOf("="));
      const text = arg.slice(arg.indexOf("=") + 1);
      // scale.go: strconv.ParseUint(scaleStr, 10, 64).
      const count = /^\d+$/.test(text) && BigInt(text) < 1n << 64n ? Number(text) : undefined;
      if (count === undefined) {
        errors.push(`${ref}: invalid replicas value ${text}: strconv.ParseUint: parsing "${text}": ${/^\d+$/.test(text) ? "value out of range" : "invalid syntax"}`);
        return step(i + 1);
      }
      const m = managerOf(context);
      if (isOutput(m)) {
        errors.push(`${ref}: ${m.stderr.trimEnd()}`);
        return step(i + 1);
      }
      const found = lookupService(m.state.services.values(), ref);
      if (!found.ok) {
        errors.push(`${ref}: Error response from daemon: ${found.reason}`);
        return step(i + 1);
      }
      proposeUpdate(context, m.services.store, m.services.proposer, found.value, count, (failure) => {
        if (failure === undefined) stdout.push(`${ref} scaled to ${count}\n`);
        else errors.push(`${ref}: Error response from daemon: ${grpcErrorText(GrpcCode.unknown, failure)}`);
        step(i + 1);
      });
    };
    step(0);
  });
}

/** `docker service update [--replicas N] SERVICE` (docker/cli update.go): prints the service as named. */
function update(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.update, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const ref = parsed.command.args[0]!;
  const found = lookupService(m.state.services.values(), ref);
  if (!found.ok) return daemonError(found.reason);
  const count = parsed.command.flags.get("replicas") as number | undefined;
  return deferred((done) =>
    proposeUpdate(context, m.services.store, m.services.proposer, found.value, count, (failure) =>
      done(failure === undefined ? ok(`${ref}\n`) : daemonError(grpcErrorText(GrpcCode.unknown, failure))),
    ),
  );
}

/**
 * `docker service rm SERVICE...` (docker/cli remove.go): every service found
 * is removed and printed as named; each one not found is an error line, exit 1.
 * The orchestrator then shuts the service's tasks down.
 */
function rm(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.rm, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const removed = new Map<string, StoredService>();
  const printed: string[] = [];
  const errors: string[] = [];
  for (const ref of parsed.command.args) {
    const found = lookupService([...m.state.services.values()].filter((s) => !removed.has(s.id)), ref);
    if (!found.ok) errors.push(`Error response from daemon: ${found.reason}\n`);
    else {
      removed.set(found.value.id, found.value);
      printed.push(`${ref}\n`);
    }
  }
  const outcome = (): CommandOutput => ({ stdout: printed.join(""), stderr: errors.join(""), exitCode: errors.length === 0 ? 0 : 1 });
  if (removed.size === 0) return outcome();
  const actions: StoreAction[] = [...removed.keys()].map((serviceId) => ({ kind: "remove-service", serviceId }));
  return deferred((done) =>
    m.services.store.update(m.services.proposer, actions, (result) => {
      if (!result.ok) return done(daemonError(grpcErrorText(GrpcCode.unknown, result.reason)));
      for (const service of removed.values()) context.cluster.sim.trace.record("service.removed", { serviceId: service.id, name: service.name }, context.node.name);
      done(outcome());
    }),
  );
}

declare module "../../sim/trace.js" {
  interface TraceKinds {
    /** `docker service create` committed a service. */
    "service.created": { serviceId: string; name: string; replicas: number; networks: readonly string[] };
    /** `docker service scale | update` committed a new version of a service. */
    "service.updated": { serviceId: string; name: string; replicas: number; version: number };
    /** `docker service rm` committed a service's removal. */
    "service.removed": { serviceId: string; name: string };
  }
}

/**
 * Registers the `docker service` verbs (with cobra's aliases `list` and `remove`).
 *
 * @example
 * ```ts
 * registerServiceCommands(registry);
 * registry.run(context, ["docker", "service", "create", "--name", "web", "--replicas", "3", "nginx"]);
 * ```
 */
export function registerServiceCommands(registry: CommandRegistry<DockerContext>): void {
  registry
    .register("service create", create)
    .register("service ls", listServices)
    .register("service list", listServices)
    .register("service ps", listTasks)
    .register("service logs", serviceLogs)
    .register("service rm", rm)
    .register("service remove", rm)
    .register("service scale", scale)
    .register("service update", update)
    .register("service inspect", inspectServices);
}
