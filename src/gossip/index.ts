/**
 * The gossip plane: memberlist's keyring and encryption envelope, its
 * broadcast queue and timing (the spec in constants, set per run as
 * `GossipTimings`), its SWIM membership, libnetwork networkdb's messages and
 * the networkdb node on top, and the overlay driver's table records.
 */
export * from "./constants.js";
export { type GossipTimings, defaultGossipTimings, gossipTimings } from "./timings.js";
export { type Broadcast, BroadcastQueue } from "./broadcast-queue.js";
export { parseIpv4Bytes, formatIpv4Bytes } from "./address-bytes.js";
export * from "./keyring.js";
export * from "./envelope.js";
export * from "./key-file.js";
export * from "./messages.js";
export * from "./compound.js";
/** networkdb's protobuf messages, under one name: their type names are memberlist's too (GossipMessage, MessageType). */
export * as networkdb from "./networkdb-messages.js";
export * from "./overlay-peer.js";
export * from "./wire.js";
export * from "./memberlist.js";
export { LamportClock } from "./networkdb-clock.js";
export type { TableEntry } from "./networkdb-store.js";
export type { NodeState } from "./networkdb-nodes.js";
export * from "./networkdb.js";
