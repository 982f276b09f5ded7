/**
 * The `docker service` reads: `ls`, `ps`, `logs` and `inspect`, from the
 * leader's committed state (docker/cli cli/command/service/list.go, ps.go,
 * logs.go, inspect.go). Only managers answer them.
 */

import type { ClusterState, StoredTask } from "../../control/index.js";
import type { DockerContext } from "../cluster.js";
import { type CommandSpec, parseCommand } from "./command.js";
import { daemonError } from "./daemon-errors.js";
import { type CommandOutput, type CommandResult, fail, ok } from "./registry.js";
import { type TaskLogSource, serviceLogText } from "./service-logs.js";
import { lookupService, lookupTask, servicesForPs } from "./service-lookup.js";
import { type ListedTask, serviceInspectObject, serviceListText, taskListText } from "./service-output.js";
import { managerOf } from "./swarm-commands.js";

const noResolve = (usage: string) => ({ name: "no-resolve", type: "bool", usage }) as const;
const noTrunc = { name: "no-trunc", type: "bool", usage: "Do not truncate output" } as const;

/** The `docker service` reads as docker/cli declares them. */
const specs = {
  ls: { path: "docker service ls", use: "[OPTIONS]", short: "List services", flags: [{ name: "quiet", short: "q", type: "bool", usage: "Only display IDs" }], args: { exactly: 0 } },
  ps: {
    path: "docker service ps",
    use: "[OPTIONS] SERVICE [SERVICE...]",
    short: "List the tasks of one or more services",
    flags: [{ name: "quiet", short: "q", type: "bool", usage: "Only display task IDs" }, noTrunc, noResolve("Do not map IDs to Names")],
    args: { min: 1, max: Infinity },
  },
  logs: {
    path: "docker service logs",
    use: "[OPTIONS] SERVICE|TASK",
    short: "Fetch the logs of a service or task",
    flags: [
      noResolve("Do not map IDs to Names in output"),
      noTrunc,
      { name: "raw", type: "bool", usage: "Do not neatly format logs" },
      { name: "no-task-ids", type: "bool", usage: "Do not include task IDs in output" },
      { name: "timestamps", short: "t", type: "bool", usage: "Show timestamps" },
    ],
    args: { exactly: 1 },
  },
  inspect: { path: "docker service inspect", use: "[OPTIONS] SERVICE [SERVICE...]", short: "Display detailed information on one or more services", flags: [], args: { min: 1, max: Infinity } },
} as const satisfies Record<string, CommandSpec>;

const isOutput = (v: object): v is CommandOutput => "exitCode" in v;

/** idresolver: a node's hostname, its ID if the store no longer has it, nothing before scheduling. */
function nodeNameOf(state: ClusterState, nodeId: string, resolve: boolean): string {
  if (!resolve || nodeId === "") return nodeId;
  return state.nodes.get(nodeId)?.hostname ?? nodeId;
}

/** `docker service ls [-q]`. */
export function listServices(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.ls, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  return ok(serviceListText([...m.state.services.values()], [...m.state.tasks.values()], parsed.command.flags.get("quiet") === true));
}

/**
 * `docker service ps SERVICE...`: every task of the services named, old ones
 * included. A name that finds no service is a `no such service: X` line
 * after the table (only that, when none is found), exit 1.
 */
export function listTasks(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.ps, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const flags = parsed.command.flags;
  const matched = servicesForPs([...m.state.services.values()], parsed.command.args);
  if ("error" in matched) return fail(matched.error);
  if (matched.ids.size === 0) return fail(matched.notFound.join("\n"));
  const resolve = flags.get("no-resolve") !== true;
  const listed: ListedTask[] = [...m.state.tasks.values()].flatMap((task) => {
    const service = matched.ids.has(task.serviceId) ? m.state.services.get(task.serviceId) : undefined;
    if (service === undefined) return [];
    return [{ task, serviceName: resolve ? service.name : service.id, nodeName: nodeNameOf(m.state, task.nodeId, resolve), image: service.image }];
  });
  const quiet = flags.get("quiet") === true;
  const stdout = taskListText(listed, context.cluster.sim.now, { noTrunc: quiet || flags.get("no-trunc") === true, quiet });
  const stderr = matched.notFound.map((line) => `${line}\n`).join("");
  return { stdout, stderr, exitCode: matched.notFound.length === 0 ? 0 : 1 };
}

/**
 * `docker service logs SERVICE|TASK`: what each task's container wrote on its
 * node, merged by time, with the CLI's context prefix. A name that is neither
 * a service nor a task is `no such task or service: X`.
 */
export function serviceLogs(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.logs, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const flags = parsed.command.flags;
  const target = parsed.command.args[0]!;
  const service = lookupService(m.state.services.values(), target);
  let tasks: StoredTask[];
  let replicas: number;
  if (service.ok) {
    tasks = [...m.state.tasks.values()].filter((t) => t.serviceId === service.value.id);
    replicas = service.value.replicas;
  } else {
    if (!service.notFound) return daemonError(service.reason);
    // logs.go: not a service, so perhaps a task; neither, and the error says so.
    const task = lookupTask(m.state.tasks.values(), target);
    if (!task.ok) return task.notFound ? fail(`no such task or service: ${target}`) : daemonError(task.reason);
    tasks = [task.value];
    replicas = task.value.slot;
  }
  tasks.sort((a, b) => a.slot - b.slot || a.createdAt - b.createdAt);
  const resolve = flags.get("no-resolve") !== true;
  const sources: TaskLogSource[] = tasks.map((task) => {
    const hostname = m.state.nodes.get(task.nodeId)?.hostname;
    const node = hostname === undefined ? undefined : context.cluster.nodes.get(hostname);
    const serviceName = resolve ? (m.state.services.get(task.serviceId)?.name ?? task.serviceId) : task.serviceId;
    return { taskId: task.id, slot: task.slot, serviceName, nodeName: nodeNameOf(m.state, task.nodeId, resolve), lines: node?.taskLogs(task.id) ?? [] };
  });
  const text = serviceLogText(sources, {
    replicas,
    noTrunc: flags.get("no-trunc") === true,
    noTaskIds: flags.get("no-task-ids") === true,
    raw: flags.get("raw") === true,
    timestamps: flags.get("timestamps") === true,
  });
  return { ...text, exitCode: 0 };
}

/**
 * `docker service inspect SERVICE...`: the services found as a JSON array;
 * each one not found is `Error: no such service: X` (inspect.go), exit 1.
 */
export function inspectServices(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.inspect, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  // inspect.go: each reference's error on its line, after the (empty) array.
  if (isOutput(m)) return { stdout: "[]\n", stderr: parsed.command.args.map(() => m.stderr).join(""), exitCode: 1 };
  const objects: unknown[] = [];
  const errors: string[] = [];
  for (const ref of parsed.command.args) {
    const found = lookupService(m.state.services.values(), ref);
    if (found.ok) objects.push(serviceInspectObject(found.value));
    else errors.push(found.notFound ? `Error: no such service: ${ref}\n` : `Error response from daemon: ${found.reason}\n`);
  }
  return { stdout: `${JSON.stringify(objects, null, 4)}\n`, stderr: errors.join(""), exitCode: errors.length === 0 ? 0 : 1 };
}
