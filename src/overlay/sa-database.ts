/**
 * One node's IPsec state for the encrypted overlay: the overlay driver's
 * keys and per-peer SPI lists (moby drivers/overlay/encryption.go: `keys`,
 * `secMap`) and what it programs into the kernel (the SA database and the
 * outbound policies), as a plain data structure.
 *
 * - SAs are per remote host, shared by every encrypted network and
 *   reference-counted (setupEncryption / removeEncryption): 3 inbound SAs,
 *   one per key, and 1 outbound SA with the primary key, which the policy
 *   towards that host (UDP to 4789, Docker's mark) points at.
 * - Keys are kept primary first; `updateKeys` is the driver's updateKeys and
 *   updateNodeKey, step for step: −inbound(pruned), +inbound(new), and if the
 *   primary changed, +outbound(new primary), switch the policy,
 *   −outbound(old primary).
 * - programSA and programSP add only what is missing and remove only what is
 *   there (saExists, spExists), so a second network to the same host changes
 *   nothing in the kernel and keeps the SAs' sequence numbers.
 *
 * Every method returns the kernel operations it performed, in order (`SaStep`),
 * for the trace. Where Go walks its map of peers in random order, peers are
 * walked by address. The simulation wiring (peers from overlay_peer_table,
 * session-message keys, the fabric) comes later.
 */

import type { Aead, ByteSource, TagLength } from "../crypto/index.js";
import { type Ipv4Address, parseIpv4 } from "../net/index.js";
import { dockerReplayWindow, replayWindowMax } from "./constants.js";
import { type EspResult, decodeEsp, encodeEsp, seqivIv, spiHex } from "./esp.js";
import type { SecurityAssociation, SequenceExhaustion, SequenceReport } from "./sa.js";
import { type SpiPair, spiPair } from "./spi.js";
import { type OverlayKey, type SaStep, XfrmTables } from "./xfrm-tables.js";

export type { OverlayKey, SaStep } from "./xfrm-tables.js";

/**
 * Why the driver refused a change, with its error text:
 * `"no-keys"` (`encryption key is not present`), `"key-not-found"` and
 * `"primary-pruned"` (updateKeys' two checks), `"prune-without-primary"`
 * (pruning the primary with no new primary: Go indexes `keys[:-1]` and the
 * daemon panics; here the change is refused and nothing moves).
 */
export type SaRefusal = "no-keys" | "key-not-found" | "primary-pruned" | "prune-without-primary";

/**
 * The outcome of a driver call: the kernel operations done, or the refusal.
 *
 * @example
 * ```ts
 * const r = db.updateKeys({ newKey, primary, prune });
 * for (const step of r.steps) trace("ipsec." + step.op, step);
 * ```
 */
export type SaChange =
  | { readonly ok: true; readonly steps: readonly SaStep[] }
  | { readonly ok: false; readonly reason: SaRefusal; readonly message: string; readonly steps: readonly SaStep[] };

/** What a key change carries (discoverapi DriverEncryptionUpdate): any of a new key, the primary, a key to prune. */
export interface KeyUpdate {
  readonly newKey?: OverlayKey;
  readonly primary?: OverlayKey;
  readonly prune?: OverlayKey;
}

/**
 * The outcome of sealing a packet for a peer. Failures: `"no-policy"` (no
 * tunnel to that host: Linux would send the VXLAN in cleartext and the peer's
 * input rule drop it), `"no-outbound-sa"` (the policy's SA is missing;
 * XfrmOutNoStates), `"seq-exhausted"` (XfrmOutStateSeqError).
 */
export type SealResult =
  | { readonly ok: true; readonly packet: Uint8Array; readonly spi: number; readonly seq: number; readonly headroom: number; readonly wrapped: boolean }
  | { readonly ok: false; readonly reason: "no-policy" | "no-outbound-sa" | "seq-exhausted"; readonly message: string };

/** How a node's IPsec behaves. */
export interface SaDatabaseOptions {
  /** The node's data-path address: SA endpoint and SPI input (Docker's bind and advertise address). */
  readonly localIp: Ipv4Address;
  /** Where each outbound SA's seqiv salt comes from: a seeded stream. */
  readonly ivSalts: ByteSource;
  /** Anti-replay window of inbound SAs: 0 (Docker's, no check) or 1-4096. */
  readonly replayWindow?: number;
  /** ICV length: 8 (Docker's) or 16. */
  readonly icvBytes?: TagLength;
  /** What an outbound SA does after 2^32 - 1 packets: `"drop"` (Linux, default) or `"wrap"`. */
  readonly onSequenceExhausted?: SequenceExhaustion;
}

