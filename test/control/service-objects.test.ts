import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AssignmentsMessage,
  type AttachNetworkRequest,
  type ClusterState,
  type ServiceObject,
  type StoredNetwork,
  type StoredService,
  type StoredTask,
  type TaskObject,
  type UpdateTaskStatusRequest,
  TaskStateCode,
  decodeAssignmentsMessage,
  decodeAttachNetworkRequest,
  decodeInternalRaftRequest,
  decodeServiceObject,
  decodeTaskObject,
  decodeUpdateTaskStatusRequest,
  encodeAssignmentsMessage,
  encodeAttachNetworkRequest,
  encodeServiceObject,
  encodeTaskObject,
  encodeUpdateTaskStatusRequest,
  networkObjectOf,
  serviceObjectOf,
  storeEntryCodec,
  storedServiceOf,
  storedTaskOf,
  taskObjectOf,
} from "../../src/control/index.js";
import { decodeStoreAction, encodeStoreAction } from "../../src/control/store-actions.js";
import type { Instant } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";
import { storedNetwork } from "./services-support.js";

const text = fc.string({ unit: "binary", maxLength: 12 });
const u64 = fc.maxSafeNat();
const arbStringMap = fc.uniqueArray(fc.tuple(text, text), { selector: ([k]) => k, maxLength: 3 }).map((entries) => new Map(entries));
const arbAnnotations = fc.record({ name: text, labels: arbStringMap });
const arbMeta = fc.record({ version: u64, createdAt: u64, updatedAt: u64 }, { requiredKeys: ["version"] });
const arbConfig = fc.record({ target: text, aliases: fc.array(text, { maxLength: 2 }), addresses: fc.array(text, { maxLength: 2 }) });
const arbRuntime = fc.oneof(
  fc.record({ container: fc.record({ image: text, args: fc.array(text, { maxLength: 3 }) }) }),
  fc.record({ attachment: fc.record({ containerId: text }) }),
);
const arbTaskSpec = fc.record(
  { runtime: arbRuntime, restart: fc.record({ condition: fc.nat(2), delayUs: u64 }, { requiredKeys: ["condition"] }), networks: fc.array(arbConfig, { maxLength: 2 }) },
  { requiredKeys: ["networks"] },
);
const arbEndpoint = fc.record({ specMode: fc.nat(1), virtualIps: fc.array(fc.record({ networkId: text, addr: text }), { maxLength: 2 }) }, { requiredKeys: ["virtualIps"] });
const arbNetwork = fc.record({
  id: text,
  meta: arbMeta,
  spec: fc.record({
    annotations: arbAnnotations,
    driverConfig: fc.record({ name: text, options: arbStringMap }),
    ipv6Enabled: fc.boolean(),
    internal: fc.boolean(),
    ipam: fc.record({ driver: fc.record({ name: text, options: arbStringMap }), configs: fc.array(fc.record({ subnet: text, gateway: text }), { maxLength: 1 }) }),
    attachable: fc.boolean(),
    ingress: fc.boolean(),
  }),
  driverState: fc.record({ name: text, options: arbStringMap }),
  ipam: fc.record({ driver: fc.record({ name: text, options: arbStringMap }), configs: fc.array(fc.record({ subnet: text, gateway: text }), { maxLength: 1 }) }),
});

const arbService: fc.Arbitrary<ServiceObject> = fc.record(
  {
    id: text,
    meta: arbMeta,
    spec: fc.record(
      {
        annotations: arbAnnotations,
        task: arbTaskSpec,
        mode: fc.oneof(fc.record({ replicated: fc.record({ replicas: u64 }) }), fc.constant({ global: true as const })),
        endpointMode: fc.nat(1),
      },
      { requiredKeys: ["annotations", "task"] },
    ),
    endpoint: arbEndpoint,
  },
  { requiredKeys: ["id", "meta", "spec"] },
);

