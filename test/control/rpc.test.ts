import { describe, expect, it } from "vitest";
import { type CallResult, type Channel, type MethodHandler, RpcClientConnection, RpcServerConnection } from "../../src/control/rpc.js";

/** A client and a server joined back to back, delivering each write synchronously. */
function pair(methods: Map<string, MethodHandler<string>>) {
  const errors: string[] = [];
  let server!: RpcServerConnection<string>;
  let closed = false;
  const toServer: Channel = { write: (b) => server.receive(b), close: () => (closed = true) };
  const client: RpcClientConnection = new RpcClientConnection(toServer);
  const toClient: Channel = { write: (b) => client.receive(b), close: () => (closed = true) };
  server = new RpcServerConnection(toClient, "node-a", methods, (r) => errors.push(r));
  return { client, server, errors, isClosed: () => closed };
}

describe("RPC over a connection", () => {
  it("answers calls, now or later, each once, matched by call ID", () => {
    const later: Array<() => void> = [];
    const methods = new Map<string, MethodHandler<string>>([
      ["/echo", (peer, body, reply) => reply.ok(new Uint8Array([...body, peer.length]))],
      ["/slow", (_peer, _body, reply) => later.push(() => { reply.ok(new Uint8Array([9])); reply.ok(new Uint8Array([10])); })],
      ["/deny", (_peer, _body, reply) => reply.error(7, "Permission denied")],
    ]);
    const { client } = pair(methods);
    const results: Array<[string, CallResult]> = [];
    client.call("/slow", new Uint8Array(), (r) => results.push(["slow", r]));
    client.call("/echo", new Uint8Array([1]), (r) => results.push(["echo", r]));
    client.call("/deny", new Uint8Array(), (r) => results.push(["deny", r]));
    client.call("/nope", new Uint8Array(), (r) => results.push(["nope", r]));
    later.forEach((f) => f());
    expect(results).toEqual([
      ["echo", { ok: true, body: new Uint8Array([1, 6]) }],
      ["deny", { ok: false, code: 7, message: "Permission denied" }],
      ["nope", { ok: false, code: 12, message: "unknown method /nope" }],
      ["slow", { ok: true, body: new Uint8Array([9]) }],
    ]);
  });

  it("drops the connection, not the node, on garbage, and fails waiting calls when it ends", () => {
    const { server, client, errors, isClosed } = pair(new Map());
    server.receive(new Uint8Array([7, 7, 7, 7, 7, 7]));
    expect(errors).toEqual(["compressed flag 7 (compression is not negotiated)"]);
    expect(isClosed()).toBe(true);
    server.receive(new Uint8Array([0, 0, 0, 0, 0])); // ignored after the drop
    expect(errors).toHaveLength(1);
    const results: CallResult[] = [];
    client.call("/x", new Uint8Array(), (r) => results.push(r));
    client.shutdown("reset by peer");
    client.call("/y", new Uint8Array(), (r) => results.push(r));
    expect(results).toEqual([
      { ok: false, code: 14, message: "reset by peer" },
      { ok: false, code: 14, message: "reset by peer" },
    ]);
  });
});
