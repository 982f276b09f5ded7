/**
 * The bytes of a raft entry: a proposal's store actions as swarmkit's
 * InternalRaftRequest, with each node, network, service, task and the cluster
 * object written out as they stand after the change (api/raft.proto,
 * api/objects.proto). A removal carries the object as it stood before it.
 */

import forge from "node-forge";
import type { RootCa } from "../pki/index.js";
import type { Instant } from "../sim/index.js";
import type { ClusterState } from "./cluster-store.js";
import { encryptionKeyMessageOf, unixMicrosAt } from "./dispatcher-messages.js";
import { networkObjectOf } from "./network-object.js";
import { nodeObjectOf } from "./node-object.js";
import { type ClusterObject, type StoreActionMessage, decodeInternalRaftRequest, encodeInternalRaftRequest } from "./store-actions.js";
import { bareTaskObject } from "./task-messages.js";
import { serviceObjectOf, taskObjectOf } from "./task-object.js";
import type { EntryCodec, StoreAction } from "./store.js";

const encoder = new TextEncoder();
/** A root key's PEM, made once per root (PEM encoding of a 2048-bit key is not free). */
const keyPems = new WeakMap<RootCa, Uint8Array>();

function keyPemOf(root: RootCa): Uint8Array {
  let pem = keyPems.get(root);
  if (pem === undefined) {
    pem = encoder.encode(forge.pki.privateKeyToPem(root.key));
    keyPems.set(root, pem);
  }
  return pem;
}

/** The cluster object of `state` (objects.proto Cluster, the parts modelled). */
export function clusterObjectOf(state: ClusterState): ClusterObject {
  const rotation = state.rootRotation;
  return {
    id: state.clusterId,
    meta: { version: 0 },
    spec: {
      annotations: { name: "default" },
      dispatcher: {},
      caConfig: { nodeCertExpiryUs: state.certExpiry, forceRotate: state.forceRotate },
      encryptionConfig: { autoLockManagers: false },
    },
    rootCa: {
      caKey: keyPemOf(state.root),
      caCert: encoder.encode(state.root.certPem),
      caCertHash: `sha256:${state.root.digestHex}`,
      joinTokens: state.tokens,
      ...(rotation === undefined
        ? {}
        : { rootRotation: { caCert: encoder.encode(rotation.newRoot.certPem), caKey: keyPemOf(rotation.newRoot), crossSignedCaCert: encoder.encode(rotation.crossSignedPem) } }),
      lastForcedRotation: state.forceRotate,
    },
    networkBootstrapKeys: state.networkKeys.map(encryptionKeyMessageOf),
    encryptionKeyLamportClock: state.lamportClock,
    blacklistedCertificates: new Map([...state.removedNodes].map(([id, until]) => [id, { expiry: unixMicrosAt(until) }])),
  };
}

function messageOf(action: StoreAction, state: ClusterState): StoreActionMessage {
  switch (action.kind) {
    case "create-node":
      return { kind: "create", target: { node: nodeObjectOf(action.node) } };
    case "update-node":
      return { kind: "update", target: { node: nodeObjectOf(action.node) } };
    case "remove-node": {
      const node = state.nodes.get(action.nodeId);
      return { kind: "remove", target: { node: nodeObjectOf(node ?? removedPlaceholder(action.nodeId, state)) } };
    }
    case "update-cluster":
      return { kind: "update", target: { cluster: clusterObjectOf({ ...state, ...action.changes }) } };
    case "create-network":
      return { kind: "create", target: { network: networkObjectOf(action.network) } };
    case "remove-network": {
      const network = state.networks.get(action.networkId);
      if (network === undefined) throw new RangeError(`"networkId" expected a network of the store, got "${action.networkId}"`);
      return { kind: "remove", target: { network: networkObjectOf(network) } };
    }
    case "create-service":
    case "update-service":
      return { kind: action.kind === "create-service" ? "create" : "update", target: { service: serviceObjectOf(action.service) } };
    case "remove-service": {
      // A service already gone (two removals in flight) is named by its ID alone.
      const service = state.services.get(action.serviceId);
      const object = service === undefined ? { ...serviceObjectOf(placeholderService), id: action.serviceId } : serviceObjectOf(service);
      return { kind: "remove", target: { service: object } };
    }
    case "create-task":
    case "update-task":
      return { kind: action.kind === "create-task" ? "create" : "update", target: { task: taskObjectOf(action.task, state) } };
    case "remove-task": {
      const task = state.tasks.get(action.taskId);
      return { kind: "remove", target: { task: task === undefined ? bareTaskObject(action.taskId) : taskObjectOf(task, state) } };
    }
  }
}

/** The fields of a service that only its ID names. */
const placeholderService = {
  id: "",
  name: "",
  image: "",
  args: [],
  networks: [],
  replicas: 0,
  labels: {},
  virtualIps: [],
  version: 0,
  createdAt: 0 as Instant,
  updatedAt: 0 as Instant,
};

/** A removed node no longer in the store: only its ID matters to a remove action. */
function removedPlaceholder(nodeId: string, state: ClusterState) {
  const any = state.nodes.values().next().value;
  if (any === undefined) throw new RangeError(`"nodeId" expected a node of the store, got "${nodeId}"`);
  return { ...any, id: nodeId };
}

/** Entries as InternalRaftRequest bytes. */
export const storeEntryCodec: EntryCodec = {
  encode: (requestId, actions, state) => encodeInternalRaftRequest({ id: requestId, actions: actions.map((a) => messageOf(a, state)) }),
  requestIdOf: (data) => {
    const request = decodeInternalRaftRequest(data);
    return request.ok ? request.value.id : undefined;
  },
};
