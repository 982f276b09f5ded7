/**
 * One machine of the simulated world: its place on the underlay, its Docker
 * engine's swarm membership, and what it runs as a member: its agent (the
 * session with the dispatcher), its certificate renewer, its network keys,
 * and, on a manager, the manager's services.
 */

import {
  Agent,
  CertificateRenewer,
  type ClusterStore,
  type ControlContext,
  IssuanceState,
  ManagerServices,
  type NodeDescription,
  NodeKeys,
  type NodeIdentity,
  NodeRoleCode,
  type PersistentState,
  type RaftStart,
  type SessionMessage,
  tlsInfoOf,
  keyAlgorithm,
  type KeySubsystem,
  subsystemGossip,
  subsystemIpsec,
  base64Bytes,
  withRoots,
  type EncryptionKey,
  type PrimaryChoice,
  Remotes,
} from "../control/index.js";
import { type Host, type Ipv4Address, parseIpv4 } from "../net/index.js";
import { type Duration, type EventHandle, type Rng, seconds } from "../sim/index.js";
import { type Aead, type AeadBackend, createAead, defaultAead } from "../crypto/index.js";
import type { GossipTimings } from "../gossip/index.js";
import { type EspSaRecord, OverlayDriver, ServiceRecords } from "../overlay/index.js";
import type { LogLine } from "../workload/index.js";
import { NodeGossip } from "./node-gossip.js";
import { NodeRuntime } from "./node-runtime.js";
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
  readonly store: ClusterStore;
  readonly renewer: CertificateRenewer;
  readonly agent: Agent;
  /** The managers it knows (state.json), kept across a restart. */
  readonly remotes: Remotes;
  /** Where it draws which of them to dial. */
  readonly remotePicks: Rng;
  readonly keys: NodeKeys;
  /** Its gossip plane, started when the first keys arrive (when the cluster runs gossip). */
  gossip: NodeGossip | undefined;
  /** Its overlay driver: VXLAN and ESP on the underlay. */
  readonly driver: OverlayDriver;
  /** Its containers. */
  readonly runtime: NodeRuntime;
  /** Keys waiting out the node's key delay (`cluster.keyDelay`), and the timer that applies them. */
  pendingKeys: { keys: readonly EncryptionKey[]; managers: readonly Ipv4Address[]; timer: EventHandle } | undefined;
  /** The roles its certificate should carry, as the last session message said. */
  expectedRole: NodeRole;
  /** The certificate state the last session message gave, to act on a change only. */
  certificateState: number;
}

/** What a crashed node keeps on disk: its identity, and a manager's raft WAL. */
/** node.go roleChangeTimeout: how long a removed manager waits for its worker certificate before forcing a renewal. */
const roleChangeTimeoutUs = seconds(16);

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** Raft removed this node's manager (a demotion): its manager services stopped. */
    "manager.removed": { nodeId: string };
  }
}

interface Disk {
  readonly store: ClusterStore;
  readonly identity: NodeIdentity;
  readonly raft: { raftId: number; state: PersistentState } | undefined;
  /** state.json's managers. */
  readonly remotes: Remotes;
}

/** Protocol parameters a node's membership runs with. */
export interface MemberOptions {
  readonly rsaBits: number;
  /** The key manager's rotation interval on this node, if it leads. */
  readonly keyRotationUs?: number;
  /** Whether it runs the gossip plane once it has keys (default true). */
  readonly gossip?: boolean;
  /** Up to how long it takes to apply a new key set, in µs (default 0). */
  readonly keyDelayUs?: number;
  /** Which key it sends with (default "middle"). */
  readonly primaryKey?: PrimaryChoice;
  /** Inbound ESP SAs' anti-replay window in packets (default 0, Docker's: no check). */
  readonly replayWindow?: number;
  /** The AES-GCM implementation it seals and opens gossip frames and ESP with (default: the fastest available). */
  readonly aead?: AeadBackend;
  /** Its memberlist's and networkdb's timers (default: as Docker sets them). */
  readonly gossipTimings?: Partial<GossipTimings>;
}

const encoder = new TextEncoder();

/** The named AES-GCM backend, or the fastest available (both give the same bytes). */
function aeadOf(backend: AeadBackend | undefined): Aead {
  return backend === undefined ? defaultAead() : createAead(backend);
}

