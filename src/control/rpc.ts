/**
 * Calls and answers over one control-plane connection.
 *
 * The connection is any ordered byte channel (in a run, a mutual-TLS session
 * over a TCP-like stream). The client numbers its calls; the server answers
 * each, possibly later (a handler may wait for simulated time to pass). Bytes
 * that do not parse drop the connection, never the node: the reason goes to
 * the `onProtocolError` callback so the caller can count and trace it.
 */

import {
  type ForwardedFor,
  GrpcCode,
  MessageReassembler,
  type RpcRequest,
  type RpcResponse,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from "./rpc-frame.js";

/** An ordered, reliable byte channel: what RPC needs of a connection. */
export interface Channel {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** How a server answers one call. */
export interface Reply {
  /** Success with a protobuf body. */
  ok(body: Uint8Array): void;
  /** Failure with a gRPC status code and message. */
  error(code: number, message: string): void;
  /** One message of a server stream; the call stays open until `ok` or `error`. */
  message(body: Uint8Array): void;
  /** Runs `cancelled` if the connection ends before the call is answered (gRPC context cancellation). */
  onCancel(cancelled: () => void): void;
  /** Whether the call is over (answered, or its connection gone). */
  readonly done: boolean;
}

/**
 * Serves one method: the caller as TLS established it, the request body, a way
 * to reply now or later, and the caller a manager forwarded the call for, if it did.
 */
export type MethodHandler<Peer> = (peer: Peer, body: Uint8Array, reply: Reply, forwarded: ForwardedFor | undefined, remoteAddress: string) => void;

/** The server side of one connection. */
export class RpcServerConnection<Peer> {
  private readonly reassembler = new MessageReassembler();
  private closed = false;
  /** Cancellation callbacks of the calls still open. */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly channel: Channel,
    /** Who is calling, as the TLS handshake established it. */
    private readonly peer: Peer,
    private readonly methods: ReadonlyMap<string, MethodHandler<Peer>>,
    private readonly onProtocolError: (reason: string) => void,
    /** The client's underlay address (what grpc-go's peer gives a handler). */
    private readonly remoteAddress = "",
  ) {}

  /** Feeds bytes received from the client. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const out = this.reassembler.push(bytes);
    if (!out.ok) return this.fail(out.reason);
    for (const message of out.messages) {
      const request = decodeRequest(message);
      if (!request.ok) return this.fail(`bad request envelope: ${request.reason}`);
      this.dispatch(request.value);
    }
  }

  /** The connection is gone: late replies are dropped and open calls are cancelled. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    const cancels = [...this.open];
    this.open.clear();
    for (const cancel of cancels) cancel();
  }

  private dispatch(request: RpcRequest): void {
    let answered = false;
    const cancels: Array<() => void> = [];
    const cancelAll = () => {
      answered = true;
      for (const cancel of cancels) cancel();
    };
    this.open.add(cancelAll);
    const send = (response: RpcResponse) => {
      if (answered || this.closed) return;
      if (response.more !== true) {
        answered = true;
        this.open.delete(cancelAll);
      }
      this.channel.write(encodeResponse(response));
    };
    const reply: Reply = {
      ok: (body) => send({ callId: request.callId, code: GrpcCode.ok, message: "", body }),
      error: (code, message) => send({ callId: request.callId, code, message, body: new Uint8Array(0) }),
      message: (body) => send({ callId: request.callId, code: GrpcCode.ok, message: "", body, more: true }),
      onCancel: (cancelled) => void cancels.push(cancelled),
      get done() {
        return answered;
      },
    };
    const handler = this.methods.get(request.method);
    if (handler === undefined) return reply.error(12, `unknown method ${request.method}`); // codes.Unimplemented
    handler(this.peer, request.body, reply, request.forwarded, this.remoteAddress);
  }

  private fail(reason: string): void {
    this.closed = true;
    this.onProtocolError(reason);
    this.channel.close();
  }
}

/** What a call may add: stream messages, the caller it is forwarded for. */
export interface CallOptions {
  /** Receives each message of a server stream. */
  readonly onMessage?: (body: Uint8Array) => void;
  /** The caller a manager forwards this call for. */
  readonly forwarded?: ForwardedFor;
}

/** What a call came back with. */
export type CallResult = { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly code: number; readonly message: string };

/** The client side of one connection. */
export class RpcClientConnection {
  private readonly reassembler = new MessageReassembler();
  private readonly pending = new Map<number, (result: CallResult) => void>();
  /** Stream message handlers of the calls that take them. */
  private readonly streams = new Map<number, (body: Uint8Array) => void>();
  private nextCallId = 1;
  private closed = false;
  private closeReason = "connection closed";
  private closeCode: number = GrpcCode.unavailable;

  constructor(private readonly channel: Channel) {}

  /**
   * Sends a call; `done` runs once with its answer, or with Unavailable if the
   * connection ends first. A server-streaming call passes `onMessage`, which
   * runs for each message before the end. Returns the call's ID (for `cancel`).
   */
  call(method: string, body: Uint8Array, done: (result: CallResult) => void, options: CallOptions = {}): number {
    if (this.closed) {
      done({ ok: false, code: this.closeCode, message: this.closeReason });
      return 0;
    }
    const callId = this.nextCallId++;
    this.pending.set(callId, done);
    if (options.onMessage !== undefined) this.streams.set(callId, options.onMessage);
    this.channel.write(encodeRequest({ callId, method, body, ...(options.forwarded === undefined ? {} : { forwarded: options.forwarded }) }));
    return callId;
  }

  /** Stops waiting for call `callId`: neither its messages nor its answer are delivered. */
  forget(callId: number): void {
    this.pending.delete(callId);
    this.streams.delete(callId);
  }

  /** Feeds bytes received from the server. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const out = this.reassembler.push(bytes);
    if (!out.ok) return this.shutdown(`protocol error: ${out.reason}`);
    for (const message of out.messages) {
      const response = decodeResponse(message);
      if (!response.ok) return this.shutdown(`protocol error: bad response envelope: ${response.reason}`);
      if (response.value.more) {
        this.streams.get(response.value.callId)?.(response.value.body);
        continue;
      }
      const done = this.pending.get(response.value.callId);
      if (done === undefined) continue;
      this.pending.delete(response.value.callId);
      this.streams.delete(response.value.callId);
      const { code, message: text, body } = response.value;
      done(code === GrpcCode.ok ? { ok: true, body } : { ok: false, code, message: text });
    }
  }

  /** The connection ended: every call still waiting fails with `code` (Unavailable unless told). */
  shutdown(reason = "connection closed", code: number = GrpcCode.unavailable): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.closeCode = code;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.streams.clear();
    for (const done of waiting) done({ ok: false, code, message: reason });
  }
}
