/**
 * One node's overlay driver (moby daemon/libnetwork/drivers/overlay:
 * joinleave.go, peerdb.go, encryption.go, ov_network.go) over the simulated
 * underlay: containers' endpoints join networks, the driver learns the other
 * endpoints from `overlay_peer_table`, and carries each IPv4 packet as an
 * Ethernet frame in VXLAN on UDP 4789, inside ESP on an encrypted network.
 *
 * - Join refuses an encrypted network while the node has no IPsec keys
 *   (`cannot join secure network: encryption keys not present`). The first
 *   endpoint of a network here joins its gossip; the last one leaves it.
 * - Tunnels: a node programs SAs towards a remote host when it has an
 *   endpoint of its own on an encrypted network and learns an endpoint of
 *   that host on it (peerdb.go addNeighbor → setupEncryption). Each network
 *   holds one reference per remote host; the host's SAs go with the last
 *   reference. Docker takes one per remote endpoint and, when the last local
 *   endpoint leaves, drops the sandbox without giving them back, so its
 *   tunnels outlive the network; here they are released on leave.
 * - Sending: a packet to an endpoint of this node is handed over through the
 *   scheduler without touching the wire; to another node it goes as VXLAN,
 *   sealed with the SA of the policy towards that host on an encrypted
 *   network (with no policy, Linux sends it in the clear, and the peer drops it).
 * - Receiving, fail closed: VXLAN of an encrypted network that arrives
 *   without ESP is dropped (the INPUT rule `-m policy --pol none ... DROP`).
 * - Windows nodes ignore `encrypted`: no key check, no SAs, cleartext VXLAN,
 *   which Linux peers drop. Docker says nothing; the driver traces a warning.
 *
 * Every drop is counted and traced with its reason; nothing throws on
 * hostile bytes.
 */

import type { Aead, TagLength } from "../crypto/index.js";
import { type NetworkDb, type TableChange, decodePeerRecord, encodeEndpointRecord, encodePeerRecord, endpointTable, macFromIpv4, overlayPeerTable, parsePeerRecord, peerRecordFor } from "../gossip/index.js";
import { type Binding, type Host, IpProtocol, type Ipv4Address, type MacAddress, formatMac, parseIpv4, parseMac } from "../net/index.js";
import type { Rng, Simulation } from "../sim/index.js";
import type { EndpointLink, PacketSink } from "../workload/types.js";
import { vxlanUdpPort } from "./constants.js";
import { type OverlayCounters, emptyOverlayCounters } from "./driver-counters.js";
import { DataPath } from "./driver-datapath.js";
import { DriverGossip, type OwnEntry } from "./driver-gossip.js";
import { DriverIpsec, type SaView } from "./driver-ipsec.js";
import { NetworkPeers } from "./driver-peers.js";
import type { LocalEndpoint, NetworkState } from "./driver-state.js";
import { type EndpointServiceInfo, type JoinResult, type NetworkKeyChange, type OverlayEndpointSpec, type OverlayNetworkSpec, type OverlayOs, type PeerView, overlayKeyOf } from "./driver-types.js";
import { type OverlaySubnet, parseOverlaySubnet, subnetContains } from "./driver-wire.js";
import type { EspSaRecord } from "./esp-sa-file.js";
import { overlayMtu } from "./mtu.js";
import type { SequenceExhaustion, SequenceReport } from "./sa.js";
import type { KeyUpdate, OverlayKey, SaChange } from "./sa-database.js";

/** What a node's overlay driver is built from. */
export interface OverlayDriverOptions {
  readonly sim: Simulation;
  /** The node's underlay host: its address is the VTEP and the SA endpoint. */
  readonly host: Host;
  /** The node's name, for the trace. */
  readonly node: string;
  /** `"linux"` (default) or `"windows"`, which ignores `encrypted`. */
  readonly os?: OverlayOs;
  /** AES-GCM for ESP. */
  readonly aead: Aead;
  /** The driver's own stream: seqiv's IV salts. */
  readonly rng: Rng;
  /** The node's networkdb once gossip runs (it starts when the first keys arrive). */
  readonly networkDb: () => NetworkDb | undefined;
  /** Inbound SAs' anti-replay window: 0, Docker's (no check), to 4096. */
  readonly replayWindow?: number;
  /** ESP ICV length: 8, Docker's, or 16. */
  readonly icvBytes?: TagLength;
  /** What an outbound SA does after 2^32 - 1 packets: `"drop"` (Linux) or `"wrap"`. */
  readonly onSequenceExhausted?: SequenceExhaustion;
  /** The underlay MTU the overlay MTU is derived from (1500). */
  readonly underlayMtu?: number;
}

