/**
 * One machine of the simulated world: its place on the underlay, its Docker
 * engine's swarm membership, and the control-plane services it runs.
 */

import type { ControlContext, ManagerServices, NodeIdentity } from "../control/index.js";
import type { Host } from "../net/index.js";
import type { NodeOs, NodeRole, NodeSpec } from "./spec.js";

/**
 * Where the engine stands with the swarm (`docker info`'s Swarm: inactive,
 * pending, active). A joining node is pending until its certificate arrives.
 */
export type Membership =
  | { readonly state: "inactive" }
  | { readonly state: "pending"; readonly managerAddr: string }
  | { readonly state: "active"; readonly identity: NodeIdentity; readonly manager?: ManagerServices };

/** A simulated Docker host. */
export class SwarmNode {
  readonly name: string;
  /** The role the scenario gives it (what automatic bootstrap joins it as). */
  readonly intendedRole: NodeRole;
  readonly os: NodeOs;
  membership: Membership = { state: "inactive" };
  /** Joins attempted so far: each uses a fresh key. */
  joins = 0;

  constructor(
    spec: NodeSpec,
    /** Its underlay host (address, sockets). */
    readonly host: Host,
    /** What its control-plane connections run with. */
    readonly control: ControlContext,
  ) {
    this.name = spec.name;
    this.intendedRole = spec.role;
    this.os = spec.os;
  }

  /** Its swarm identity, once it belongs to a swarm. */
  get identity(): NodeIdentity | undefined {
    return this.membership.state === "active" ? this.membership.identity : undefined;
  }

  /** Its node ID, once it belongs to a swarm. */
  get id(): string | undefined {
    return this.identity?.nodeId;
  }

  /** Its manager services, if it is a manager of a swarm. */
  get manager(): ManagerServices | undefined {
    return this.membership.state === "active" ? this.membership.manager : undefined;
  }
}
