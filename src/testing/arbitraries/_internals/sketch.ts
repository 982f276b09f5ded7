/**
 * What a generated timeline has done to the world so far, as far as choosing
 * the next sensible step needs to know: who is in the swarm with which role,
 * who is down or removed, the networks and services, the captured join
 * tokens and whether a rotation made them stale, and the faults in force.
 *
 * Generators draw intents ("promote the 3rd candidate"); the sketch turns each
 * into steps that make sense now, or none. Shrinking drops intents, and what
 * remains still makes sense: that is what makes generated timelines shrink well.
 */

import { commandStep, type ExpectedOutput, type StepDescription } from "../../../api/index.js";
import type { ClusterShape, ShapeNode } from "./shape.js";

/** A machine as the timeline has left it. */
export interface SketchNode extends ShapeNode {
  /** In a swarm, as the machine believes (a removed node believes so until it leaves). */
  member: boolean;
  /** The role it has, or will have once a promote or demote settles. */
  current: "manager" | "worker";
  crashed: boolean;
  /** Removed with `docker node rm`: its certificate is refused from then on. */
  removed: boolean;
}

/** A join token kept in a variable, and why it no longer works if it does not. */
export interface CapturedToken {
  readonly variable: string;
  readonly role: "manager" | "worker";
  stale: "rotated" | "root-rotated" | undefined;
}

/** A network a step created. */
export interface SketchNetwork {
  readonly name: string;
  /** Attached to a service at some point: `network rm` may be refused while tasks linger, so it is never removed. */
  used: boolean;
}

/** A service a step created. */
export interface SketchService {
  readonly name: string;
  readonly image: "nginx" | "radial/busyboxplus:curl";
  readonly network: string | undefined;
}

/** The world as the timeline has left it. */
export class Sketch {
  readonly nodes: SketchNode[];
  readonly networks: SketchNetwork[] = [];
  readonly services: SketchService[] = [];
  readonly tokens: CapturedToken[] = [];
  /** Names handed out so far, per kind, so every generated name is new. */
  private readonly counters = new Map<string, number>();
  /** Faults that a liveness epilogue must lift: partitions and blocks, changed links, control-plane rules, skewed clocks. */
  readonly inForce = { partitioned: false, links: new Map<string, readonly [string, string]>(), controlPlane: new Set<string>(), clocks: new Set<string>() };

  constructor(readonly shape: ClusterShape) {
    const auto = shape.bootstrap === "auto";
    this.nodes = shape.nodes.map((n) => ({ ...n, member: auto && n.joins, current: n.role, crashed: false, removed: false }));
  }

  /** The next name of a kind: `net-1`, `net-2`, ... */
  name(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${kind}-${n}`;
  }

  /** A command step on `on` (canonical: a bare string on the first manager when it expects nothing more). */
  command(run: string, on: string, options: { readonly expect?: ExpectedOutput; readonly capture?: string } = {}): StepDescription {
    return commandStep(run, { on, firstManager: this.shape.firstManager, ...options });
  }

  /** Up, in the swarm and not removed. */
  live(): SketchNode[] {
    return this.nodes.filter((n) => n.member && !n.removed && !n.crashed);
  }

  /** The manager commands run on: the first live one, in the cluster's order. */
  operator(except?: string): SketchNode | undefined {
    return this.live().find((n) => n.current === "manager" && n.name !== except);
  }

  /** Members (down or up) that are managers: raft's voters once settled. */
  managers(): SketchNode[] {
    return this.nodes.filter((n) => n.member && !n.removed && n.current === "manager");
  }

  /** Whether crashing `node` leaves a majority of the managers up. */
  keepsQuorumWithout(node: SketchNode): boolean {
    if (!node.member || node.removed || node.current !== "manager") return true;
    const managers = this.managers();
    const up = managers.filter((m) => !m.crashed).length - 1;
    return up > managers.length / 2;
  }

  /** Machines outside any swarm, up: candidates to join. */
  spares(): SketchNode[] {
    return this.nodes.filter((n) => !n.member && !n.crashed);
  }

  /** The token in a variable that still admits `role`, if one was captured since the last rotation. */
  freshToken(role: "manager" | "worker"): CapturedToken | undefined {
    return this.tokens.find((t) => t.role === role && t.stale === undefined);
  }

  /** `docker swarm join-token --rotate ROLE`: the role's captured tokens stop working. */
  rotateToken(role: "manager" | "worker"): void {
    for (const t of this.tokens) if (t.role === role && t.stale === undefined) t.stale = "rotated";
  }

  /** `docker swarm ca --rotate`: a new root, a new digest in every token. */
  rotateRoot(): void {
    for (const t of this.tokens) t.stale = "root-rotated";
  }
}

/** Picks the `pick`-th of `candidates`, wrapping around; undefined when there are none. */
export function choose<T>(candidates: readonly T[], pick: number): T | undefined {
  return candidates.length === 0 ? undefined : candidates[pick % candidates.length];
}