/** A simulated Docker host. */
export class SwarmNode {
  readonly name: string;
  /** The role the scenario gives it (what automatic bootstrap joins it as). */
  readonly intendedRole: NodeRole;
  readonly os: NodeOs;
  membership: Membership = { state: "inactive" };
  /** Whether the machine is down (crashed and not restarted). */
  crashed = false;
  /**
   * How far its clock is from true (simulated) time, in µs: positive runs
   * ahead. Certificates are checked, issued and renewed by this clock
   * (`ControlContext.clock`); raft, heartbeats and key rotation run on
   * timers, which a skewed wall clock does not move.
   */
  clockSkewUs = 0;
  /** Times it became a member (init or join): each membership renews on streams of its own. */
  private memberships = 0;
  /** `swarm init` and `swarm join` attempts so far. */
  private attempts = 0;
  private member: Member | undefined;
  private disk: Disk | undefined;
  private options: MemberOptions = { rsaBits: 2048 };
  /** Gossip keys of memberships it no longer has (a restart or a leave starts a new key store). */
  private formerGossipKeys: EncryptionKey[] = [];
  /** The ESP SAs that carried traffic in memberships it no longer has. */
  private formerSas: EspSaRecord[] = [];
  /** The images on its disk. */
  private readonly pulledImages = new Set<string>();
  /** The runtimes of memberships it no longer has: what their containers wrote stays readable. */
  private formerRuntimes: NodeRuntime[] = [];
  /** Draws each new key set's delay (`cluster.keyDelay`). */
  private readonly keyDelayRandom: Rng;