const arbStatus = fc.record(
  { timestamp: u64, state: fc.constantFrom(...Object.values(TaskStateCode)), message: text, err: text, container: fc.record({ containerId: text, pid: fc.nat(), exitCode: fc.nat(255) }) },
  { requiredKeys: ["state", "message", "err"] },
);

const arbTask: fc.Arbitrary<TaskObject> = fc.record(
  {
    id: text,
    meta: arbMeta,
    spec: arbTaskSpec,
    serviceId: text,
    slot: u64,
    nodeId: text,
    annotations: arbAnnotations,
    serviceAnnotations: arbAnnotations,
    status: arbStatus,
    desiredState: fc.constantFrom(...Object.values(TaskStateCode)),
    networks: fc.array(fc.record({ network: arbNetwork, addresses: fc.array(text, { maxLength: 2 }), aliases: fc.array(text, { maxLength: 1 }) }, { requiredKeys: ["addresses", "aliases"] }), { maxLength: 2 }),
    endpoint: arbEndpoint,
  },
  { requiredKeys: ["id", "meta", "spec", "serviceId", "slot", "nodeId", "annotations", "serviceAnnotations", "status", "desiredState", "networks"] },
);

const arbAssignments: fc.Arbitrary<AssignmentsMessage> = fc.record({
  type: fc.nat(1),
  appliesTo: text,
  resultsIn: text,
  changes: fc.array(fc.record({ task: arbTask, action: fc.nat(1) }, { requiredKeys: ["action"] }), { maxLength: 2 }),
});

const arbStatusUpdate: fc.Arbitrary<UpdateTaskStatusRequest> = fc.record({
  sessionId: text,
  updates: fc.array(fc.record({ taskId: text, status: arbStatus }, { requiredKeys: ["taskId"] }), { maxLength: 3 }),
});

const arbAttach: fc.Arbitrary<AttachNetworkRequest> = fc.record({ config: arbConfig, containerId: text }, { requiredKeys: ["containerId"] });

/** A small service, its bytes worked out by hand from objects.proto and specs.proto. */
const webService: ServiceObject = {
  id: "s",
  meta: { version: 0 },
  spec: {
    annotations: { name: "w", labels: new Map() },
    task: { runtime: { container: { image: "i", args: ["a"] } }, networks: [{ target: "n", aliases: [], addresses: [] }] },
    mode: { replicated: { replicas: 2 } },
    endpointMode: 0,
  },
  endpoint: { specMode: 0, virtualIps: [{ networkId: "n", addr: "10.0.1.2/24" }] },
};
const webServiceHex = [
  "0a0173", // id "s"
  "12020a00", // meta {version {}}
  "1a1a", // spec:
  "0a030a0177", //   annotations {name "w"}
  "120d 0a060a0169220161 3a030a016e", //   task {container (1) {image "i", args (4) "a"}, networks (7) {target "n"}}
  "1a020802", //   replicated (3) {replicas 2}
  "4200", //   endpoint (8) {mode VIP}
  "2214 0a00 1a10 0a016e 120b 31302e302e312e322f3234", // endpoint (4) {spec {}, virtual_ips (3) {network_id "n", addr "10.0.1.2/24"}}
]
  .join("")
  .replace(/ /g, "");

