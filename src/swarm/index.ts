/** The swarm: the world (Cluster), its nodes, and the docker CLI they answer. */
export { type HeldNetworkKey, heldNetworkKeys } from "./keyrings.js";
export type { NodeRole, NodeOs, NodeSpec, NodeAvailability, ClusterSpec, BootstrapMode, LatencySpec, UnderlaySpec } from "./spec.js";
export { type ClusterOptions, type DockerContext, Cluster, defaultRegistry, espSaFileName } from "./cluster.js";
export { SwarmNode } from "./node.js";
export {
  type CommandOutput,
  type CommandResult,
  type CommandHandler,
  type DeferredCommand,
  CommandRegistry,
  ok,
  fail,
  unknownCommand,
  deferred,
  isDeferred,
} from "./docker/registry.js";
export { type SplitResult, splitCommandLine, joinCommandLine, expandVariables, referencedVariables } from "./docker/argv.js";
export { type CommandSpec, type FlagSpec, type FlagType, type FlagValue, type ParsedCommand, type ParseOutcome, parseCommand } from "./docker/command.js";
export { MODELLED_ENGINE, dockerVersion } from "./docker/version.js";
export { keyringTable, gossipTable } from "./keyrings.js";
export { type WirePath, WireCensus, wirePaths, wirePathOf, indexOfBytes } from "./wire-census.js";
