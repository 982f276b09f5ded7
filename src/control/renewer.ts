/**
 * A node's certificate renewer (swarmkit ca/renewer.go TLSRenewer and
 * ca/config.go RenewTLSConfigNow).
 *
 * Once a node has a certificate it renews it at a random point between 50%
 * and 80% of its lifetime (`nextRenewalAt`), at once with backoff if it has
 * expired, and half a second after a forced renewal (`renew()`: root rotation,
 * role change). A renewal is a new key and CSR sent with IssueNodeCertificate
 * over the node's own mutual TLS identity, so the CA takes its renewal path
 * and keeps the node's ID and role; the node then polls NodeCertificateStatus,
 * checks the chain against its roots, and installs the new identity. A failed
 * renewal keeps the old certificate and is retried after `renewalBackoff`.
 */

import {
  type NodeRole,
  caCallTimeoutUs,
  createCsr,
  createRsaKey,
  forcedRenewalDelayUs,
  nextRenewalAt,
  readCertificate,
  renewalBackoff,
  renewalDefaultRetryUs,
} from "../pki/index.js";
import type { Ipv4Address } from "../net/index.js";
import { type Duration, type EventHandle, type Instant, type Rng, duration, instant } from "../sim/index.js";
import { TlsSessionCache } from "../tls/index.js";
import { checkIssuedChain, requestNodeCertificate } from "./certificate-request.js";
import { type ControlConnection, type ControlContext, dialControlPlane, nodeTime } from "./endpoint.js";
import { type NodeIdentity, tlsIdentityOf, trustOf, withRoots } from "./identity.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The node installed a renewed certificate; `next` is when it will renew again. */
    "cert.renewed": { nodeId: string; role: string; forced: boolean; notBefore: number; notAfter: number; next: number };
    /** A renewal failed: the node keeps its certificate and retries at `next`. */
    "cert.renew-failed": { nodeId: string; forced: boolean; failures: number; reason: string; next: number };
  }
}

/** What a renewer acts on. */
export interface RenewerOptions {
  readonly context: ControlContext;
  /** Names this renewer's random streams and connections: a new name for every membership. */
  readonly name: string;
  /** RSA modulus size of the new keys. */
  readonly rsaBits: number;
  /** The node's identity now. */
  readonly current: () => NodeIdentity;
  /**
   * The manager to ask (connectionbroker.Select): the node's own address
   * while it runs a manager, whose CA forwards to the leader; else one of
   * the managers it knows.
   */
  readonly managerAddress: () => Ipv4Address;
  /** Installs a renewed identity (a manager serves with it from its next connection on). */
  readonly install: (identity: NodeIdentity) => void;
  /** The role the new certificate must carry (swarmkit SetExpectedRole); default: the current one. */
  readonly expectedRole?: () => NodeRole;
}

/** How one renewal ended: the new identity and its certificate's validity, or why not. */
type Attempt =
  | { readonly ok: true; readonly identity: NodeIdentity; readonly notBefore: Instant; readonly notAfter: Instant }
  | { readonly ok: false; readonly reason: string };

/** Where the renewer is: waiting for its next renewal, pausing before a forced one, renewing, or stopped. */
type Phase = "idle" | "waiting" | "pausing" | "renewing" | "stopped";

/** The name swarmkit's managers carry for the role (the node dials its manager as `swarm-manager`). */
const managerServerName = "swarm-manager";

/** One node's renewer; `start()` once it has a certificate, `stop()` when it leaves. */
export class CertificateRenewer {
  private phase: Phase = "idle";
  private timer: EventHandle | undefined;
  /** Consecutive failures (go-events ExponentialBackoff's counter). */
  private failures = 0;
  /** A forced renewal has not succeeded yet (renewer.go `forceRetry`). */
  private forced = false;
  /** `renew()` came while busy: renewer.go's renew channel holds one signal. */
  private renewQueued = false;
  private attempts = 0;
  private connection: ControlConnection | undefined;
  /** Sessions made with the current certificate only: a new identity never resumes one made before it. */
  private sessionCache = new TlsSessionCache();
  private cachedFor = "";
  private readonly waits: Rng;
  private readonly keys: Rng;
  private readonly polls: Rng;

  constructor(private readonly options: RenewerOptions) {
    const stream = options.context.rng.fork(options.name);
    this.waits = stream.fork("waits");
    this.keys = stream.fork("keys");
    this.polls = stream.fork("status-polls");
  }

  /** Schedules the first renewal from the current certificate. */
  start(): void {
    if (this.phase === "idle") this.scheduleNext();
  }

  /** A forced renewal (renewer.go Renew): in half a second, or once the current attempt is over. */
  renew(): void {
    if (this.phase === "waiting") this.pause();
    else if (this.phase === "pausing" || this.phase === "renewing") this.renewQueued = true;
  }

  /** Stops renewing (the node left the swarm); an attempt in flight is dropped. */
  stop(): void {
    if (this.timer !== undefined) this.options.context.sim.scheduler.cancel(this.timer);
    this.connection?.close();
    this.phase = "stopped";
  }

