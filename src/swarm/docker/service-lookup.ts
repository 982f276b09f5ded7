/**
 * How the daemon and the CLI find the service, task or network a user names,
 * and the daemon's words when they do not: moby daemon/cluster/helpers.go
 * getService and getTask, docker/cli cli/command/service/ps.go createFilter.
 */

import type { ClusterStore, StoredNetwork, StoredService, StoredTask } from "../../control/index.js";

/** A lookup's result: the object, or the daemon's reason and whether it is a not-found. */
export type Lookup<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string; readonly notFound: boolean };

/**
 * moby getService / getTask / getNetwork: the full ID, then the exact name,
 * then a unique ID prefix; `KIND X not found` or `KIND X is ambiguous (N matches found)`.
 */
function lookup<T extends { readonly id: string }>(kind: string, all: Iterable<T>, ref: string, nameOf: (t: T) => string | undefined): Lookup<T> {
  const objects = [...all];
  const exact = objects.find((o) => o.id === ref) ?? objects.find((o) => nameOf(o) === ref);
  if (exact !== undefined) return { ok: true, value: exact };
  const prefixed = objects.filter((o) => ref !== "" && o.id.startsWith(ref));
  if (prefixed.length === 1) return { ok: true, value: prefixed[0]! };
  if (prefixed.length === 0) return { ok: false, reason: `${kind} ${ref} not found`, notFound: true };
  return { ok: false, reason: `${kind} ${ref} is ambiguous (${prefixed.length} matches found)`, notFound: false };
}

/** The service `ref` names (moby daemon/cluster/helpers.go getService). */
export function lookupService(services: Iterable<StoredService>, ref: string): Lookup<StoredService> {
  return lookup("service", services, ref, (s) => s.name);
}

/** The task `ref` names by ID or unique ID prefix (getTask; task names are not modelled). */
export function lookupTask(tasks: Iterable<StoredTask>, ref: string): Lookup<StoredTask> {
  return lookup("task", tasks, ref, () => undefined);
}

/**
 * The swarm network `--network ref` names, as the CLI resolves it before
 * creating the service (docker/cli cli/command/service/opts.go resolveNetworkID:
 * NetworkInspect with scope swarm, so local networks are not found).
 */
export function lookupNetwork(networks: Iterable<StoredNetwork>, ref: string): Lookup<StoredNetwork> {
  return lookup("network", networks, ref, (n) => n.name);
}

/**
 * `docker service ps` matching (ps.go createFilter): per reference, a full ID,
 * else a full name, else every service whose ID it prefixes, where more than
 * one is an error. Returns the services found and a `no such service: X` line
 * per reference that found none.
 */
export function servicesForPs(services: readonly StoredService[], refs: readonly string[]): { ids: Set<string>; notFound: string[] } | { error: string } {
  const ids = new Set<string>();
  const notFound: string[] = [];
  for (const ref of refs) {
    const exact = services.find((s) => s.id === ref) ?? services.find((s) => s.name === ref);
    if (exact !== undefined) {
      ids.add(exact.id);
      continue;
    }
    const prefixed = services.filter((s) => s.id.startsWith(ref));
    if (prefixed.length > 1) return { error: `multiple services found with provided prefix: ${ref}` };
    if (prefixed.length === 1) ids.add(prefixed[0]!.id);
    else notFound.push(`no such service: ${ref}`);
  }
  return { ids, notFound };
}

/**
 * The newest version of `service` this manager knows: its last proposed and not
 * yet committed create or update, else the committed one, so that a second
 * update made before the first commits builds on it.
 */
export function latestService(store: ClusterStore, service: StoredService): StoredService {
  let newest = service;
  for (const action of store.pendingActions()) {
    if ((action.kind === "create-service" || action.kind === "update-service") && action.service.id === service.id) newest = action.service;
  }
  return newest;
}
