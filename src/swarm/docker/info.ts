/**
 * `docker info`: the client, and the engine's swarm section as docker/cli's
 * `cli/command/system/info.go` prints it (printSwarmInfo). Only what the
 * simulator models is shown; the engine's storage, plugins and resources are
 * left out.
 */

import type { DockerContext } from "../cluster.js";
import { type CommandSpec, parseCommand } from "./command.js";
import { humanDuration } from "./human-duration.js";
import { type CommandResult, ok } from "./registry.js";
import { MODELLED_ENGINE } from "./version.js";

const spec: CommandSpec = { path: "docker info", use: "[OPTIONS]", short: "Display system-wide information", flags: [], args: { exactly: 0 } };

/** The `Swarm:` lines for the node's membership. */
function swarmLines({ cluster, node }: DockerContext): string[] {
  const m = node.membership;
  if (m.state === "inactive") return [" Swarm: inactive"];
  if (m.state === "pending") return [" Swarm: pending", `  Node Address: ${node.host.ip}`];
  const identity = m.identity;
  const lines = [" Swarm: active", `  NodeID: ${identity.nodeId}`, `  Is Manager: ${m.manager !== undefined}`];
  const state = m.manager?.state;
  if (state !== undefined) {
    const nodes = [...state.nodes.values()];
    lines.push(
      `  ClusterID: ${state.clusterId}`,
      `  Managers: ${nodes.filter((n) => n.role === "manager").length}`,
      `  Nodes: ${nodes.length}`,
      "  Data Path Port: 4789",
      "  Orchestration:",
      "   Task History Retention Limit: 5",
      "  Raft:",
      "   Snapshot Interval: 10000",
      "   Number of Old Snapshots to Retain: 0",
      "   Heartbeat Tick: 1",
      "   Election Tick: 10",
      "  Dispatcher:",
      "   Heartbeat Period: 5 seconds",
      "  CA Configuration:",
      `   Expiry Duration: ${humanDuration(state.certExpiry)}`,
      `   Force Rotate: ${state.forceRotate}`,
      "  Autolock Managers: false",
      `  Root Rotation In Progress: ${state.rootRotation !== undefined}`,
    );
  }
  const managers = [...cluster.nodes.values()].filter((n) => n.manager !== undefined && n.identity?.clusterId === identity.clusterId);
  lines.push(`  Node Address: ${node.host.ip}`, "  Manager Addresses:", ...managers.map((n) => `   ${n.host.ip}:2377`).sort());
  return lines;
}

/** `docker info`. */
export function dockerInfo(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(spec, words);
  if (!parsed.ok) return parsed.output;
  const os = context.node.os;
  return ok(
    [
      "Client:",
      ` Version:    ${MODELLED_ENGINE.version}`,
      " Context:    default",
      " Debug Mode: false",
      "",
      "Server:",
      ` Server Version: ${MODELLED_ENGINE.version}`,
      ...swarmLines(context),
      ` OSType: ${os}`,
      " Architecture: x86_64",
      ` Name: ${context.node.name}`,
      "",
    ].join("\n"),
  );
}
