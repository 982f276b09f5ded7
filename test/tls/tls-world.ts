/**
 * A small world for the TLS tests: a manager and a worker on a fabric, a TLS
 * server on the manager's port 2377, clients from the worker, and what each
 * session and the wire said.
 */
import { Fabric, type Host, type Stream, type TapPacket, fixedLatency } from "../../src/net/index.js";
import { MemorySink, Rng, Simulation, ms } from "../../src/sim/index.js";
import {
  KeyLog,
  type TlsFailure,
  type TlsHandshake,
  TlsSession,
  type TlsSessionOptions,
  TrustStore,
} from "../../src/tls/index.js";
import type { SwarmPki } from "./pki-fixtures.js";
import { concat } from "../support/bytes.js";

export const CONTROL_PORT = 2377;

/** Everything a session reports, in order. */
export interface SessionLog {
  readonly events: string[];
  secure?: TlsHandshake;
  failure?: TlsFailure;
  readonly data: Uint8Array[];
  /** Every byte of application data received, joined. */
  received(): Uint8Array;
}

export function observe(session: TlsSession): SessionLog {
  const log: SessionLog = {
    events: [],
    data: [],
    received: () => concat(log.data),
  };
  session.on("secure", (h) => {
    log.secure = h;
    log.events.push("secure");
  });
  session.on("data", (bytes) => {
    log.data.push(bytes);
    if (log.events[log.events.length - 1] !== "data") log.events.push("data");
  });
  session.on("close", () => log.events.push("close"));
  session.on("failure", (f) => {
    log.failure = f;
    log.events.push(`failure:${f.reason}`);
  });
  return log;
}

/** The bytes one end of a stream received, joined: the TLS records as they crossed the wire. */
export function tapStream(stream: Stream): { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  stream.on("data", (b) => chunks.push(b.slice()));
  return { bytes: () => concat(chunks) };
}

export interface ServerSide {
  readonly session: TlsSession;
  readonly log: SessionLog;
  /** What the server received (client → server records). */
  readonly fromClient: { bytes(): Uint8Array };
}

export interface ClientSide {
  readonly session: TlsSession;
  readonly log: SessionLog;
  /** What the client received (server → client records). */
  readonly fromServer: { bytes(): Uint8Array };
}

type SessionOverrides = Partial<Omit<TlsSessionOptions, "role" | "stream" | "clock" | "rng">>;

/** A world: a seeded simulation, a 1 ms fabric with `manager-1` and `worker-1`, a trace and a key log. */
export function tlsWorld(pki: SwarmPki, seed = 1, tlsStream = "tls") {
  const sim = new Simulation({ seed });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const fabric = new Fabric(sim, { latency: fixedLatency(ms(1)) });
  const manager = fabric.addHost("manager-1");
  const worker = fabric.addHost("worker-1");
  const wire: TapPacket[] = [];
  fabric.addTap((p) => wire.push(p));
  const keyLog = new KeyLog();
  const trust = new TrustStore([pki.root.pem]);
  const tlsRng: Rng = sim.rng.fork(tlsStream);
  const servers: ServerSide[] = [];
  let accepted = 0;
  let connected = 0;

  /** Listens on the manager's 2377 with a TLS server per accepted stream. */
  function serve(overrides: SessionOverrides = {}, host: Host = manager): ServerSide[] {
    host.listen(CONTROL_PORT, (stream) => {
      const fromClient = tapStream(stream);
      const session = new TlsSession({
        role: "server",
        stream,
        identity: pki.manager,
        trust,
        peerAuth: "if-given",
        clock: () => sim.now,
        scheduler: sim.scheduler,
        rng: tlsRng.fork(`${host.name}-accept-${accepted++}`),
        keyLog,
        trace: sim.trace,
        node: host.name,
        ...overrides,
      });
      servers.push({ session, log: observe(session), fromClient });
    });
    return servers;
  }

  /** A TLS client from the worker (or `host`) to the manager's (or `to`'s) 2377. */
  function connect(overrides: SessionOverrides = {}, host: Host = worker, to: Host = manager): ClientSide {
    const stream = host.connect(to.ip, CONTROL_PORT);
    const fromServer = tapStream(stream);
    const session = new TlsSession({
      role: "client",
      stream,
      identity: pki.worker,
      trust,
      peerAuth: "require",
      serverName: "swarm-manager",
      clock: () => sim.now,
      scheduler: sim.scheduler,
      rng: tlsRng.fork(`${host.name}-connect-${connected++}`),
      keyLog,
      trace: sim.trace,
      node: host.name,
      ...overrides,
    });
    return { session, log: observe(session), fromServer };
  }

  const run = () => sim.scheduler.run();
  return { sim, fabric, manager, worker, trace, wire, keyLog, trust, servers, serve, connect, run };
}

export type TlsWorld = ReturnType<typeof tlsWorld>;

export { concat };

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

/** `n` bytes of a recognisable pattern. */
export function pattern(n: number, step = 7): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * step + (i >> 8)) & 0xff);
}