/**
 * A node's overlay driver.
 *
 * @example
 * ```ts
 * const driver = new OverlayDriver({ sim, host, node: "worker-1", aead, rng: rng.fork("overlay"), networkDb: () => gossip?.db });
 * driver.applyKeyChange(update.ipsec);
 * const joined = driver.joinEndpoint({ id, name: "backend", vni: 4097, subnet: "10.0.1.0/24", encrypted: true },
 *   { id: endpointId, address: "10.0.1.3" }, (packet) => container.receive(packet));
 * if (joined.ok) joined.link.send(ipv4Packet);
 * ```
 */
export class OverlayDriver {
  readonly os: OverlayOs;
  private readonly sim: Simulation;
  private readonly host: Host;
  private readonly node: string;
  private readonly underlayMtu: number | undefined;
  private readonly ipsec: DriverIpsec;
  private readonly gossip: DriverGossip;
  private readonly dataPath: DataPath;
  private readonly networks = new Map<string, NetworkState>();
  private readonly byVni = new Map<number, NetworkState>();
  private readonly bindings: Binding[] = [];
  private readonly warned = new Set<string>();
  private readonly stats = emptyOverlayCounters();

  constructor(options: OverlayDriverOptions) {
    this.sim = options.sim;
    this.host = options.host;
    this.node = options.node;
    this.os = options.os ?? "linux";
    if (this.os !== "linux" && this.os !== "windows") throw new RangeError(`"os" expected "linux" or "windows", got ${String(this.os)}`);
    this.underlayMtu = options.underlayMtu;
    this.ipsec = new DriverIpsec({
      sim: options.sim,
      node: options.node,
      localIp: options.host.ip,
      ivSalts: options.rng.fork("seqiv"),
      aead: options.aead,
      ...(options.replayWindow === undefined ? {} : { replayWindow: options.replayWindow }),
      ...(options.icvBytes === undefined ? {} : { icvBytes: options.icvBytes }),
      ...(options.onSequenceExhausted === undefined ? {} : { onSequenceExhausted: options.onSequenceExhausted }),
    });
    this.gossip = new DriverGossip(options.networkDb, {
      ownNetworks: () => [...this.networks.values()].map((n) => ({ nid: n.spec.id, entries: [...n.endpoints.values()].flatMap((e) => e.entries) })),
      forgetRemotePeers: () => this.forgetRemotePeers(),
      peerChange: (change) => this.peerChange(change),
    });
    const dataPath = new DataPath({ sim: this.sim, host: this.host, node: this.node, ipsec: this.ipsec, stats: this.stats, networkOf: (vni) => this.byVni.get(vni) });
    this.dataPath = dataPath;
    this.bindings.push(options.host.udp.bind(vxlanUdpPort, (m) => dataPath.receiveCleartext(m.srcIp, m.payload)));
    if (this.os === "linux") this.bindings.push(options.host.onIp(IpProtocol.esp, (packet) => dataPath.receiveEsp(packet)));
  }

  // --- keys (agent.go handleKeyChange → DiscoverNew(EncryptionKeysConfig | EncryptionKeysUpdate)) ---

  /**
   * The first keys (encryption.go setKeys): every SA is cleared.
   * `primaryTag` names the key to send with (default: the first). Docker
   * sets keys once, before any endpoint can join an encrypted network; should
   * keys be set again with tunnels in use, they are set up anew with the new
   * keys rather than left without SAs. The Windows driver takes no keys.
   */
  setKeys(keys: readonly OverlayKey[], primaryTag: number | undefined = keys[0]?.tag): SaChange {
    if (this.os === "windows") return { ok: true, steps: [] };
    const primary = keys.find((k) => k.tag === primaryTag);
    if (keys.length > 0 && primary === undefined) throw new RangeError(`"primaryTag" expected the tag of one of the keys, got ${String(primaryTag)}`);
    const ordered = primary === undefined ? [] : [primary, ...keys.filter((k) => k !== primary)];
    const change = this.ipsec.setKeys(ordered);
    for (const state of this.networks.values()) {
      state.tunnels.clear();
      if (state.secure) for (const vtep of state.peers.remoteVteps()) this.holdTunnel(state, vtep);
    }
    return change;
  }

