/**
 * RPC framing on a control-plane connection.
 *
 * swarmkit speaks gRPC: HTTP/2 streams whose DATA frames carry gRPC
 * length-prefixed messages (1 byte compressed flag, 4 bytes big-endian length,
 * then the protobuf message), with the method in the `:path` header and the
 * status in the trailers. The simulator keeps the length-prefixed message
 * framing and the protobuf bodies, and replaces HTTP/2 (headers, streams,
 * flow control) with a small protobuf envelope that carries the call ID, the
 * method path and the status: what a reader of the decrypted capture needs to
 * follow a call. docs/fidelity.md records this.
 */

import { ProtoWriter, allocBytes, concatBytes, copyBytes, decodeMessage } from "../encoding/index.js";

/** gRPC status codes used by swarmkit's control plane (google.golang.org/grpc/codes). */
export const GrpcCode = {
  ok: 0,
  canceled: 1,
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  alreadyExists: 6,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  aborted: 10,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

const CODE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "OK"],
  [1, "Canceled"],
  [2, "Unknown"],
  [3, "InvalidArgument"],
  [4, "DeadlineExceeded"],
  [5, "NotFound"],
  [6, "AlreadyExists"],
  [7, "PermissionDenied"],
  [8, "ResourceExhausted"],
  [9, "FailedPrecondition"],
  [10, "Aborted"],
  [13, "Internal"],
  [14, "Unavailable"],
  [16, "Unauthenticated"],
]);

/** grpc-go's error text: `rpc error: code = PermissionDenied desc = ...`. */
export function grpcErrorText(code: number, message: string): string {
  return `rpc error: code = ${CODE_NAMES.get(code) ?? `Code(${code})`} desc = ${message}`;
}

/**
 * The caller a manager forwards a call for (swarmkit ca/forward.go: the
 * `forwarded_cert_cn`, `forwarded_cert_ou` and `forwarded_cert_org` metadata a
 * follower adds when it passes a call on to the leader). Empty strings stand
 * for a caller that presented no certificate.
 */
export interface ForwardedFor {
  readonly commonName: string;
  readonly organizationalUnit: string;
  readonly organization: string;
  /** The caller's address as the forwarding manager saw it (`remote_addr`); empty if unknown. */
  readonly remoteAddress: string;
}

/** A call from client to server. */
export interface RpcRequest {
  readonly callId: number;
  readonly method: string;
  readonly body: Uint8Array;
  /** Set when a manager forwards the call for another caller. */
  readonly forwarded?: ForwardedFor;
}

/** The answer to a call, or one message of a server stream. */
export interface RpcResponse {
  readonly callId: number;
  readonly code: number;
  readonly message: string;
  readonly body: Uint8Array;
  /** A message of a server stream: the call stays open for more (gRPC server streaming). */
  readonly more?: boolean;
}

/** The largest message accepted: gRPC's default receive limit, 4 MiB. */
export const maxMessageBytes = 4 * 1024 * 1024;

/** gRPC's message prefix: the compressed flag (1 byte) and the length (4 bytes, big-endian). */
const prefixBytes = 5;

/** Writes gRPC's prefix for a message of `length` bytes at the front of `out`: not compressed. */
function writePrefix(out: Uint8Array, length: number): void {
  out[0] = 0;
  out[1] = length >>> 24;
  out[2] = (length >>> 16) & 0xff;
  out[3] = (length >>> 8) & 0xff;
  out[4] = length & 0xff;
}

/** Wraps a message in gRPC's length prefix. */
export function lengthPrefixed(message: Uint8Array): Uint8Array {
  const out = allocBytes(prefixBytes + message.length);
  writePrefix(out, message.length);
  out.set(message, prefixBytes);
  return out;
}

const encodeForwarded = (f: ForwardedFor) =>
  new ProtoWriter().string(1, f.commonName).string(2, f.organizationalUnit).string(3, f.organization).string(4, f.remoteAddress).finish();

export const encodeRequest = (r: RpcRequest) => {
  const writer = new ProtoWriter(prefixBytes).uint(1, r.callId).string(2, r.method).bytes(3, r.body);
  // An empty forwarded message still says "forwarded for a caller without a certificate": always written.
  if (r.forwarded !== undefined) writer.message(4, encodeForwarded(r.forwarded));
  return writer.finishAfter(writePrefix);
};
export const encodeResponse = (r: RpcResponse) =>
  new ProtoWriter(prefixBytes).uint(1, r.callId).uint(2, r.code).string(3, r.message).bytes(4, r.body).uint(5, r.more === true).finishAfter(writePrefix);

export const decodeRequest = (b: Uint8Array) =>
  decodeMessage(b, (r) => {
    const forwarded = r.has(4) ? r.nested(4, (f) => ({ commonName: f.string(1), organizationalUnit: f.string(2), organization: f.string(3), remoteAddress: f.string(4) })) : undefined;
    return { callId: r.uint(1), method: r.string(2), body: r.bytes(3), ...(forwarded === undefined ? {} : { forwarded }) };
  });
export const decodeResponse = (b: Uint8Array) =>
  decodeMessage(b, (r) => ({ callId: r.uint(1), code: r.uint(2), message: r.string(3), body: r.bytes(4), more: r.uint(5) === 1 }));

/**
 * Reassembles length-prefixed messages from a byte stream that arrives in
 * arbitrary pieces. A compressed flag other than 0, or a length over the
 * limit, is a protocol error: the connection must be dropped.
 */
export class MessageReassembler {
  /** The start of a message whose rest has not arrived (empty between messages). */
  private buffer = new Uint8Array(0);

  /** Adds bytes; returns the complete messages, or a reason to drop the connection. */
  push(bytes: Uint8Array): { ok: true; messages: Uint8Array[] } | { ok: false; reason: string } {
    const joined = this.buffer.length > 0 ? concatBytes([this.buffer, bytes]) : bytes;
    const messages: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= prefixBytes) {
      if (joined[at] !== 0) return { ok: false, reason: `compressed flag ${joined[at]} (compression is not negotiated)` };
      const length = ((joined[at + 1]! << 24) | (joined[at + 2]! << 16) | (joined[at + 3]! << 8) | joined[at + 4]!) >>> 0;
      if (length > maxMessageBytes) return { ok: false, reason: `message of ${length} bytes is over the ${maxMessageBytes}-byte limit` };
      if (joined.length - at - prefixBytes < length) break;
      messages.push(copyBytes(joined, at + prefixBytes, at + prefixBytes + length));
      at += prefixBytes + length;
    }
    this.buffer = at === joined.length ? empty : copyBytes(joined, at);
    return { ok: true, messages };
  }
}

const empty = new Uint8Array(0);
