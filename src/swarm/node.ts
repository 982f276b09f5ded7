/**
 * One machine of the simulated world: its place on the underlay and its
 * swarm identity. Protocol agents attach here as the layers grow.
 */

import type { Host } from "../net/index.js";
import type { NodeOs, NodeRole, NodeSpec } from "./spec.js";

/** A simulated Docker host. */
export class SwarmNode {
  readonly name: string;
  readonly role: NodeRole;
  readonly os: NodeOs;

  constructor(
    spec: NodeSpec,
    /** Its underlay host (address, sockets). */
    readonly host: Host,
    /** Its swarm node ID: 25 base36 characters, as swarmkit draws them. */
    readonly id: string,
  ) {
    this.name = spec.name;
    this.role = spec.role;
    this.os = spec.os;
  }
}