  /** A key change from a session message (encryption.go updateKeys), all peers' SAs in Docker's order. */
  updateKeys(update: KeyUpdate): SaChange {
    if (this.os === "windows") return { ok: true, steps: [] };
    return this.ipsec.updateKeys(update);
  }

  /** Applies the IPsec change a node's keys reported (`NodeKeys.apply(...).ipsec`). */
  applyKeyChange(change: NetworkKeyChange): SaChange {
    if (change.kind === "set") return this.setKeys(change.keys.map(overlayKeyOf), change.primary?.lamportTime);
    return this.updateKeys({
      ...(change.newKey === undefined ? {} : { newKey: overlayKeyOf(change.newKey) }),
      ...(change.primary === undefined ? {} : { primary: overlayKeyOf(change.primary) }),
      ...(change.prune === undefined ? {} : { prune: overlayKeyOf(change.prune) }),
    });
  }

  /** The IPsec key tags the driver holds, primary first. */
  keyTags(): number[] {
    return this.ipsec.db.keys().map((k) => k.tag);
  }

  // --- endpoints (joinleave.go Join, Leave; agent.go addServiceInfoToCluster) ---

  /**
   * Joins a container's endpoint to a network: the endpoint's
   * `overlay_peer_table` entry, and its `endpoint_table` record when
   * `service` is given. The link it returns carries the container's packets.
   */
  joinEndpoint(network: OverlayNetworkSpec, endpoint: OverlayEndpointSpec, sink: PacketSink, service?: EndpointServiceInfo): JoinResult {
    const subnet = checkJoin(network, endpoint);
    if (typeof sink !== "function") throw new TypeError(`"sink" expected a function, got type=${typeof sink}`);
    if (this.os === "linux" && network.encrypted && !this.ipsec.hasKeys) {
      const error = "cannot join secure network: encryption keys not present";
      this.sim.trace.record("overlay.endpoint", { event: "refused", network: network.id, endpoint: endpoint.id, address: endpoint.address, error }, this.node);
      return { ok: false, error };
    }
    this.gossip.sync();
    const existing = this.networks.get(network.id);
    if (existing !== undefined && (existing.spec.vni !== network.vni || existing.spec.encrypted !== network.encrypted)) {
      throw new RangeError(`"network" ${network.id} was joined with VNI ${existing.spec.vni}, encrypted ${existing.spec.encrypted}`);
    }
    if (this.endpointState(endpoint.id) !== undefined) throw new Error(`endpoint ${endpoint.id} already joined a network on ${this.node}`);
    const state = existing ?? this.addNetwork(network, subnet);
    if (network.encrypted && this.os === "windows") this.warnOnce(network.id, "the Windows overlay driver ignores encrypted: traffic to Linux peers is sent in cleartext and dropped");

    const mac = formatMac(endpoint.containerMac === undefined ? macFromIpv4(endpoint.address) : macArgument(endpoint.containerMac));
    const peerRecord = peerRecordFor({ address: endpoint.address, prefixLength: subnet.prefixLength, mac: macArgument(mac), vtep: this.host.ip });
    const entries: OwnEntry[] = [{ table: overlayPeerTable, key: endpoint.id, value: encodePeerRecord(peerRecord) }];
    if (service !== undefined) entries.push({ table: endpointTable, key: endpoint.id, value: endpointRecordOf(service, endpoint.address) });
    const local: LocalEndpoint = { spec: endpoint, mac, sink, entries, joined: true };
    state.endpoints.set(endpoint.id, local);
    state.peers.add({ endpointId: endpoint.id, address: endpoint.address, prefixLength: subnet.prefixLength, mac, vtep: undefined });
    if (existing === undefined) this.gossip.joinNetwork(network.id);
    for (const entry of entries) this.gossip.write(network.id, entry);
    this.sim.trace.record("overlay.endpoint", { event: "join", network: network.id, endpoint: endpoint.id, address: endpoint.address }, this.node);
    return { ok: true, link: this.linkOf(state, local) };
  }

