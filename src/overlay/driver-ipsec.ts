/**
 * The overlay driver's IPsec side: the node's SA database (sa-database.ts)
 * with every kernel operation traced, the packets each SA carried counted,
 * and sequence counters that wrap or run out reported once per SA.
 *
 * SAs that carried traffic are remembered after a rotation removes them, so
 * that the `esp_sa` file written at the end of a run decrypts every ESP
 * packet of the capture, the early ones included.
 */

import type { Aead, ByteSource, TagLength } from "../crypto/index.js";
import { IpProtocol, type Ipv4Address } from "../net/index.js";
import type { Simulation } from "../sim/index.js";
import type { SaCause } from "./driver-counters.js";
import type { EspSaRecord } from "./esp-sa-file.js";
import { type EspResult, spiHex } from "./esp.js";
import type { SecurityAssociation, SequenceExhaustion, SequenceReport } from "./sa.js";
import { type KeyUpdate, type OverlayKey, type SaChange, SaDatabase, type SealResult } from "./sa-database.js";

/** One SA as the driver shows it: what it was made of (see SecurityAssociation), and how much it was used. */
export type SaView = Pick<SecurityAssociation, "direction" | "src" | "dst" | "spi" | "keyTag" | "key" | "salt"> & {
  /** ESP packets sealed (outbound) or opened (inbound) with it. */
  readonly packets: number;
};

/** What the IPsec side is built from. */
export interface DriverIpsecOptions {
  readonly sim: Simulation;
  /** The node's name, for the trace. */
  readonly node: string;
  /** The node's data-path address. */
  readonly localIp: Ipv4Address;
  /** Where seqiv's IV salts come from. */
  readonly ivSalts: ByteSource;
  readonly aead: Aead;
  readonly replayWindow?: number;
  readonly icvBytes?: TagLength;
  readonly onSequenceExhausted?: SequenceExhaustion;
}

/** A node's SA database, traced and counted. */
export class DriverIpsec {
  readonly db: SaDatabase;
  private readonly icvBytes: TagLength;
  /** Packets per SA, for every SA that carried one, in the order they first did. */
  private readonly carried = new Map<SecurityAssociation, number>();
  /** SAs whose wrap or exhaustion was already traced. */
  private readonly seqReported = new Set<SecurityAssociation>();

  constructor(private readonly options: DriverIpsecOptions) {
    this.icvBytes = options.icvBytes ?? 8;
    this.db = new SaDatabase({
      localIp: options.localIp,
      ivSalts: options.ivSalts,
      icvBytes: this.icvBytes,
      ...(options.replayWindow === undefined ? {} : { replayWindow: options.replayWindow }),
      ...(options.onSequenceExhausted === undefined ? {} : { onSequenceExhausted: options.onSequenceExhausted }),
    });
  }

  /** Whether the driver holds keys (Join's check). */
  get hasKeys(): boolean {
    return this.db.keys().length > 0;
  }

  /** The driver's first keys, primary first (encryption.go setKeys). */
  setKeys(keys: readonly OverlayKey[]): SaChange {
    const change = this.db.setKeys(keys);
    this.traceSteps(change, "set-keys");
    this.traceKeys("set", change, {});
    return change;
  }

  /** A key change (encryption.go updateKeys), every peer's SAs in Docker's order. */
  updateKeys(update: KeyUpdate): SaChange {
    const change = this.db.updateKeys(update);
    this.traceSteps(change, "update-keys");
    this.traceKeys("update", change, update);
    return change;
  }

  /** One more network needs the tunnel to `remote`. */
  setup(remote: Ipv4Address): SaChange {
    const change = this.db.setupEncryption(remote);
    this.traceSteps(change, "setup");
    return change;
  }

  /** One network less needs the tunnel to `remote`. */
  remove(remote: Ipv4Address): SaChange {
    const change = this.db.removeEncryption(remote);
    this.traceSteps(change, "remove");
    return change;
  }

  /** Seals a VXLAN datagram for `remote`. */
  seal(remote: Ipv4Address, datagram: Uint8Array): SealResult {
    const sa = this.db.outboundSa(remote);
    const sealed = this.db.seal(remote, datagram, IpProtocol.udp, this.options.aead);
    if (sa === undefined) return sealed;
    if (sealed.ok) {
      this.count(sa);
      if (sealed.wrapped) this.reportSequence(sa, "wrapped");
    } else if (sealed.reason === "seq-exhausted") {
      this.reportSequence(sa, "exhausted");
    }
    return sealed;
  }

  /** Opens an ESP packet addressed to this node. */
  open(packet: Uint8Array): EspResult {
    const opened = this.db.open(packet, this.options.aead);
    if (opened.ok) {
      const sa = this.db.inboundSa(opened.value.spi);
      if (sa !== undefined) this.count(sa);
    }
    return opened;
  }

  /**
   * Uses `count` sequence numbers of the outbound SA towards `remote` at
   * once, as if that many packets had gone out: bulk traffic without sealing
   * each packet. Returns how many were used.
   */
  advanceSequence(remote: Ipv4Address, count: number): number {
    return this.db.outboundSa(remote)?.consumeSequence(count) ?? 0;
  }

  /** The SAs installed now, with the packets each carried. */
  associations(): SaView[] {
    return this.db.associations().map((sa) => this.view(sa));
  }

  /** Every SA that carried a packet, removed ones included, as `esp_sa` lines want them. */
  sasThatCarriedTraffic(): EspSaRecord[] {
    return [...this.carried.keys()].map((sa) => ({ src: sa.src, dst: sa.dst, spi: sa.spi, keyMaterial: sa.keyMaterial, icvBytes: this.icvBytes }));
  }

  /** How far each outbound SA's counter has gone. */
  sequenceReports(): SequenceReport[] {
    return this.db.sequenceReports();
  }

  private view(sa: SecurityAssociation): SaView {
    return { direction: sa.direction, src: sa.src, dst: sa.dst, spi: sa.spi, keyTag: sa.keyTag, key: sa.key, salt: sa.salt, packets: this.carried.get(sa) ?? 0 };
  }

  private count(sa: SecurityAssociation): void {
    this.carried.set(sa, (this.carried.get(sa) ?? 0) + 1);
  }

  private reportSequence(sa: SecurityAssociation, event: "wrapped" | "exhausted"): void {
    if (this.seqReported.has(sa)) return;
    this.seqReported.add(sa);
    const report = sa.sequenceReport();
    this.options.sim.trace.record(
      "overlay.seq",
      { event, remote: sa.remote, spi: spiHex(sa.spi), sent: report.sent, headroom: report.headroom },
      this.options.node,
    );
  }

  private traceSteps(change: SaChange, cause: SaCause): void {
    for (const step of change.steps) {
      const fields = { op: step.op, remote: step.remote, spi: spiHex(step.spi), keyTag: step.keyTag, cause };
      this.options.sim.trace.record("overlay.sa", "direction" in step ? { ...fields, direction: step.direction } : fields, this.options.node);
    }
  }

  private traceKeys(op: "set" | "update", change: SaChange, update: KeyUpdate): void {
    this.options.sim.trace.record(
      "overlay.keys",
      {
        op,
        tags: this.db.keys().map((k) => k.tag),
        ...(update.newKey === undefined ? {} : { newKey: update.newKey.tag }),
        ...(update.primary === undefined ? {} : { primary: update.primary.tag }),
        ...(update.prune === undefined ? {} : { prune: update.prune.tag }),
        ok: change.ok,
        ...(change.ok ? {} : { reason: change.message }),
      },
      this.options.node,
    );
  }
}