describe("service and task objects, checked by hand", () => {
  it("writes a service with objects.proto's and specs.proto's field numbers", () => {
    expect(hex(encodeServiceObject(webService))).toBe(webServiceHex);
    expect(decodeServiceObject(bytes(webServiceHex))).toEqual({ ok: true, value: webService });
  });

  it("numbers the task states as types.proto does, rising with a task's life", () => {
    expect(TaskStateCode).toEqual({ new: 0, pending: 64, assigned: 192, accepted: 256, preparing: 320, ready: 384, starting: 448, running: 512, complete: 576, shutdown: 640, failed: 704, rejected: 768, remove: 800, orphaned: 832 });
  });

  it("writes a task's status (9) and desired state (10), and its networks whole (11)", () => {
    const task: TaskObject = {
      id: "t",
      meta: { version: 0 },
      spec: { networks: [] },
      serviceId: "",
      slot: 0,
      nodeId: "",
      annotations: { name: "", labels: new Map() },
      serviceAnnotations: { name: "", labels: new Map() },
      status: { state: TaskStateCode.running, message: "", err: "" },
      desiredState: TaskStateCode.running,
      networks: [{ addresses: ["10.0.1.3/24"], aliases: [] }],
    };
    // id; meta {version {}}; spec {}; annotations {}; service_annotations {}; status {state 512 = 80 04}; desired_state 512; networks {addresses "10.0.1.3/24"}
    const expected = "0a0174 12020a00 1a00 3a00 4200 4a03 108004 508004 5a0d 120b 31302e302e312e332f3234".replace(/ /g, "");
    expect(hex(encodeTaskObject(task))).toBe(expected);
    expect(decodeTaskObject(bytes(expected))).toEqual({ ok: true, value: task });
  });

  it("refuses a task spec with both a container and an attachment", () => {
    const d = decodeTaskObject(bytes("1a04 0a00 4200".replace(/ /g, "")));
    expect(d).toEqual({ ok: false, reason: "spec: task spec with 2 runtimes" });
  });
});

