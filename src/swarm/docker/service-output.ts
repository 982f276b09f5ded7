/**
 * What `docker service ls | ps | inspect` print, as pure functions of the
 * store's objects: docker/cli cli/command/service/formatter.go (ls, inspect),
 * cli/command/task/formatter.go and print.go (ps), moby
 * daemon/cluster/convert/service.go (the inspect object's shape).
 */

import type { StoredService, StoredTask, TaskStateName } from "../../control/index.js";
import { type Instant, dateAt } from "../../sim/index.js";
import { humanDuration } from "./human-duration.js";
import { displayImage } from "./image-reference.js";
import { formatTable } from "./table.js";

/**
 * Go's time.RFC3339Nano of a simulated instant, as the engine's JSON carries
 * times: `2026-01-01T00:00:05.25Z` (trailing zeros dropped). With `fixed`,
 * jsonmessage.RFC3339NanoFixed's nine digits, as `docker service logs -t` prints.
 *
 * @example
 * ```ts
 * goTime(5_250_000 as Instant);       // "2026-01-01T00:00:05.25Z"
 * goTime(5_250_000 as Instant, true); // "2026-01-01T00:00:05.250000000Z"
 * ```
 */
export function goTime(at: Instant, fixed = false): string {
  const seconds = dateAt(at).toISOString().slice(0, 19);
  const nanos = `${String(((at % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0")}000`;
  if (fixed) return `${seconds}.${nanos}Z`;
  const trimmed = nanos.replace(/0+$/, "");
  return trimmed === "" ? `${seconds}Z` : `${seconds}.${trimmed}Z`;
}

/** fvbommel/sortorder NaturalLess, which docker/cli sorts services and tasks with: digit runs compare as numbers. */
export function naturalLess(a: string, b: string): boolean {
  const digit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const da = digit(a, i);
    const db = digit(b, j);
    if (da !== db) return da;
    if (!da) {
      if (a[i] !== b[j]) return a[i]! < b[j]!;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === "0") i++;
    while (j < b.length && b[j] === "0") j++;
    const startA = i;
    const startB = j;
    while (digit(a, i)) i++;
    while (digit(b, j)) j++;
    if (i - startA !== j - startB) return i - startA < j - startB;
    const na = a.slice(startA, i);
    const nb = b.slice(startB, j);
    if (na !== nb) return na < nb;
    if (startA !== startB) return startA < startB;
  }
  return a.length < b.length;
}

const byNatural = (a: string, b: string) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0);

/** stringid.TruncateID: the 12 characters IDs are shown with. */
export const truncateId = (id: string) => id.slice(0, 12);

/**
 * The tasks `docker service ls` counts as running (swarmkit
 * controlapi/service.go ListServiceStatuses: every task of the service whose
 * observed state is running, whatever its desired state).
 */
export function runningTasks(service: StoredService, tasks: Iterable<StoredTask>): number {
  let running = 0;
  for (const task of tasks) if (task.serviceId === service.id && task.state === "running") running++;
  return running;
}

/**
 * `docker service ls`: `ID  NAME  MODE  REPLICAS  IMAGE  PORTS`, sorted by
 * name; REPLICAS is running/desired; with `quiet`, the 12-character IDs alone
 * (serviceContext.ID truncates in both formats).
 */
export function serviceListText(services: readonly StoredService[], tasks: readonly StoredTask[], quiet: boolean): string {
  const sorted = [...services].sort((a, b) => byNatural(a.name, b.name));
  if (quiet) return sorted.map((s) => `${truncateId(s.id)}\n`).join("");
  const rows = sorted.map((s) => [truncateId(s.id), s.name, "replicated", `${runningTasks(s, tasks)}/${s.replicas}`, displayImage(s.image), ""]);
  return formatTable(["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"], rows);
}

/** A task as `docker service ps` lists it: the task, and the names the CLI resolves for it. */
export interface ListedTask {
  readonly task: StoredTask;
  /** The service's name (or ID with `--no-resolve`). */
  readonly serviceName: string;
  /** The node's hostname (or ID with `--no-resolve`); empty before scheduling. */
  readonly nodeName: string;
  /** The image of the service's spec. */
  readonly image: string;
}

