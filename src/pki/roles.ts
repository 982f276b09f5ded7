/** Node roles and the certificate OU that carries each (swarmkit ca/config.go ParseRole, FormatRole). */

import { managerOu, workerOu } from "./constants.js";

/** A node's role, as `docker node ls` shows it. */
export type NodeRole = "manager" | "worker";

/**
 * The certificate OU of a role.
 *
 * @example
 * ```ts
 * ouOfRole("manager"); // "swarm-manager"
 * ```
 */
export function ouOfRole(role: NodeRole): string {
  if (role === "manager") return managerOu;
  if (role === "worker") return workerOu;
  throw new RangeError(`"role" expected "manager" or "worker", got ${JSON.stringify(role)}`);
}

/**
 * The role an OU stands for, or undefined for any other OU. Case-insensitive,
 * as swarmkit's FormatRole.
 *
 * @example
 * ```ts
 * roleOfOu("swarm-worker"); // "worker"
 * roleOfOu("admins");       // undefined
 * ```
 */
export function roleOfOu(ou: string): NodeRole | undefined {
  const lower = ou.toLowerCase();
  if (lower === managerOu) return "manager";
  if (lower === workerOu) return "worker";
  return undefined;
}