  /** Takes an endpoint off its network; the last endpoint of a network here leaves its gossip and releases its tunnels. */
  leaveEndpoint(endpointId: string): boolean {
    const state = this.endpointState(endpointId);
    if (state === undefined) return false;
    this.gossip.sync();
    const local = state.endpoints.get(endpointId)!;
    local.joined = false;
    state.endpoints.delete(endpointId);
    state.peers.remove(endpointId);
    for (const entry of local.entries) this.gossip.delete(state.spec.id, entry.table, entry.key);
    this.sim.trace.record("overlay.endpoint", { event: "leave", network: state.spec.id, endpoint: endpointId, address: local.spec.address }, this.node);
    if (state.endpoints.size > 0) return true;
    for (const vtep of [...state.tunnels]) this.releaseTunnel(state, vtep);
    this.networks.delete(state.spec.id);
    this.byVni.delete(state.spec.vni);
    this.gossip.leaveNetwork(state.spec.id);
    return true;
  }

  /** Picks up the node's networkdb if it started (or was replaced) since the last call: joins, entries, peers. */
  syncGossip(): void {
    this.gossip.sync();
  }

  // --- observing ---

  /** What the driver sent, received and dropped. */
  get counters(): Readonly<OverlayCounters> {
    return this.stats;
  }

  /** The SAs installed now, with the packets each carried. */
  associations(): SaView[] {
    return this.ipsec.associations();
  }

  /** Every SA that carried traffic, removed ones included: the lines of Wireshark's `esp_sa` (`espSaFile`). */
  sasThatCarriedTraffic(): EspSaRecord[] {
    return this.ipsec.sasThatCarriedTraffic();
  }

  /** How far each outbound SA's 32-bit sequence counter has gone, and its headroom. */
  sequenceReports(): SequenceReport[] {
    return this.ipsec.sequenceReports();
  }

  /** Advances the outbound SA towards `remote` by `count` packets (bulk traffic without sealing each); returns how many. */
  advanceSequence(remote: Ipv4Address, count: number): number {
    return this.ipsec.advanceSequence(remote, count);
  }

  /** How many encrypted networks use the tunnel to `remote`. */
  tunnelRefs(remote: Ipv4Address): number {
    return this.ipsec.db.refCount(remote);
  }

  /** The networks with endpoints on this node, by ID. */
  joinedNetworks(): string[] {
    return [...this.networks.keys()];
  }

  /** The endpoints of a network this node knows, its own and the remote ones. */
  peers(networkId: string): PeerView[] {
    const state = this.networks.get(networkId);
    if (state === undefined) return [];
    return state.peers.list().map((p) => ({ endpointId: p.endpointId, address: p.address, mac: p.mac, vtep: p.vtep ?? this.host.ip, local: p.vtep === undefined }));
  }

  /** Stops receiving and hearing networkdb (the daemon stops). */
  close(): void {
    for (const binding of this.bindings.splice(0)) binding.close();
    this.gossip.close();
  }

  // --- peers (joinleave.go EventNotify, peerdb.go peerAdd/peerDelete) ---

  private peerChange(change: TableChange): void {
    const state = this.networks.get(change.nid);
    if (state === undefined || state.endpoints.has(change.key)) return;
    if (change.event === "delete") return this.removeRemote(state, change.key);
    const decoded = decodePeerRecord(change.value);
    const parsed = decoded.ok ? parsePeerRecord(decoded.value) : decoded;
    if (!parsed.ok) return this.warnOnce(state.spec.id, `ignored overlay_peer_table entry ${change.key}: ${parsed.reason}`);
    const peer = parsed.value;
    if (peer.vtep === this.host.ip) return;
    const mac = formatMac(peer.mac);
    const old = state.peers.get(change.key);
    if (old !== undefined && old.address === peer.address && old.mac === mac && old.vtep === peer.vtep) return;
    if (old !== undefined) this.removeRemote(state, change.key);
    const added = state.peers.add({ endpointId: change.key, address: peer.address, prefixLength: peer.prefixLength, mac, vtep: peer.vtep });
    this.sim.trace.record("overlay.peer", { event: "add", network: state.spec.id, endpoint: change.key, address: peer.address, vtep: peer.vtep }, this.node);
    if (added.vtepChanged && state.secure) this.holdTunnel(state, peer.vtep);
  }

  private removeRemote(state: NetworkState, endpointId: string): void {
    const removed = state.peers.remove(endpointId);
    const entry = removed.entry;
    if (entry === undefined || entry.vtep === undefined) return;
    this.sim.trace.record("overlay.peer", { event: "remove", network: state.spec.id, endpoint: endpointId, address: entry.address, vtep: entry.vtep }, this.node);
    if (removed.vtepChanged) this.releaseTunnel(state, entry.vtep);
  }