/** formatter.PrettyPrint: the first letter capitalized. */
const prettyPrint = (state: TaskStateName) => state.charAt(0).toUpperCase() + state.slice(1);

/** cli/command/task/formatter.go maxErrLength. */
const maxErrLength = 30;

/** formatter.Ellipsis: at most `max` characters, the last one an ellipsis when cut. */
function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * `docker service ps`: sorted by task name (`web.1`, `web.2`, ... naturally),
 * newest first within a slot, older tasks of a slot indented ` \_ web.1`;
 * CURRENT STATE as `Running 5 minutes ago`; ERROR quoted and cut at 30
 * characters unless `noTrunc`. With `quiet`, the full task IDs alone.
 */
export function taskListText(listed: readonly ListedTask[], now: Instant, options: { readonly noTrunc: boolean; readonly quiet: boolean }): string {
  const named = listed.map((l) => ({ ...l, name: `${l.serviceName}.${l.task.slot === 0 ? l.task.nodeId : l.task.slot}` }));
  // cli/command/task/print.go tasksSortable: by name, then the most recent first (sort.Stable).
  named.sort((a, b) => byNatural(a.name, b.name) || b.task.createdAt - a.task.createdAt);
  if (options.quiet) return named.map((l) => `${l.task.id}\n`).join("");
  const trunc = !options.noTrunc;
  const rows = named.map((l, i) => {
    const task = l.task;
    const error = trunc ? ellipsis(task.err, maxErrLength) : task.err;
    const ago = humanDuration(now - task.stateAt).toLowerCase();
    return [
      trunc ? truncateId(task.id) : task.id,
      i > 0 && named[i - 1]!.name === l.name ? ` \\_ ${l.name}` : l.name,
      trunc ? displayImage(l.image) : l.image,
      l.nodeName,
      prettyPrint(task.desiredState),
      `${prettyPrint(task.state)} ${ago} ago`,
      error === "" ? "" : `"${error}"`,
      "",
    ];
  });
  return formatTable(["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"], rows);
}

/** swarmkit api/defaults Service.Update and .Rollback, as the engine's JSON shows them (durations in ns). */
const updateConfigDefaults = { Parallelism: 1, FailureAction: "pause", Monitor: 5_000_000_000, MaxFailureRatio: 0, Order: "stop-first" } as const;

/**
 * `docker service inspect`'s object (moby api/types/swarm Service, as
 * convert.ServiceFromGRPC builds it, with the defaults `InsertDefaults` fills
 * in): the spec as created, its version, and the endpoint with the VIPs the
 * allocator gave (`"Endpoint": {"Spec": {}}` until it has).
 */
export function serviceInspectObject(service: StoredService): unknown {
  const endpointSpec = { Mode: "vip" };
  return {
    ID: service.id,
    Version: { Index: service.version },
    CreatedAt: goTime(service.createdAt),
    UpdatedAt: goTime(service.updatedAt),
    Spec: {
      Name: service.name,
      Labels: { ...service.labels },
      TaskTemplate: {
        ContainerSpec: {
          Image: service.image,
          ...(service.args.length === 0 ? {} : { Args: [...service.args] }),
          Init: false,
          StopGracePeriod: 10_000_000_000,
          DNSConfig: {},
          Isolation: "default",
        },
        Resources: { Limits: {}, Reservations: {} },
        RestartPolicy: { Condition: "any", Delay: 5_000_000_000, MaxAttempts: 0 },
        Placement: service.constraints === undefined ? {} : { Constraints: [...service.constraints] },
        ...(service.networks.length === 0 ? {} : { Networks: service.networks.map((id) => ({ Target: id })) }),
        ForceUpdate: 0,
        Runtime: "container",
      },
      Mode: { Replicated: { Replicas: service.replicas } },
      UpdateConfig: updateConfigDefaults,
      RollbackConfig: updateConfigDefaults,
      EndpointSpec: endpointSpec,
    },
    Endpoint:
      service.virtualIps.length === 0
        ? { Spec: {} }
        : { Spec: endpointSpec, VirtualIPs: service.virtualIps.map((vip) => ({ NetworkID: vip.networkId, Addr: vip.addr })) },
  };
}