/** A peer in secMap: its SPI pairs in key order (primary first) and how many networks use it. */
interface PeerEntry {
  spis: SpiPair[];
  count: number;
}

/**
 * A node's IPsec state.
 *
 * @example
 * ```ts
 * const db = new SaDatabase({ localIp: "10.0.0.1", ivSalts: rng.fork("ipsec") });
 * db.setKeys([primaryKey, olderKey, newerKey]);
 * db.setupEncryption("10.0.0.2"); // 3 inbound SAs, 1 outbound, 1 policy
 * const sealed = db.seal("10.0.0.2", vxlanDatagram, IpProtocol.udp, aead);
 * ```
 */
export class SaDatabase {
  readonly localIp: Ipv4Address;
  /** The driver's keys, primary first (encryption.go d.keys). */
  private keyList: OverlayKey[] = [];
  /** The driver's peers (encryption.go d.secMap). */
  private readonly peers = new Map<Ipv4Address, PeerEntry>();
  /** What the driver programmed into the kernel. */
  private readonly kernel: XfrmTables;

  constructor(options: SaDatabaseOptions) {
    addressArgument("localIp", options.localIp);
    const replayWindow = options.replayWindow ?? dockerReplayWindow;
    if (!Number.isInteger(replayWindow) || replayWindow < 0 || replayWindow > replayWindowMax) {
      throw new RangeError(`"replayWindow" expected a whole number from 0 to ${replayWindowMax}, got ${replayWindow}`);
    }
    this.localIp = options.localIp;
    this.kernel = new XfrmTables(options.localIp, {
      ivSalts: options.ivSalts,
      replayWindow,
      icvBytes: options.icvBytes ?? 8,
      onSequenceExhausted: options.onSequenceExhausted ?? "drop",
    });
  }

  /** The driver's keys, primary first. */
  keys(): readonly OverlayKey[] {
    return this.keyList.slice();
  }

  /** The peers with tunnels, by address. */
  remotes(): Ipv4Address[] {
    return sortAddresses([...this.peers.keys()]);
  }

  /** How many networks use the tunnel to `remote` (Go's count, which can go negative: see `removeEncryption`). */
  refCount(remote: Ipv4Address): number {
    return this.peers.get(remote)?.count ?? 0;
  }

  /** Every SA, in the order they were added. */
  associations(): SecurityAssociation[] {
    return this.kernel.associations();
  }

  /** The inbound SA with this SPI, as the kernel finds it for a packet to this node. */
  inboundSa(spi: number): SecurityAssociation | undefined {
    return this.kernel.inbound(spi);
  }

  /** The SPI the policy towards `remote` sends with, if there is a policy. */
  policySpi(remote: Ipv4Address): number | undefined {
    return this.kernel.policy(remote)?.spi;
  }

  /** The SA the policy towards `remote` points at. */
  outboundSa(remote: Ipv4Address): SecurityAssociation | undefined {
    const policy = this.kernel.policy(remote);
    return policy === undefined ? undefined : this.kernel.outbound(remote, policy.spi);
  }

  /** How far every outbound SA's counter has gone. */
  sequenceReports(): SequenceReport[] {
    return this.associations()
      .filter((sa) => sa.direction === "out")
      .map((sa) => sa.sequenceReport());
  }

  /**
   * The driver's first keys (encryption.go setKeys): every SA and policy
   * Docker made is cleared (clearEncryptionStates: policies, then states),
   * and so is the peer map. `keys` are primary first.
   */
  setKeys(keys: readonly OverlayKey[]): SaChange {
    keys.forEach((k, i) => checkKey(`keys[${i}]`, k));
    const steps: SaStep[] = [];
    for (const remote of sortAddresses(this.kernel.policyRemotes())) this.kernel.removePolicy(remote, steps);
    for (const sa of this.kernel.associations()) this.kernel.removeSa(sa.direction, sa.remote, sa.spi, steps);
    this.keyList = keys.slice();
    this.peers.clear();
    return { ok: true, steps };
  }

