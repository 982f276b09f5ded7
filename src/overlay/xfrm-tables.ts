/**
 * The two kernel tables Docker's overlay driver programs through netlink,
 * reduced to what it uses (private to overlay/):
 *
 * - the SA database (XfrmStateAdd/Del), where a state is found by its
 *   destination and SPI, as xfrm_state_lookup finds it for a packet;
 * - the outbound policies (XfrmPolicyAdd/Update/Del), one per peer: UDP to
 *   4789 marked by the driver's mangle rule goes through the SA whose SPI
 *   the policy's template names. A policy is found by its selector (the two
 *   addresses), not by that SPI.
 *
 * Adding what exists and removing what is absent do nothing, as programSA
 * and programSP check first (saExists, spExists). Each operation that does
 * something appends an `SaStep` to the list it is given.
 */

import type { ByteSource, TagLength } from "../crypto/index.js";
import type { Ipv4Address } from "../net/index.js";
import { type SaDirection, type SequenceExhaustion, SecurityAssociation } from "./sa.js";

/** A network key as the overlay driver holds it (encryption.go `key`): 16 bytes and its tag. */
export interface OverlayKey {
  /** The key manager's Lamport time for the key. */
  readonly tag: number;
  /** The 16-byte AES key. */
  readonly key: Uint8Array;
}

/** One kernel operation, in the order the driver performs them. */
export type SaStep =
  | { readonly op: "add-sa" | "remove-sa"; readonly direction: SaDirection; readonly remote: Ipv4Address; readonly spi: number; readonly keyTag: number }
  | { readonly op: "add-policy" | "update-policy" | "remove-policy"; readonly remote: Ipv4Address; readonly spi: number; readonly keyTag: number };

/** What every SA the tables make shares. */
export interface SaSettings {
  readonly ivSalts: ByteSource;
  readonly replayWindow: number;
  readonly icvBytes: TagLength;
  readonly onSequenceExhausted: SequenceExhaustion;
}

/** A policy's template: the SPI outbound VXLAN to one peer goes through. */
interface Policy {
  readonly spi: number;
  readonly keyTag: number;
}

/** One node's SAD and outbound policies. */
export class XfrmTables {
  private readonly states = new Map<string, SecurityAssociation>();
  private readonly policies = new Map<Ipv4Address, Policy>();

  constructor(
    private readonly localIp: Ipv4Address,
    private readonly settings: SaSettings,
  ) {}

  /** Every SA, in the order they were added. */
  associations(): SecurityAssociation[] {
    return [...this.states.values()];
  }

  /** The peers that have a policy. */
  policyRemotes(): Ipv4Address[] {
    return [...this.policies.keys()];
  }

  /** The inbound SA for a packet to this node with this SPI. */
  inbound(spi: number): SecurityAssociation | undefined {
    return this.states.get(stateKey(this.localIp, spi));
  }

  /** The policy towards `remote`. */
  policy(remote: Ipv4Address): Policy | undefined {
    return this.policies.get(remote);
  }

  /** The outbound SA with this SPI towards `remote`. */
  outbound(remote: Ipv4Address, spi: number): SecurityAssociation | undefined {
    return this.states.get(stateKey(remote, spi));
  }

  /** programSA(add) in one direction. */
  addSa(direction: SaDirection, remote: Ipv4Address, spi: number, key: OverlayKey, steps: SaStep[]): void {
    const [src, dst] = direction === "in" ? [remote, this.localIp] : [this.localIp, remote];
    const id = stateKey(dst, spi);
    if (this.states.has(id)) return;
    this.states.set(id, new SecurityAssociation({ direction, src, dst, spi, keyTag: key.tag, key: key.key, ...this.settings }));
    steps.push({ op: "add-sa", direction, remote, spi, keyTag: key.tag });
  }

  /** programSA(remove) in one direction. */
  removeSa(direction: SaDirection, remote: Ipv4Address, spi: number, steps: SaStep[]): void {
    const id = stateKey(direction === "in" ? this.localIp : remote, spi);
    const sa = this.states.get(id);
    if (sa === undefined) return;
    this.states.delete(id);
    steps.push({ op: "remove-sa", direction, remote, spi, keyTag: sa.keyTag });
  }

  /** programSP(add): an existing policy towards `remote` is kept, whatever its SPI. */
  addPolicy(remote: Ipv4Address, spi: number, keyTag: number, steps: SaStep[]): void {
    if (this.policies.has(remote)) return;
    this.policies.set(remote, { spi, keyTag });
    steps.push({ op: "add-policy", remote, spi, keyTag });
  }

  /** XfrmPolicyUpdate: make or replace the policy towards `remote`. */
  updatePolicy(remote: Ipv4Address, spi: number, keyTag: number, steps: SaStep[]): void {
    this.policies.set(remote, { spi, keyTag });
    steps.push({ op: "update-policy", remote, spi, keyTag });
  }

  /** programSP(remove). */
  removePolicy(remote: Ipv4Address, steps: SaStep[]): void {
    const policy = this.policies.get(remote);
    if (policy === undefined) return;
    this.policies.delete(remote);
    steps.push({ op: "remove-policy", remote, spi: policy.spi, keyTag: policy.keyTag });
  }
}

/** A state's identity here: destination and SPI (the protocol is always ESP). */
function stateKey(dst: Ipv4Address, spi: number): string {
  return `${dst}/${spi}`;
}