  constructor(
    spec: NodeSpec,
    /** Its underlay host (address, sockets). */
    readonly host: Host,
    /** What its control-plane connections run with. */
    readonly control: ControlContext,
  ) {
    this.name = spec.name;
    this.keyDelayRandom = control.rng.fork("key-delay");
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

  /** The swarm's store, while a member. */
  get store(): ClusterStore | undefined {
    return this.member?.store;
  }

  /** The network keys it holds, while a member. */
  get keys(): NodeKeys | undefined {
    return this.member?.keys;
  }

  /** Its agent, while a member. */
  get agent(): Agent | undefined {
    return this.member?.agent;
  }

  /**
   * Calls `ready` once the node has started (node.go Run closes `ready`):
   * its agent registered and, on a manager, its manager serves, raft joined.
   * `docker swarm init` and `join` return then.
   */
  whenReady(ready: () => void): void {
    this.member?.agent.whenReady(() => {
      const manager = this.manager;
      if (manager === undefined) ready();
      else manager.whenServing(ready);
    });
  }

  /**
   * Becomes a member of the swarm of `store` with `identity` (after `swarm
   * init` or a join): opens its session, starts renewing its certificate, and
   * on a manager starts the manager's services with raft as `raft` says.
   */
  becomeMember(store: ClusterStore, identity: NodeIdentity, options: MemberOptions & { readonly raft?: RaftStart; readonly remotes?: Remotes }): void {
    if (this.member !== undefined) throw new RangeError(`"${this.name}" is already a member of a swarm; it must leave first`);
    // Only the protocol parameters carry over to a restart: how raft started then says nothing of
    // how it starts next (a restarted worker once rebooted its old bootstrap raft and led alone).
    const { raft: _raft, remotes: _remotes, ...memberOptions } = options;
    this.options = memberOptions;
    this.membership = { state: "active", identity };
    const name = `member-${++this.memberships}`;
    // state.json's managers: kept from before a restart, else the one the node joined through.
    const remotes = options.remotes ?? new Remotes([identity.managerAddr]);
    const remotePicks = this.control.rng.fork(`remotes-${this.memberships}`);
    const renewer = new CertificateRenewer({
      context: this.control,
      name: `renewer-${this.memberships}`,
      rsaBits: options.rsaBits,
      current: () => this.currentIdentity(),
      managerAddress: () => (this.manager !== undefined ? this.host.ip : remotes.select(remotePicks, this.host.ip)),
      install: (renewed) => this.install(renewed),
      expectedRole: () => this.member?.expectedRole ?? this.currentIdentity().role,
    });
    const agent = new Agent({
      context: this.control,
      name,
      identity: () => this.currentIdentity(),
      remotes,
      local: () => this.manager?.localMethods(),
      description: () => this.description(),
      onMessage: (message) => this.sessionMessage(message),
      onAssignments: (tasks) => this.member?.runtime.assign(tasks),
    });
    const driver = new OverlayDriver({
      sim: this.control.sim,
      host: this.host,
      node: this.name,
      os: this.os,
      aead: aeadOf(options.aead),
      rng: this.control.rng.fork(`overlay-${this.memberships}`),
      networkDb: () => this.member?.gossip?.db,
      ...(options.replayWindow === undefined ? {} : { replayWindow: options.replayWindow }),
    });
    const runtime = new NodeRuntime({
      sim: this.control.sim,
      node: this.name,
      rng: this.control.rng.fork(`runtime-${this.memberships}`),
      tcp: this.host.tcpSettings,
      driver,
      lookup: new ServiceRecords({ networkDb: () => this.member?.gossip?.db, networks: () => driver.joinedNetworks() }),
      state: () => this.member?.store.state,
      pulled: this.pulledImages,
      report: (taskId, status) => agent.updateTaskStatus(taskId, status),
    });
    this.member = {
      store,
      renewer,
      agent,
      remotes,
      remotePicks,
      keys: new NodeKeys(options.primaryKey ?? "middle"),
      gossip: undefined,
      driver,
      runtime,
      pendingKeys: undefined,
      expectedRole: identity.role,
      certificateState: IssuanceState.issued,
    };
    if (options.raft !== undefined) this.startManager(options.raft);
    agent.start();
    renewer.start();
  }

  /** Leaves the swarm: stops its agent, renewer and manager services. Its heartbeats stop, so the managers mark it Down. */
  leaveSwarm(stopped?: () => void): void {
    // networkdb's Close (agent.go agentClose): the leave is gossiped, then it stops on its own;
    // `stopped` hears when it has (the daemon's AgentStopWait), at once without gossip.
    const member = this.member;
    if (member?.gossip !== undefined) {
      member.gossip.leave(stopped);
      member.gossip = undefined;
    } else {
      stopped?.();
    }
    this.stopMember();
    this.disk = undefined;
    this.membership = { state: "inactive" };
  }

  /** Power loss: the host leaves the underlay and every process stops; the identity and raft WAL stay on disk. */
  crash(): void {
    if (this.crashed) return;
    this.crashed = true;
    const member = this.member;
    const identity = this.identity;
    this.disk = member === undefined || identity === undefined ? undefined : { store: member.store, identity, raft: this.manager?.persistent(), remotes: member.remotes };
    this.stopMember();
    this.host.down();
  }

  /** Power back: the host returns and the engine rejoins the swarm with what it kept on disk. */
  restart(): void {
    if (!this.crashed) return;
    this.crashed = false;
    this.host.up();
    const disk = this.disk;
    this.disk = undefined;
    if (disk === undefined) {
      this.membership = { state: "inactive" };
      return;
    }
    const raft: RaftStart | undefined =
      disk.identity.role !== "manager" ? undefined : disk.raft === undefined ? { kind: "join" } : { kind: "restore", raftId: disk.raft.raftId, state: disk.raft.state };
    this.membership = { state: "inactive" };
    this.becomeMember(disk.store, disk.identity, { ...this.options, remotes: disk.remotes, ...(raft === undefined ? {} : { raft }) });
  }

  private stopMember(): void {
    const member = this.member;
    if (member !== undefined) {
      this.formerGossipKeys.push(...member.keys.gossipKeysSeen());
      member.runtime.killAll();
      this.formerRuntimes.push(member.runtime);
      member.renewer.stop();
      member.agent.stop();
      member.gossip?.stop();
      member.driver.close();
      this.formerSas.push(...member.driver.sasThatCarriedTraffic());
      if (member.pendingKeys !== undefined) this.control.sim.scheduler.cancel(member.pendingKeys.timer);
    }
    this.manager?.stop();
    this.member = undefined;
    if (this.membership.state === "active") this.membership = { state: "active", identity: this.membership.identity };
  }

  private startManager(raft: RaftStart): void {
    const member = this.member;
    if (member === undefined || this.membership.state !== "active") return;
    const manager = new ManagerServices({
      context: this.control,
      store: member.store,
      identity: () => this.currentIdentity(),
      raft,
      rsaBits: this.options.rsaBits,
      ...(this.options.keyRotationUs === undefined ? {} : { keyRotationUs: this.options.keyRotationUs as never }),
      joinAddress: () => member.remotes.select(member.remotePicks, this.host.ip),
      onRemoved: () => this.managerRemoved(manager),
    });
    this.membership = { ...this.membership, manager };
  }

  /**
   * node.go superviseManager once raft said the member was removed (a
   * demotion, the leader's own included): the manager stops, so the agent
   * opens its session with another manager, which tells it its new role and
   * starts the renewal; a node still holding a manager certificate after
   * roleChangeTimeout forces a renewal. (swarmkit then waits once more and
   * restarts the manager; here the renewer keeps retrying instead.)
   */
  private managerRemoved(manager: ManagerServices): void {
    if (this.manager !== manager || this.member === undefined) return;
    const { sim, node } = this.control;
    sim.trace.record("manager.removed", { nodeId: this.currentIdentity().nodeId }, node);
    this.stopManager();
    const member = this.member;
    member.agent.restartSession();
    sim.scheduler.after(roleChangeTimeoutUs, "manager.role-wait", () => {
      if (this.member === member && this.manager === undefined && this.currentIdentity().role === "manager") member.renewer.renew();
    });
  }

  private stopManager(): void {
    const manager = this.manager;
    if (manager === undefined || this.membership.state !== "active") return;
    manager.stop();
    this.membership = { state: "active", identity: this.membership.identity };
  }

  private currentIdentity(): NodeIdentity {
    const identity = this.identity;
    if (identity === undefined) throw new RangeError(`"${this.name}" has no swarm identity`);
    return identity;
  }

  /**
   * Uses `identity` from now on (renewed, or trusting new roots). A new role
   * starts or stops the manager's services (node.go: the node restarts as a
   * manager or a worker); either way the agent opens a new session to report
   * the new TLS state.
   */
  private install(identity: NodeIdentity): void {
    if (this.membership.state !== "active" || this.member === undefined) return;
    const before = this.membership.identity.role;
    this.membership = { ...this.membership, identity };
    if (identity.role === "manager" && before !== "manager") this.startManager({ kind: "join" });
    if (identity.role !== "manager" && before === "manager") this.stopManager();
    this.member.agent.restartSession();
  }

  /** What the agent reports in its session (api NodeDescription): hostname, platform, TLS info. */
  private description(): NodeDescription {
    const tls = tlsInfoOf(this.currentIdentity());
    return {
      hostname: this.name,
      platform: { architecture: "x86_64", os: this.os },
      tlsInfo: {
        trustRoot: encoder.encode(tls.trustRoot),
        certIssuerSubject: base64Bytes(tls.certIssuerSubject),
        certIssuerPublicKey: base64Bytes(tls.certIssuerPublicKey),
      },
    };
  }

  /**
   * A session message (node/node.go and libnetwork agent.go): new roots are
   * trusted; a certificate marked ROTATE, or a role that differs from the
   * certificate's, is renewed; new network keys are applied.
   */
  private sessionMessage(message: SessionMessage): void {
    const member = this.member;
    const identity = this.identity;
    if (member === undefined || identity === undefined) return;
    const rootPem = new TextDecoder().decode(message.rootCa);
    if (rootPem !== "" && (identity.rootsPem.length !== 1 || identity.rootsPem[0] !== rootPem)) this.install(withRoots(identity, [rootPem]));
    const role: NodeRole = message.node.role === NodeRoleCode.manager ? "manager" : "worker";
    const rotate = message.node.certificate.state === IssuanceState.rotate && member.certificateState !== IssuanceState.rotate;
    const newRole = role !== member.expectedRole && role !== identity.role;
    member.expectedRole = role;
    member.certificateState = message.node.certificate.state;
    // node.go: renew when the managers mark the certificate ROTATE, or when the role changed.
    if (rotate || newRole) member.renewer.renew();
    this.applyKeys(message);
  }

  /**
   * The keys of a session message. With a key delay (`cluster.keyDelay`), a
   * set with a new tag waits a delay drawn for it from 0 to the limit, and
   * then the newest set received by that time is applied.
   */
  private applyKeys(message: SessionMessage): void {
    const member = this.member;
    if (member === undefined) return;
    const keys: EncryptionKey[] = message.networkBootstrapKeys.map((k) => ({
      subsystem: k.subsystem as KeySubsystem,
      algorithm: keyAlgorithm as typeof keyAlgorithm,
      key: k.key,
      lamportTime: k.lamportTime,
    }));
    // A manager the dispatcher lists before its address is known (an empty addr) is no one to join through.
    const managers = message.managers
      .map((m) => m.peer.addr.replace(/:\d+$/, "") as Ipv4Address)
      .filter((a) => a !== this.host.ip && parseIpv4(a).ok);
    const limit = this.options.keyDelayUs ?? 0;
    if (member.pendingKeys !== undefined) {
      member.pendingKeys.keys = keys;
      member.pendingKeys.managers = managers;
      return;
    }
    const known = member.keys.held(subsystemGossip).tags.length > 0 || member.keys.held(subsystemIpsec).tags.length > 0;
    if (limit <= 0 || !known || !this.hasNewTag(member, keys)) {
      this.installKeys(member, keys, managers);
      return;
    }
    const delay = this.keyDelayRandom.int(0, limit) as Duration;
    const timer = this.control.sim.scheduler.after(delay, "agent.key-delay", () => {
      const pending = member.pendingKeys;
      member.pendingKeys = undefined;
      if (pending !== undefined && this.member === member) this.installKeys(member, pending.keys, pending.managers);
    });
    member.pendingKeys = { keys, managers, timer };
  }

  private hasNewTag(member: Member, keys: readonly EncryptionKey[]): boolean {
    return keys.some((k) => member.keys.arrivedAt(k.lamportTime) === undefined);
  }

  /** Applies keys (agent.go SetKeys); the first keys start the gossip plane, joined through the managers. */
  private installKeys(member: Member, keys: readonly EncryptionKey[], managers: readonly Ipv4Address[]): void {
    const update = member.keys.apply(keys, this.control.sim.now);
    if (!update.changed) return;
    if (update.ipsec !== undefined) member.driver.applyKeyChange(update.ipsec);
    if (member.gossip === undefined && this.options.gossip !== false && member.keys.gossipRing.length > 0) {
      member.gossip = new NodeGossip({
        sim: this.control.sim,
        host: this.host,
        node: this.name,
        rng: this.control.rng.fork(`gossip-${this.memberships}`),
        keys: () => member.keys.gossipRing,
        aead: aeadOf(this.options.aead),
        ...(this.options.gossipTimings === undefined ? {} : { timings: this.options.gossipTimings }),
      });
      member.gossip.start(managers);
      member.driver.syncGossip();
    }
    this.control.sim.trace.record(
      "agent.keys",
      {
        gossipRing: member.keys.held(subsystemGossip).tags.slice(),
        ipsecPrimary: member.keys.held(subsystemIpsec).primary ?? -1,
        ok: update.ok,
        ...(update.reason === undefined ? {} : { reason: update.reason }),
      },
      this.name,
    );
  }

  /** Its gossip plane, while it runs. */
  get gossip(): NodeGossip | undefined {
    return this.member?.gossip;
  }

  /** Every gossip key it ever received (for `gossip-keys.txt`). */
  gossipKeysSeen(): EncryptionKey[] {
    return [...(this.member?.keys.gossipKeysSeen() ?? []), ...this.formerGossipKeys];
  }

  /**
   * What the container of task `taskId` wrote on this node, oldest first
   * (for `docker service logs`); none if the node never ran it.
   */
  taskLogs(taskId: string): readonly LogLine[] {
    for (const runtime of [this.member?.runtime, ...this.formerRuntimes]) {
      const lines = runtime?.logsOf(taskId) ?? [];
      if (lines.length > 0) return lines;
    }
    return [];
  }

  /** The container `ref` (ID, name or ID prefix) names on this machine, in any membership. */
  findContainer(ref: string): ReturnType<NodeRuntime["findContainer"]> {
    for (const runtime of [this.member?.runtime, ...this.formerRuntimes].reverse()) {
      const found = runtime?.findContainer(ref);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Every ESP SA of this node that carried traffic, in any membership (for `esp_sa`). */
  espSasCarried(): EspSaRecord[] {
    return [...this.formerSas, ...(this.member?.driver.sasThatCarriedTraffic() ?? [])];
  }

  /** Its overlay driver, while a member. */
  get overlay(): OverlayDriver | undefined {
    return this.member?.driver;
  }

  /** Its container runtime, while a member. */
  get runtime(): NodeRuntime | undefined {
    return this.member?.runtime;
  }

  /** The manager address it joined through (for `docker info`). */
  get managerAddr(): Ipv4Address | undefined {
    return this.identity?.managerAddr;
  }
}
