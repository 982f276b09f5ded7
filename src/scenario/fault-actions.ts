/**
 * What a fault step does to the running cluster, and how a report and the
 * trace name it (`crash manager-1`, `control-plane worker-1 loss 30%`).
 */

import { controlPlanePort } from "../control/index.js";
import { type TrafficRule, type TrafficRuleSpec, describeLatency } from "../net/index.js";
import { duration, formatDuration } from "../sim/index.js";
import type { Cluster } from "../swarm/index.js";
import type { ControlPlaneChange, Fault, LinkChange } from "./types.js";

/** Parts per million in one percent, to print loss as a scenario writes it. */
const PPM_PER_PERCENT = 10_000;

/** The fault as a person would write it, for the report and the `step` trace record. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "crash":
    case "restart":
    case "isolate":
      return `${fault.kind} ${fault.node}`;
    case "partition":
      return `partition ${fault.groups.map((group) => `[${group.join(", ")}]`).join(" ")}`;
    case "block":
      return `block ${fault.from.join(", ")} -> ${fault.to.join(", ")}`;
    case "heal":
      return "heal";
    case "link":
      return `link ${fault.from} ${fault.oneWay ? "->" : "<->"} ${fault.to} ${describeLinkChange(fault.change)}`;
    case "control-plane":
      return `control-plane ${fault.node} ${describeControlPlaneChange(fault.change)}`;
    case "clock":
      return `clock ${fault.node} skew ${fault.skewUs < 0 ? "-" : "+"}${formatDuration(duration(Math.abs(fault.skewUs)))}`;
  }
}

function describeLoss(lossPpm: number): string {
  return `loss ${lossPpm / PPM_PER_PERCENT}%`;
}

function describeLinkChange(change: LinkChange): string {
  if (change === "reset") return "reset";
  const parts: string[] = [];
  if (change.latency !== undefined) parts.push(`latency ${describeLatency(change.latency)}`);
  if (change.lossPpm !== undefined) parts.push(describeLoss(change.lossPpm));
  return parts.join(" ");
}

function describeControlPlaneChange(change: ControlPlaneChange): string {
  if (change === "clear") return "clear";
  const parts: string[] = [];
  if (change.delay !== undefined) parts.push(`delay ${formatDuration(change.delay)}`);
  if (change.lossPpm === 100 * PPM_PER_PERCENT) parts.push("drop");
  else if (change.lossPpm !== undefined) parts.push(describeLoss(change.lossPpm));
  return parts.join(" ");
}

/**
 * Puts faults on one cluster. It remembers each node's control-plane rule, so
 * a later `control-plane` step for the node replaces it and `clear` lifts it.
 */
export class FaultInjector {
  private readonly controlPlaneRules = new Map<string, TrafficRule>();

  constructor(private readonly cluster: Cluster) {}

  /** Applies `fault` now. Names were checked when the scenario loaded. */
  apply(fault: Fault): void {
    const fabric = this.cluster.fabric;
    switch (fault.kind) {
      case "crash":
        return this.cluster.crashNode(fault.node);
      case "restart":
        return this.cluster.restartNode(fault.node);
      case "partition":
        return fabric.partition(fault.groups);
      case "isolate":
        return fabric.isolate(fault.node);
      case "block":
        return fabric.block(fault.from, fault.to);
      case "heal":
        return fabric.heal();
      case "link":
        if (fault.change === "reset") return fabric.clearLink(fault.from, fault.to, { oneWay: fault.oneWay });
        return fabric.setLink(fault.from, fault.to, fault.change, { oneWay: fault.oneWay });
      case "control-plane":
        return this.setControlPlane(fault.node, fault.change);
      case "clock":
        return this.cluster.setClockSkew(fault.node, fault.skewUs);
    }
  }

  /**
   * The node's control-plane traffic is every TCP packet it sends or receives
   * with port 2377 at either end: connections into its own manager endpoint
   * (requests in, answers out) and its own connections to other managers
   * (requests out, answers in), as a firewall rule on the node would see them.
   */
  private setControlPlane(node: string, change: ControlPlaneChange): void {
    this.controlPlaneRules.get(node)?.remove();
    this.controlPlaneRules.delete(node);
    if (change === "clear") return;
    const rule: TrafficRuleSpec = {
      host: node,
      protocol: "tcp",
      port: controlPlanePort,
      ...(change.delay === undefined ? {} : { delay: change.delay }),
      ...(change.lossPpm === undefined ? {} : { drop: { lossPpm: change.lossPpm } }),
    };
    this.controlPlaneRules.set(node, this.cluster.fabric.addRule(rule));
  }
}