  private forgetRemotePeers(): void {
    for (const state of this.networks.values()) {
      for (const peer of state.peers.list()) if (peer.vtep !== undefined) this.removeRemote(state, peer.endpointId);
    }
  }

  private holdTunnel(state: NetworkState, vtep: Ipv4Address): void {
    if (state.tunnels.has(vtep)) return;
    if (this.ipsec.setup(vtep).ok) state.tunnels.add(vtep);
  }

  private releaseTunnel(state: NetworkState, vtep: Ipv4Address): void {
    if (!state.tunnels.delete(vtep)) return;
    this.ipsec.remove(vtep);
  }

  // --- helpers ---

  private addNetwork(spec: OverlayNetworkSpec, subnet: OverlaySubnet): NetworkState {
    if (this.byVni.has(spec.vni)) throw new RangeError(`"network.vni" ${spec.vni} is already the VNI of network ${this.byVni.get(spec.vni)!.spec.id}`);
    const secure = spec.encrypted && this.os === "linux";
    const mtu = overlayMtu(secure, this.underlayMtu);
    const state: NetworkState = { spec, subnet, mtu, secure, endpoints: new Map(), peers: new NetworkPeers(), tunnels: new Set() };
    this.networks.set(spec.id, state);
    this.byVni.set(spec.vni, state);
    return state;
  }

  private endpointState(endpointId: string): NetworkState | undefined {
    for (const state of this.networks.values()) if (state.endpoints.has(endpointId)) return state;
    return undefined;
  }

  private linkOf(state: NetworkState, local: LocalEndpoint): EndpointLink {
    const send = (packet: Uint8Array): void => this.dataPath.send(state, local, packet);
    return {
      networkId: state.spec.id,
      networkName: state.spec.name,
      endpointId: local.spec.id,
      address: local.spec.address,
      prefixLength: state.subnet.prefixLength,
      mtu: state.mtu,
      send,
    };
  }

  private warnOnce(network: string, message: string): void {
    const id = `${network}\n${message}`;
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.sim.trace.record("overlay.warning", { network, message }, this.node);
  }
}

/** Checks a join's arguments (programming mistakes throw, naming the argument); returns the network's subnet. */
function checkJoin(network: OverlayNetworkSpec, endpoint: OverlayEndpointSpec): OverlaySubnet {
  if (typeof network.id !== "string" || network.id === "") throw new RangeError(`"network.id" expected a non-empty string, got ${JSON.stringify(network.id)}`);
  if (!Number.isInteger(network.vni) || network.vni < 1 || network.vni > 0xff_ffff) throw new RangeError(`"network.vni" expected a whole number from 1 to 16777215, got ${network.vni}`);
  const subnet = parseOverlaySubnet("network.subnet", network.subnet);
  if (typeof endpoint.id !== "string" || endpoint.id === "") throw new RangeError(`"endpoint.id" expected a non-empty string, got ${JSON.stringify(endpoint.id)}`);
  const address = parseIpv4(endpoint.address);
  if (!address.ok) throw new RangeError(`"endpoint.address" ${address.reason}`);
  if (!subnetContains(subnet, endpoint.address)) throw new RangeError(`"endpoint.address" ${endpoint.address} is outside the network's subnet ${network.subnet}`);
  if (endpoint.containerMac !== undefined) macArgument(endpoint.containerMac);
  return subnet;
}

function macArgument(mac: MacAddress): Uint8Array {
  const parsed = parseMac(mac);
  if (!parsed.ok) throw new RangeError(`"endpoint.containerMac" ${parsed.reason}`);
  return parsed.value;
}

/** agent.go addServiceInfoToCluster's record; a missing VIP prints as Go prints a nil net.IP. */
function endpointRecordOf(service: EndpointServiceInfo, address: Ipv4Address): Uint8Array {
  return encodeEndpointRecord({
    name: service.name,
    serviceName: service.serviceName ?? "",
    serviceId: service.serviceId ?? "",
    virtualIp: service.virtualIp ?? "<nil>",
    endpointIp: address,
    ingressPorts: [],
    aliases: service.aliases ?? [],
    taskAliases: service.taskAliases ?? [],
    serviceDisabled: false,
  });
}