  /**
   * A network on this node needs the tunnel to `remote` (encryption.go
   * setupEncryption): SAs for every key, the outbound SA and policy for the
   * primary, and one more reference.
   */
  setupEncryption(remote: Ipv4Address): SaChange {
    this.checkRemote(remote);
    if (this.keyList.length === 0) return { ok: false, reason: "no-keys", message: "encryption key is not present", steps: [] };
    const steps: SaStep[] = [];
    const spis = this.keyList.map((key, i) => {
      const pair = spiPair(this.localIp, remote, key.tag);
      this.kernel.addSa("in", remote, pair.reverse, key, steps);
      if (i === 0) {
        this.kernel.addSa("out", remote, pair.forward, key, steps);
        this.kernel.addPolicy(remote, pair.forward, key.tag, steps);
      }
      return pair;
    });
    const peer = this.peers.get(remote) ?? { spis: [], count: 0 };
    peer.spis = spis;
    peer.count++;
    this.peers.set(remote, peer);
    return { ok: true, steps };
  }

  /**
   * A network no longer needs the tunnel to `remote` (encryption.go
   * removeEncryption): one reference less; the last one removes its SAs and
   * policy. Reproduced as Go has it: for a peer that was never set up the
   * count goes to -1 and stays stored, so a later setup brings it to 0 only
   * and that tunnel's SAs are never removed.
   */
  removeEncryption(remote: Ipv4Address): SaChange {
    this.checkRemote(remote);
    const peer = this.peers.get(remote) ?? { spis: [], count: 0 };
    const steps: SaStep[] = [];
    if (peer.count !== 1) {
      peer.count--;
      this.peers.set(remote, peer);
      return { ok: true, steps };
    }
    this.peers.delete(remote);
    peer.spis.forEach((pair, i) => {
      this.kernel.removeSa("in", remote, pair.reverse, steps);
      if (i === 0) {
        this.kernel.removeSa("out", remote, pair.forward, steps);
        this.kernel.removePolicy(remote, steps);
      }
    });
    return { ok: true, steps };
  }

  /**
   * A key change (encryption.go updateKeys): the new key is appended, every
   * peer's SAs are updated in Docker's order (updateNodeKey), then the
   * primary moves to the front and the pruned key goes. As in Go, a refused
   * change keeps a new key it already appended.
   */
  updateKeys(update: KeyUpdate): SaChange {
    if (update.newKey !== undefined) checkKey("newKey", update.newKey);
    let newIdx = -1;
    if (update.newKey !== undefined) {
      this.keyList.push(update.newKey);
      newIdx = this.keyList.length - 1;
    }
    const priIdx = update.primary === undefined ? -1 : lastIndexOfTag(this.keyList, update.primary.tag);
    let delIdx = update.prune === undefined ? -1 : lastIndexOfTag(this.keyList, update.prune.tag);
    if ((update.primary !== undefined && priIdx === -1) || (update.prune !== undefined && delIdx === -1)) {
      const message = `cannot find proper key indices while processing key update:(newIdx,priIdx,delIdx):(${newIdx}, ${priIdx}, ${delIdx})`;
      return { ok: false, reason: "key-not-found", message, steps: [] };
    }
    if (priIdx !== -1 && priIdx === delIdx) {
      return { ok: false, reason: "primary-pruned", message: `attempting to both make a key (index ${priIdx}) primary and delete it`, steps: [] };
    }
    if (delIdx === 0 && priIdx === -1) {
      return { ok: false, reason: "prune-without-primary", message: "runtime error: slice bounds out of range [:-1]", steps: [] };
    }
    const steps: SaStep[] = [];
    for (const remote of this.remotes()) {
      const peer = this.peers.get(remote)!;
      peer.spis = this.updateNodeKey(remote, peer.spis, newIdx, priIdx, delIdx, steps);
    }
    if (priIdx !== -1) swap(this.keyList, 0, priIdx);
    if (delIdx !== -1) {
      if (delIdx === 0) delIdx = priIdx;
      this.keyList.splice(delIdx, 1);
    }
    return { ok: true, steps };
  }

