/**
 * One machine of the simulated world: its place on the underlay, its Docker
 * engine's swarm membership, and the control-plane services it runs: its
 * certificate renewer, its session with the managers, a manager's services.
 */

import {
  CertificateRenewer,
  type ClusterState,
  type ControlContext,
  type ManagerServices,
  type NodeIdentity,
  nodeDownAfterLeaveUs,
  tlsInfoOf,
  trustedRootsPem,
  withRoots,
} from "../control/index.js";
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

/** What a node that became a member runs until it leaves. */
interface Member {
  readonly swarm: ClusterState;
  readonly renewer: CertificateRenewer;
}

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The managers marked a node Down: it stopped heartbeating. */
    "node.down": { nodeId: string };
  }
}

/** A simulated Docker host. */
export class SwarmNode {
  readonly name: string;
  /** The role the scenario gives it (what automatic bootstrap joins it as). */
  readonly intendedRole: NodeRole;
  readonly os: NodeOs;
  membership: Membership = { state: "inactive" };
  /** Times it became a member (init or join): each membership renews on streams of its own. */
  private memberships = 0;
  /** `swarm init` and `swarm join` attempts so far. */
  private attempts = 0;
  private member: Member | undefined;

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

  /**
   * The control context for one `swarm init` or `swarm join`: random streams of
   * its own, so a node that leaves and comes back draws new IDs, keys and tokens.
   */
  attemptContext(): ControlContext {
    return { ...this.control, rng: this.control.rng.fork(`attempt-${++this.attempts}`) };
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

  /**
   * Becomes a member of `swarm` with `identity` (after `swarm init` or a join):
   * opens its session, which gives it the roots to trust now, reports its TLS
   * state, and starts renewing its certificate.
   */
  becomeMember(swarm: ClusterState, identity: NodeIdentity, options: { readonly manager?: ManagerServices; readonly rsaBits: number }): void {
    if (this.member !== undefined) throw new RangeError(`"${this.name}" is already a member of a swarm; it must leave first`);
    const renewer = new CertificateRenewer({
      context: this.control,
      name: `renewer-${++this.memberships}`,
      rsaBits: options.rsaBits,
      current: () => this.currentIdentity(),
      install: (renewed) => this.install(renewed),
    });
    this.member = { swarm, renewer };
    this.membership = { state: "active", identity: withRoots(identity, trustedRootsPem(swarm)), ...(options.manager === undefined ? {} : { manager: options.manager }) };
    swarm.sessions.set(identity.nodeId, {
      rotateCertificate: () => renewer.renew(),
      updateRoots: (rootsPem) => this.install(withRoots(this.currentIdentity(), rootsPem)),
    });
    this.report();
    renewer.start();
  }

  /**
   * Leaves the swarm: stops renewing, closes its session, stops any manager
   * services. Its heartbeats stop, so the managers mark it Down after
   * `nodeDownAfterLeaveUs`.
   */
  leaveSwarm(): void {
    const member = this.member;
    const id = this.id;
    if (member !== undefined && id !== undefined) {
      member.renewer.stop();
      member.swarm.sessions.delete(id);
      const stored = member.swarm.nodes.get(id);
      if (stored !== undefined) {
        this.control.sim.scheduler.after(nodeDownAfterLeaveUs, "dispatcher.node-down", () => {
          stored.status = "down";
          this.control.sim.trace.record("node.down", { nodeId: id }, this.name);
        });
      }
    }
    this.manager?.stop();
    this.member = undefined;
    this.membership = { state: "inactive" };
  }

  private currentIdentity(): NodeIdentity {
    const identity = this.identity;
    if (identity === undefined) throw new RangeError(`"${this.name}" has no swarm identity`);
    return identity;
  }

  /** Uses `identity` from now on (renewed, or trusting new roots) and reports it. */
  private install(identity: NodeIdentity): void {
    if (this.membership.state !== "active") return;
    this.membership = { ...this.membership, identity };
    this.report();
  }

  /** What its session reports in the node's description (api NodeDescription.TLSInfo). */
  private report(): void {
    const identity = this.identity;
    const stored = identity === undefined ? undefined : this.member?.swarm.nodes.get(identity.nodeId);
    if (stored !== undefined && identity !== undefined) stored.tlsInfo = tlsInfoOf(identity);
  }
}