  /** The loop of renewer.go Start: the wait before the next renewal, from the current certificate. */
  private scheduleNext(): Instant {
    if (this.renewQueued) {
      this.renewQueued = false;
      return this.pause();
    }
    this.phase = "waiting";
    const at = instant(this.options.context.sim.now + this.nextWait());
    this.timer = this.options.context.sim.scheduler.at(at, "cert.renew", () => this.attempt());
    return at;
  }

  /**
   * renewer.go: backoff if the certificate has expired or a forced renewal is
   * pending, else a random point between 50% and 80% of its lifetime. After a
   * failed scheduled renewal swarmkit draws that point again (at once, once it
   * has passed); the model backs off instead, so a node the CA refuses (a
   * removed node) does not retry in a tight loop (docs/fidelity.md).
   */
  private nextWait(): Duration {
    // The node's own clock decides, as the certificate's lifetime is read against it.
    const now = nodeTime(this.options.context);
    const leaf = readCertificate(this.options.current().chainPem[0] ?? "");
    if (!leaf.ok) return renewalDefaultRetryUs;
    if (leaf.info.notAfter < now || this.forced || this.failures > 0) return renewalBackoff(this.failures, this.waits);
    return duration(nextRenewalAt(leaf.info.notBefore, leaf.info.notAfter, now, this.waits) - now);
  }

  /** renewer.go: a forced renewal pauses "to give the CA a chance to reconcile the desired role". */
  private pause(): Instant {
    if (this.timer !== undefined) this.options.context.sim.scheduler.cancel(this.timer);
    this.forced = true;
    this.phase = "pausing";
    this.timer = this.options.context.sim.scheduler.after(forcedRenewalDelayUs, "cert.renew", () => this.attempt());
    return instant(this.options.context.sim.now + forcedRenewalDelayUs);
  }

  /** One renewal, then the next wait: renewer.go counts a failure, or a certificate of the wrong role, and backs off. */
  private attempt(): void {
    this.phase = "renewing";
    this.timer = undefined;
    const forced = this.forced;
    const expected = this.options.expectedRole?.() ?? this.options.current().role;
    this.renewOnce((outcome) => {
      if (this.phase === "stopped") return;
      // As RenewTLSConfigNow, the new certificate is in use before its role is judged.
      if (outcome.ok) this.options.install(outcome.identity);
      const reason = !outcome.ok
        ? outcome.reason
        : outcome.identity.role !== expected
          ? `the renewed certificate is for the ${outcome.identity.role} role, expected ${expected}`
          : undefined;
      if (reason === undefined) {
        this.failures = 0;
        this.forced = false;
      } else {
        this.failures += 1;
      }
      const next = this.scheduleNext();
      const { sim, node } = this.options.context;
      const nodeId = this.options.current().nodeId;
      if (reason === undefined && outcome.ok) {
        const { identity, notBefore, notAfter } = outcome;
        sim.trace.record("cert.renewed", { nodeId, role: identity.role, forced, notBefore, notAfter, next }, node);
      } else {
        sim.trace.record("cert.renew-failed", { nodeId, forced, failures: this.failures, reason: reason ?? "", next }, node);
      }
    });
  }

  /** One renewal: key, CSR, IssueNodeCertificate over the node's identity, then the status poll and checks. */
  private renewOnce(done: (outcome: Attempt) => void): void {
    const { context } = this.options;
    const identity = this.options.current();
    const n = ++this.attempts;
    const key = createRsaKey(this.keys, `key-${n}`, { bits: this.options.rsaBits, ...(context.keyCache === undefined ? {} : { cache: context.keyCache }) });
    const csrPem = createCsr(key);
    const conn = dialControlPlane(
      { ...context, sessionCache: this.cacheFor(identity) },
      { address: this.options.managerAddress(), identity: tlsIdentityOf(identity), trust: trustOf(identity), peerAuth: "require", serverName: managerServerName },
      `${this.options.name}-${n}`,
    );
    this.connection = conn;
    // A renewal carries no token: the CA knows the node by its certificate (ca/config.go RenewTLSConfigNow).
    const issue = { sim: context.sim, conn, csrPem, token: "", availability: 0, rng: this.polls, eventKind: "cert.renew-poll", callTimeoutUs: caCallTimeoutUs };
    requestNodeCertificate(issue, (issued) => {
      if (!issued.ok) return done({ ok: false, reason: issued.message });
      // Checked against the roots the node trusts now: a rotation may have moved them meanwhile.
      const roots = this.options.current().rootsPem;
      const checked = checkIssuedChain(issued.chainPem, roots, nodeTime(context), identity.nodeId);
      if (!checked.ok) return done({ ok: false, reason: checked.message });
      const renewed = withRoots({ ...this.options.current(), role: checked.role, chainPem: checked.chainPem, key }, roots);
      done({ ok: true, identity: renewed, notBefore: checked.leaf.notBefore, notAfter: checked.leaf.notAfter });
    });
  }

  /** The session cache of `identity`'s certificate: a fresh one whenever the certificate changed. */
  private cacheFor(identity: NodeIdentity): TlsSessionCache {
    const leaf = identity.chainPem[0] ?? "";
    if (leaf !== this.cachedFor) {
      this.sessionCache = new TlsSessionCache();
      this.cachedFor = leaf;
    }
    return this.sessionCache;
  }
}