  /**
   * Seals `payload` (the VXLAN UDP datagram) for `remote` with the SA its
   * policy names: the next sequence number and seqiv's IV for it.
   */
  seal(remote: Ipv4Address, payload: Uint8Array, nextHeader: number, aead: Aead): SealResult {
    const policy = this.kernel.policy(remote);
    if (policy === undefined) {
      return { ok: false, reason: "no-policy", message: `no IPsec policy towards ${remote}: Linux would send this in cleartext` };
    }
    const sa = this.kernel.outbound(remote, policy.spi);
    if (sa === undefined) return { ok: false, reason: "no-outbound-sa", message: `no SA for SPI ${spiHex(policy.spi)} towards ${remote} (XfrmOutNoStates)` };
    const next = sa.nextSequence();
    if (!next.ok) return next;
    const packet = encodeEsp(sa, { spi: sa.spi, seq: next.seq, iv: seqivIv(sa.ivSalt!, next.seq), payload, nextHeader }, aead);
    return { ok: true, packet, spi: sa.spi, seq: next.seq, headroom: next.headroom, wrapped: next.wrapped };
  }

  /** Receives an ESP packet addressed to this node (see `decodeEsp`). */
  open(packet: Uint8Array, aead: Aead): EspResult {
    return decodeEsp(packet, (spi) => this.inboundSa(spi), aead);
  }

  /**
   * encryption.go updateNodeKey for one peer. `spis` and the keys are in the
   * same order, primary first. Steady state rSA0, rSA1, rSA2, fSA1, fSP1;
   * rotation −rSA0, +rSA3, +fSA2, fSP1→fSP2, −fSA1.
   */
  private updateNodeKey(remote: Ipv4Address, current: readonly SpiPair[], newIdx: number, priIdx: number, delIdx: number, steps: SaStep[]): SpiPair[] {
    const spis = current.slice();
    if (newIdx !== -1) spis.push(spiPair(this.localIp, remote, this.keyList[newIdx]!.tag));
    // A peer whose list is shorter than the keys (after a refused update kept
    // its new key) would make Go index out of range; such steps are skipped.
    const at = (i: number) => spis[i];
    if (delIdx !== -1 && at(delIdx) !== undefined) this.kernel.removeSa("in", remote, at(delIdx)!.reverse, steps);
    if (newIdx > -1 && at(newIdx) !== undefined) this.kernel.addSa("in", remote, at(newIdx)!.reverse, this.keyList[newIdx]!, steps);
    if (priIdx > 0 && at(priIdx) !== undefined && at(0) !== undefined) {
      const primary = this.keyList[priIdx]!;
      this.kernel.addSa("out", remote, at(priIdx)!.forward, primary, steps);
      this.kernel.updatePolicy(remote, at(priIdx)!.forward, primary.tag, steps);
      this.kernel.removeSa("out", remote, at(0)!.forward, steps);
    }
    if (priIdx > 0 && priIdx < spis.length) swap(spis, 0, priIdx);
    if (delIdx !== -1) spis.splice(delIdx === 0 ? priIdx : delIdx, 1);
    return spis;
  }

  private checkRemote(remote: Ipv4Address): void {
    addressArgument("remote", remote);
    if (remote === this.localIp) throw new RangeError(`"remote" expected another host than this node's ${this.localIp}`);
  }
}

/** The index updateKeys' loop leaves: the last key with this tag. */
function lastIndexOfTag(keys: readonly OverlayKey[], tag: number): number {
  for (let i = keys.length - 1; i >= 0; i--) if (keys[i]!.tag === tag) return i;
  return -1;
}

function swap<T>(items: T[], a: number, b: number): void {
  const held = items[a]!;
  items[a] = items[b]!;
  items[b] = held;
}

function sortAddresses(addresses: Ipv4Address[]): Ipv4Address[] {
  const value = (a: Ipv4Address) => {
    const parsed = parseIpv4(a);
    return parsed.ok ? parsed.value : 0;
  };
  return addresses.sort((a, b) => value(a) - value(b));
}

function addressArgument(name: string, address: Ipv4Address): void {
  const parsed = parseIpv4(address);
  if (!parsed.ok) throw new RangeError(`"${name}" ${parsed.reason}`);
}

function checkKey(name: string, key: OverlayKey): void {
  if (key === null || typeof key !== "object" || !(key.key instanceof Uint8Array) || key.key.length !== 16) {
    throw new RangeError(`"${name}" expected a key of 16 bytes with a tag`);
  }
  if (!Number.isInteger(key.tag) || key.tag < 0 || key.tag > 0xffff_ffff) {
    throw new RangeError(`"${name}.tag" expected a whole number from 0 to 4294967295, got ${key.tag}`);
  }
}
