/**
 * Root CA rotation (`docker swarm ca --rotate`): swarmkit
 * manager/controlapi/ca_rotation.go starts it, ca/server.go signs with the new
 * key meanwhile, ca/reconciler.go drives every node to a certificate of the new
 * root and then finishes it.
 *
 * 1. A new root is made and cross-signed by the current root's key. The
 *    current root, its digest and the join tokens stay as they are.
 * 2. The CA signs with the new key and sends the cross-signed certificate with
 *    every leaf, so new leaves verify under the old root and the new one.
 * 3. Every 3 s the reconciler marks up to 30 nodes whose reported issuer is not
 *    the new root ROTATE; each renews (a forced renewal) and reports its issuer.
 * 4. When no node is left: the new root becomes the root, the digest changes,
 *    both join tokens are regenerated, the intermediate is dropped.
 *
 * Trust does not change until the end: managers and nodes trust the current
 * root only (ca/server.go builds the managers' pool from `RootCA.CACert`, and
 * the dispatcher sends nodes that same certificate), and a new leaf verifies
 * under it through the cross-signed intermediate. Nodes hear of ROTATE, and of
 * the new root at the end, through their session messages (the node object's
 * certificate state, and the root CA).
 */

import {
  type KeyCache,
  type RootCa,
  createRootCa,
  crossSignRoot,
  generateJoinToken,
  rootRotationReconcileIntervalUs,
  rootSigner,
  rotationSigner,
} from "../pki/index.js";
import { type EventHandle, type Rng, type Simulation, duration } from "../sim/index.js";
import type { ClusterFields, ClusterState, IssuanceStateName, RootRotation, StoredNode } from "./cluster-store.js";
import { type IssuerInfo, issuerInfoOf } from "./identity.js";
import type { ClusterStore, Proposer, StoreAction } from "./store.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A root rotation started: the current root's digest and the new one's. */
    "ca.rotation-start": { caDigest: string; newCaDigest: string };
    /** The reconciler asked these nodes to renew (ROTATE); `unconverged` nodes still lack a certificate of the new root. */
    "ca.rotation-rotate": { nodeIds: string[]; unconverged: number };
    /** Every node holds a certificate of the new root: it is the root now, with new join tokens. */
    "ca.rotation-done": { caDigest: string };
  }
}

/** Nodes marked ROTATE per reconciliation at most. swarmkit ca/reconciler.go `IssuanceStateRotateMaxBatchSize`. */
export const rotateMaxBatchSize = 30;

/** A node in these states already has a request under way and is not marked (ca/reconciler.go). */
const busyStates: ReadonlySet<IssuanceStateName> = new Set(["renew", "pending", "rotate"]);

/**
 * The roots every member trusts: the cluster's root (`RootCA.CACert`), during a
 * rotation too. swarmkit ca/server.go UpdateRootCA makes the managers' pool of
 * it alone (only an external CA is given the new root as well), and the
 * dispatcher's session messages carry it to the nodes.
 *
 * @example
 * ```ts
 * new TrustStore(trustedRootsPem(state));
 * ```
 */
export function trustedRootsPem(state: ClusterState): string[] {
  return [state.root.certPem];
}

/**
 * The issuer nodes' certificates should have: the new root during a rotation,
 * else the root. swarmkit ca/reconciler.go IssuerFromAPIRootCA.
 */
export function desiredIssuer(state: ClusterState): IssuerInfo {
  return issuerInfoOf((state.rootRotation?.newRoot ?? state.root).certPem);
}

/** Whether a node reported a certificate from `issuer`. swarmkit ca/reconciler.go hasIssuer. */
export function hasIssuer(node: StoredNode, issuer: IssuerInfo): boolean {
  return node.tlsInfo?.certIssuerSubject === issuer.subject && node.tlsInfo.certIssuerPublicKey === issuer.publicKey;
}

/** What starting a rotation needs. */
export interface RotationRequest {
  readonly sim: Simulation;
  /** The manager's stream: the new root and the new tokens are drawn from forks of it. */
  readonly rng: Rng;
  /** RSA modulus size of the new root key. */
  readonly rsaBits: number;
  /** The manager's name, for trace records. */
  readonly node: string;
  /** Where the new root key is looked up before being drawn. */
  readonly keyCache?: KeyCache;
}

