/**
 * swarmkit's Network object (api/objects.proto Network, with its parts from
 * api/types.proto and api/specs.proto) and the map and annotation encodings
 * it shares with the service and task objects (task-messages.ts).
 *
 * Field numbers were read from moby/swarmkit's api/objects.proto (commit
 * 4b5ceb59), api/types.proto (f26531fb) and api/specs.proto (b2a645f6).
 * Framing follows gogoproto's generated marshallers, as in dispatcher-messages.ts.
 */

import { type MessageReader, type ObjectMeta, decodeWith, encodeObjectMeta, readObjectMeta, writeStringAlways } from "./dispatcher-messages.js";
import { type Decoded, ProtoWriter } from "../encoding/index.js";

/** A protobuf map<string, string>, entries sorted by key (Go's map order is random; sorted keeps a run's bytes reproducible). */
export type StringMap = ReadonlyMap<string, string>;

/** Writes `map` as repeated entries of field `field`, in key order. */
export function writeStringMap(w: ProtoWriter, field: number, map: StringMap): ProtoWriter {
  for (const key of [...map.keys()].sort()) {
    // gogoproto writes a map<string, string> entry's key and value even when empty.
    w.message(field, writeStringAlways(writeStringAlways(new ProtoWriter(), 1, key), 2, map.get(key)!).finish());
  }
  return w;
}

/** Reads the repeated entries of field `field` as a map; a key repeated keeps its last value, as protobuf maps do. */
export const readStringMap = (r: MessageReader, field: number, what: string): StringMap =>
  new Map(r.messages(field, what, (e) => [e.string(1), e.string(2)] as const));

/** types.proto Annotations { string name = 1; map<string, string> labels = 2; } (4 indices: not modelled). */
export interface LabelledAnnotations {
  readonly name: string;
  readonly labels: StringMap;
}

/** Encodes Annotations with their labels. */
export const encodeLabelledAnnotations = (a: LabelledAnnotations): Uint8Array => writeStringMap(new ProtoWriter().string(1, a.name), 2, a.labels).finish();
/** Reads Annotations with their labels. */
export const readLabelledAnnotations = (r: MessageReader): LabelledAnnotations => ({ name: r.string(1), labels: readStringMap(r, 2, "labels") });

/** types.proto Driver { string name = 1; map<string, string> options = 2; } */
export interface DriverMessage {
  readonly name: string;
  readonly options: StringMap;
}

/** types.proto IPAMConfig, the parts modelled: { string subnet = 2; string gateway = 4; } (1 family = IPV4 = 0; 3 range, 5 reserved: not modelled). */
export interface IpamConfigMessage {
  readonly subnet: string;
  readonly gateway: string;
}

/** types.proto IPAMOptions { Driver driver = 1; repeated IPAMConfig configs = 3; } */
export interface IpamOptionsMessage {
  readonly driver: DriverMessage;
  readonly configs: readonly IpamConfigMessage[];
}

/**
 * specs.proto NetworkSpec { Annotations annotations = 1 (nullable=false); Driver driver_config = 2;
 * bool ipv6_enabled = 3; bool internal = 4; IPAMOptions ipam = 5; bool attachable = 6; bool ingress = 7; }
 * (8 config_from: not modelled).
 */
export interface NetworkSpecMessage {
  readonly annotations: LabelledAnnotations;
  readonly driverConfig: DriverMessage;
  readonly ipv6Enabled: boolean;
  readonly internal: boolean;
  readonly ipam: IpamOptionsMessage;
  readonly attachable: boolean;
  readonly ingress: boolean;
}

/**
 * objects.proto Network, the parts modelled: { string id = 1; Meta meta = 2 (nullable=false);
 * NetworkSpec spec = 3 (nullable=false); Driver driver_state = 4; IPAMOptions ipam = 5; }
 * (6 pending_delete: not modelled). The driver state carries the allocated VNI
 * (`com.docker.network.driver.overlay.vxlanid_list`), the IPAM state the allocated subnet and gateway.
 */
export interface NetworkObject {
  readonly id: string;
  readonly meta: ObjectMeta;
  readonly spec: NetworkSpecMessage;
  readonly driverState: DriverMessage;
  readonly ipam: IpamOptionsMessage;
}

const encodeDriver = (d: DriverMessage) => writeStringMap(new ProtoWriter().string(1, d.name), 2, d.options).finish();
const readDriver = (r: MessageReader): DriverMessage => ({ name: r.string(1), options: readStringMap(r, 2, "options") });

function encodeIpamOptions(o: IpamOptionsMessage): Uint8Array {
  const w = new ProtoWriter().message(1, encodeDriver(o.driver));
  for (const c of o.configs) w.message(3, new ProtoWriter().string(2, c.subnet).string(4, c.gateway).finish());
  return w.finish();
}

const readIpamOptions = (r: MessageReader): IpamOptionsMessage => ({
  driver: r.message(1, "driver", readDriver),
  configs: r.messages(3, "configs", (c) => ({ subnet: c.string(2), gateway: c.string(4) })),
});

function encodeNetworkSpec(s: NetworkSpecMessage): Uint8Array {
  return new ProtoWriter()
    .message(1, encodeLabelledAnnotations(s.annotations))
    .message(2, encodeDriver(s.driverConfig))
    .uint(3, s.ipv6Enabled)
    .uint(4, s.internal)
    .message(5, encodeIpamOptions(s.ipam))
    .uint(6, s.attachable)
    .uint(7, s.ingress)
    .finish();
}

function readNetworkSpec(r: MessageReader): NetworkSpecMessage {
  return {
    annotations: r.message(1, "annotations", readLabelledAnnotations),
    driverConfig: r.message(2, "driver_config", readDriver),
    ipv6Enabled: r.uint(3) !== 0,
    internal: r.uint(4) !== 0,
    ipam: r.message(5, "ipam", readIpamOptions),
    attachable: r.uint(6) !== 0,
    ingress: r.uint(7) !== 0,
  };
}

/** Encodes a Network object. */
export function encodeNetworkObject(n: NetworkObject): Uint8Array {
  return new ProtoWriter()
    .string(1, n.id)
    .message(2, encodeObjectMeta(n.meta))
    .message(3, encodeNetworkSpec(n.spec))
    .message(4, encodeDriver(n.driverState))
    .message(5, encodeIpamOptions(n.ipam))
    .finish();
}

/** Reads a Network object. */
export function readNetworkObject(r: MessageReader): NetworkObject {
  return {
    id: r.string(1),
    meta: r.message(2, "meta", readObjectMeta),
    spec: r.message(3, "spec", readNetworkSpec),
    driverState: r.message(4, "driver_state", readDriver),
    ipam: r.message(5, "ipam", readIpamOptions),
  };
}

/** Decodes a Network object. */
export const decodeNetworkObject = (b: Uint8Array): Decoded<NetworkObject> => decodeWith(b, readNetworkObject);
