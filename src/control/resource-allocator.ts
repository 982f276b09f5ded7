/**
 * The ResourceAllocator service (swarmkit manager/resourceapi/allocator.go),
 * on the leader: an engine attaching a standalone container to a swarm
 * network (`docker run --network` on an attachable overlay) asks for a task
 * that stands for the attachment; the allocator gives it an address, the
 * scheduler confirms it on the caller's node, and the dispatcher hands it
 * to the node, which reads its address there. DetachNetwork deletes it.
 */

import { newId } from "../pki/index.js";
import type { Rng, Simulation } from "../sim/index.js";
import type { TlsPeer } from "../tls/index.js";
import { ResourceAllocatorMethod, decodeAttachNetworkRequest, decodeAttachmentId, encodeAttachmentId } from "./assignment-messages.js";
import type { StoredNetwork, StoredTask } from "./cluster-store.js";
import { callerIdOf } from "./dispatcher.js";
import type { MethodHandler, Reply } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import { createdMessage, invalidArgumentMessage } from "./task-constants.js";
import type { TaskWriter } from "./task-writer.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A node's engine attached a container to a network, or detached it. */
    "resource.attachment": { nodeId: string; attachmentId: string; networkId: string; attached: boolean };
  }
}

/** What the allocator service runs with. */
export interface ResourceAllocatorOptions {
  readonly sim: Simulation;
  /** Where attachment task IDs are drawn. */
  readonly rng: Rng;
  readonly writer: TaskWriter;
  /** The manager's name, for traces. */
  readonly node: string;
}

/** allocator.go AttachNetwork: the network by ID, else by name when exactly one has it. */
function findNetwork(networks: ReadonlyMap<string, StoredNetwork>, target: string): StoredNetwork | undefined {
  const byId = networks.get(target);
  if (byId !== undefined) return byId;
  const named = [...networks.values()].filter((n) => n.name === target);
  return named.length === 1 ? named[0] : undefined;
}

/** The leader's ResourceAllocator. */
export class ResourceAllocator {
  constructor(private readonly options: ResourceAllocatorOptions) {}

  /** The RPC methods it serves, by gRPC path. */
  methods(): Map<string, MethodHandler<TlsPeer | null>> {
    const serve = (handle: (nodeId: string, body: Uint8Array, reply: Reply) => void): MethodHandler<TlsPeer | null> => (peer, body, reply, forwarded) => {
      const caller = callerIdOf(this.options.writer.store, peer, forwarded);
      if (!caller.ok) return reply.error(caller.code, caller.message);
      handle(caller.nodeId, body, reply);
    };
    return new Map([
      [ResourceAllocatorMethod.attachNetwork, serve((nodeId, body, reply) => this.attach(nodeId, body, reply))],
      [ResourceAllocatorMethod.detachNetwork, serve((nodeId, body, reply) => this.detach(nodeId, body, reply))],
    ]);
  }

  /**
   * allocator.go AttachNetwork: refused with NotFound for an unknown network
   * and PermissionDenied for one not attachable (the ingress network among
   * them), each naming the network as the caller did; else a task with no
   * service, on the caller's node, for the container.
   */
  private attach(nodeId: string, body: Uint8Array, reply: Reply): void {
    const request = decodeAttachNetworkRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed attach request: ${request.reason}`);
    const config = request.value.config;
    if (config === undefined) return reply.error(GrpcCode.invalidArgument, invalidArgumentMessage);
    const { writer, sim } = this.options;
    const network = findNetwork(writer.store.state.networks, config.target);
    if (network === undefined) return reply.error(GrpcCode.notFound, `network ${config.target} not found`);
    if (!network.attachable) return reply.error(GrpcCode.permissionDenied, `network ${config.target} not manually attachable`);
    const task: StoredTask = {
      id: newId(this.options.rng),
      serviceId: "",
      slot: 0,
      nodeId,
      desiredState: "running",
      state: "new",
      message: createdMessage,
      err: "",
      stateAt: sim.now,
      containerId: "",
      exitCode: 0,
      attachmentContainerId: request.value.containerId,
      networks: [{ networkId: network.id, addresses: [] }],
      version: 1,
      createdAt: sim.now,
    };
    writer.propose([{ kind: "create-task", task }], (result) => {
      if (!result.ok) return reply.error(GrpcCode.unavailable, result.reason);
      sim.trace.record("resource.attachment", { nodeId, attachmentId: task.id, networkId: network.id, attached: true }, this.options.node);
      reply.ok(encodeAttachmentId({ attachmentId: task.id }));
    });
  }

  /** allocator.go DetachNetwork: only the node the attachment belongs to may delete it. */
  private detach(nodeId: string, body: Uint8Array, reply: Reply): void {
    const request = decodeAttachmentId(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed detach request: ${request.reason}`);
    const attachmentId = request.value.attachmentId;
    if (attachmentId === "") return reply.error(GrpcCode.invalidArgument, invalidArgumentMessage);
    const { writer, sim } = this.options;
    const task = writer.view().tasks.get(attachmentId);
    if (task === undefined) return reply.error(GrpcCode.notFound, `attachment ${attachmentId} not found`);
    if (task.nodeId !== nodeId) return reply.error(GrpcCode.permissionDenied, `attachment ${attachmentId} doesn't belong to this node`);
    writer.propose([{ kind: "remove-task", taskId: attachmentId }], (result) => {
      if (!result.ok) return reply.error(GrpcCode.unavailable, result.reason);
      sim.trace.record("resource.attachment", { nodeId, attachmentId, networkId: task.networks[0]?.networkId ?? "", attached: false }, this.options.node);
      reply.ok(new Uint8Array(0));
    });
  }
}