describe("service and task messages round-trip", () => {
  it("round-trips any service object", () => {
    fc.assert(
      fc.property(arbService, (s) => {
        expect(decodeServiceObject(encodeServiceObject(s))).toEqual({ ok: true, value: s });
      }),
      { seed: 601, numRuns: propertyRuns(200) },
    );
  });

  it("round-trips any task object", () => {
    fc.assert(
      fc.property(arbTask, (t) => {
        expect(decodeTaskObject(encodeTaskObject(t))).toEqual({ ok: true, value: t });
      }),
      { seed: 602, numRuns: propertyRuns(200) },
    );
  });

  it("round-trips Assignments messages, status updates and attach requests", () => {
    fc.assert(
      fc.property(arbAssignments, arbStatusUpdate, arbAttach, (a, u, r) => {
        expect(decodeAssignmentsMessage(encodeAssignmentsMessage(a))).toEqual({ ok: true, value: a });
        expect(decodeUpdateTaskStatusRequest(encodeUpdateTaskStatusRequest(u))).toEqual({ ok: true, value: u });
        expect(decodeAttachNetworkRequest(encodeAttachNetworkRequest(r))).toEqual({ ok: true, value: r });
      }),
      { seed: 603, numRuns: propertyRuns(150) },
    );
  });

  it("never throws on hostile bytes, and gives a reason when it refuses", () => {
    const decoders = [decodeServiceObject, decodeTaskObject, decodeAssignmentsMessage, decodeUpdateTaskStatusRequest, decodeAttachNetworkRequest];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => {
        for (const decode of decoders) {
          const d = decode(b);
          if (!d.ok) expect(d.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: 604, numRuns: propertyRuns(2000) },
    );
  });
});

const network: StoredNetwork = storedNetwork({ id: "net0000000000000000000001", options: { encrypted: "" }, createdAt: 5 as Instant });

const service: StoredService = {
  id: "svc000000000000000000001a",
  name: "web",
  image: "nginx:alpine",
  args: ["nginx", "-g", ""],
  networks: [network.id],
  replicas: 3,
  labels: { team: "blue" },
  virtualIps: [{ networkId: network.id, addr: "10.0.1.2/24" }],
  version: 4,
  createdAt: 1_000 as Instant,
  updatedAt: 2_000_000 as Instant,
};

const task: StoredTask = {
  id: "task00000000000000000001a",
  serviceId: service.id,
  slot: 2,
  nodeId: "node0000000000000000001a",
  desiredState: "running",
  state: "running",
  message: "started",
  err: "",
  stateAt: 3_000_000 as Instant,
  containerId: "c".repeat(64),
  exitCode: 0,
  attachmentContainerId: "",
  networks: [{ networkId: network.id, addresses: ["10.0.1.4/24"] }],
  version: 7,
  createdAt: 2_500_000 as Instant,
  container: { serviceName: "web", image: "nginx:alpine", args: ["nginx", "-g", ""] },
};

const state = { networks: new Map([[network.id, network]]), services: new Map([[service.id, service]]), tasks: new Map([[task.id, task]]) } as unknown as ClusterState;

describe("stored services and tasks as API objects", () => {
  it("a stored service comes back from its object's bytes", () => {
    const decoded = decodeServiceObject(encodeServiceObject(serviceObjectOf(service)));
    expect(decoded.ok && storedServiceOf(decoded.value)).toEqual({ ok: true, value: service });
  });

  it("a stored task comes back from its object's bytes, its network carried whole", () => {
    const object = taskObjectOf(task, state);
    expect(object.networks[0]!.network).toEqual(networkObjectOf(network));
    expect(object.endpoint?.virtualIps).toEqual(service.virtualIps);
    const decoded = decodeTaskObject(encodeTaskObject(object));
    expect(decoded.ok && storedTaskOf(decoded.value)).toEqual({ ok: true, value: task });
  });

  it("a network attachment comes back too, with its container and no service", () => {
    const attachment: StoredTask = { ...task, serviceId: "", slot: 0, attachmentContainerId: "d".repeat(64), container: undefined, networks: [{ networkId: network.id, addresses: [] }], state: "new" };
    const { container: _, ...withoutContainer } = attachment;
    const decoded = decodeTaskObject(encodeTaskObject(taskObjectOf(attachment, state)));
    expect(decoded.ok && storedTaskOf(decoded.value)).toEqual({ ok: true, value: withoutContainer });
  });

  it("refuses a task object whose state is not a TaskState", () => {
    const object = { ...taskObjectOf(task, state), desiredState: 513 };
    expect(storedTaskOf(object)).toEqual({ ok: false, reason: `task ${task.id}: state 512 or desired state 513 is not a TaskState` });
  });
});

describe("raft entries that change services and tasks", () => {
  it("carry the service and task objects at raft.proto's fields 3 and 4", () => {
    const data = storeEntryCodec.encode(9, [{ kind: "update-service", service }, { kind: "create-task", task }, { kind: "remove-task", taskId: task.id }], state);
    const request = decodeInternalRaftRequest(data);
    expect(request.ok && request.value.actions).toEqual([
      { kind: "update", target: { service: serviceObjectOf(service) } },
      { kind: "create", target: { task: taskObjectOf(task, state) } },
      { kind: "remove", target: { task: taskObjectOf(task, state) } },
    ]);
  });

  it("name a service or task already gone by its ID", () => {
    const data = storeEntryCodec.encode(1, [{ kind: "remove-service", serviceId: "gone" }, { kind: "remove-task", taskId: "gone-too" }], state);
    const request = decodeInternalRaftRequest(data);
    expect(request.ok && request.value.actions.map((a) => ("service" in a.target ? a.target.service.id : "task" in a.target ? a.target.task.id : "?"))).toEqual(["gone", "gone-too"]);
  });

  it("read back any service or task the model writes as the object, not as opaque bytes", () => {
    fc.assert(
      fc.property(arbService, arbTask, fc.constantFrom("create" as const, "update" as const, "remove" as const), (svc, t, kind) => {
        for (const target of [{ service: svc }, { task: t }]) {
          expect(decodeStoreAction(encodeStoreAction({ kind, target }))).toEqual({ ok: true, value: { kind, target } });
        }
      }),
      { seed: 605, numRuns: propertyRuns(100) },
    );
  });

  it("keep a service whose bytes this model would not write as it came, so nothing is lost", () => {
    expect(decodeStoreAction(bytes("08021a030a0178"))).toEqual({ ok: true, value: { kind: "update", target: { opaque: { type: "service", bytes: bytes("0a0178") } } } });
  });
});