/**
 * The change that starts a rotation to a new root (controlapi ca_rotation.go
 * with no certificate given: a new root, cross-signed by the current key). A
 * rotation already under way is replaced: the new target is cross-signed by
 * the current root too.
 */
export function rootRotationStart(state: ClusterState, request: RotationRequest): Partial<ClusterFields> {
  const forceRotate = state.forceRotate + 1;
  const generation = forceRotate + 1;
  const keyOptions = { bits: request.rsaBits, ...(request.keyCache === undefined ? {} : { cache: request.keyCache }) };
  const newRoot: RootCa = createRootCa(request.rng.fork(`root-ca-${generation}`), request.sim.now, keyOptions);
  const rotation: RootRotation = { newRoot, crossSignedPem: crossSignRoot(newRoot, state.root) };
  request.sim.trace.record("ca.rotation-start", { caDigest: state.root.digestHex, newCaDigest: newRoot.digestHex }, request.node);
  return { forceRotate, rootRotation: rotation, signer: rotationSigner(newRoot, rotation.crossSignedPem) };
}

/**
 * The leader's root rotation reconciler (swarmkit ca/reconciler.go
 * rootRotationReconciler): runs at once, then every 3 s, until the rotation it
 * was started for is finished or replaced.
 */
export class RootRotationReconciler {
  private timer: EventHandle | undefined;

  constructor(
    private readonly store: ClusterStore,
    private readonly proposer: Proposer,
    private readonly request: Omit<RotationRequest, "rsaBits" | "keyCache">,
  ) {}

  private get state(): ClusterState {
    return this.store.state;
  }

  /** (Re)starts the loop for the rotation in progress, if any. */
  start(): void {
    this.stop();
    const target = this.state.rootRotation;
    if (target !== undefined) this.timer = this.request.sim.scheduler.after(duration(0), "ca.reconcile", () => this.reconcile(target));
  }

  /** Stops the loop (the manager stops). */
  stop(): void {
    if (this.timer !== undefined) this.request.sim.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  private reconcile(target: RootRotation): void {
    this.timer = undefined;
    if (this.state.rootRotation !== target) return; // replaced by another rotation, or finished
    const issuer = issuerInfoOf(target.newRoot.certPem);
    const unconverged = [...this.state.nodes.values()].filter((node) => !hasIssuer(node, issuer));
    if (unconverged.length === 0) return this.finish(target);
    const batch = unconverged.filter((node) => !busyStates.has(node.certificate.state)).slice(0, rotateMaxBatchSize);
    if (batch.length > 0) {
      const actions: StoreAction[] = batch.map((node) => ({ kind: "update-node", node: { ...node, certificate: { ...node.certificate, state: "rotate" } } }));
      this.store.update(this.proposer, actions);
    }
    this.request.sim.trace.record("ca.rotation-rotate", { nodeIds: batch.map((n) => n.id), unconverged: unconverged.length }, this.request.node);
    this.timer = this.request.sim.scheduler.after(rootRotationReconcileIntervalUs, "ca.reconcile", () => this.reconcile(target));
  }

  /** ca/reconciler.go finishRootRotation: the new root, its digest and new tokens; the intermediate is dropped. */
  private finish(target: RootRotation): void {
    const tokens = this.request.rng.fork(`join-tokens-${this.state.forceRotate + 1}`);
    const changes: Partial<ClusterFields> = {
      root: target.newRoot,
      signer: rootSigner(target.newRoot),
      rootRotation: undefined,
      tokens: { worker: generateJoinToken(target.newRoot.digestHex, tokens), manager: generateJoinToken(target.newRoot.digestHex, tokens) },
    };
    this.store.update(this.proposer, [{ kind: "update-cluster", changes }], (result) => {
      if (result.ok) this.request.sim.trace.record("ca.rotation-done", { caDigest: target.newRoot.digestHex }, this.request.node);
      else this.timer = this.request.sim.scheduler.after(rootRotationReconcileIntervalUs, "ca.reconcile", () => this.reconcile(target));
    });
  }
}
