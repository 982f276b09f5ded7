import { describe, expect, it } from "vitest";
import { type EntryCodec, type StoreAction, type StoredService, type StoredTask, storeEntryCodec } from "../../src/control/index.js";
import { type Instant, minutes, seconds } from "../../src/sim/index.js";
import { parseCommand } from "../../src/swarm/docker/command.js";
import { displayImage, parseImageReference } from "../../src/swarm/docker/image-reference.js";
import { serviceLogText } from "../../src/swarm/docker/service-logs.js";
import { goTime, naturalLess } from "../../src/swarm/docker/service-output.js";
import { type World, tokenOf, world } from "../support/swarm.js";

const lines = (text: string) => text.trimEnd().split("\n");
const inspectOf = (text: string) => JSON.parse(text) as Record<string, unknown>[];
const workerRefusal =
  "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.\n";

/**
 * Until the store codec writes services and tasks into raft entries, entries
 * carrying them are written without those actions: the store applies the
 * actions it kept by request ID, so the committed state is the same. Once the
 * codec writes them, this changes nothing.
 */
function tolerateUnencodedServiceActions(w: World): void {
  const store = w.cluster.node("m1").manager!.store;
  const codec: EntryCodec = {
    encode: (id, actions, state) => {
      try {
        return storeEntryCodec.encode(id, actions, state);
      } catch {
        return storeEntryCodec.encode(id, actions.filter((a) => !/service|task/.test(a.kind)), state);
      }
    },
    requestIdOf: storeEntryCodec.requestIdOf,
  };
  Object.assign(store, { codec });
}

function swarm(options: { managers?: number; workers?: number; seed?: number } = {}): World {
  const w = world({ managers: options.managers ?? 1, workers: options.workers ?? 2, ...(options.seed === undefined ? {} : { seed: options.seed }) });
  w.docker("m1", "docker swarm init");
  tolerateUnencodedServiceActions(w);
  for (let i = 2; i <= (options.managers ?? 1); i++) w.docker(`m${i}`, `docker swarm join --token ${tokenOf(w, "manager")} m1:2377`);
  for (let i = 1; i <= (options.workers ?? 2); i++) w.docker(`w${i}`, `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
  return w;
}

const stateOf = (w: World) => w.cluster.node("m1").manager!.state;
const serviceNamed = (w: World, name: string): StoredService => [...stateOf(w).services.values()].find((s) => s.name === name)!;
const nodeIdOf = (w: World, name: string) => w.cluster.node(name).identity!.nodeId;

/** Commits `actions` through the leader, as the orchestrator will. */
function commit(w: World, actions: StoreAction[]): void {
  const m = w.cluster.node("m1").manager!;
  let done = false;
  m.store.update(m.proposer, actions, (result) => {
    if (!result.ok) throw new Error(result.reason);
    done = true;
    w.sim.scheduler.stop();
  });
  if (!done) w.sim.scheduler.run({ until: (w.sim.now + seconds(60)) as Instant });
  if (!done) throw new Error("the proposal did not commit");
}

/** Lets simulated time pass. */
function wait(w: World, micros: number): void {
  w.sim.scheduler.run({ until: (w.sim.now + micros) as Instant });
}

function taskOf(over: Partial<StoredTask> & Pick<StoredTask, "id" | "serviceId" | "slot">): StoredTask {
  return {
    nodeId: "",
    desiredState: "running",
    state: "running",
    message: "started",
    err: "",
    stateAt: 0 as Instant,
    containerId: "",
    exitCode: 0,
    attachmentContainerId: "",
    networks: [],
    version: 0,
    createdAt: 0 as Instant,
    ...over,
  };
}

describe("docker service create", () => {
  it("prints the new service's ID and proposes the spec: words after IMAGE are the container's, networks by ID", () => {
    const w = swarm();
    const backend = w.docker("m1", "docker network create -d overlay backend").stdout.trim();
    const front = w.docker("m1", "docker network create -d overlay front").stdout.trim();
    const before = w.sim.now;
    const out = w.docker("m1", `docker service create -d --name web --replicas 3 -l tier=edge --label solo --network front --network ${backend.slice(0, 8)} busybox sh -c "echo --replicas 9 -d"`);
    expect(out.stderr).toBe("");
    expect(out.stdout).toMatch(/^[0-9a-z]{25}\n$/);
    const service = serviceNamed(w, "web");
    expect(service).toMatchObject({
      id: out.stdout.trim(),
      image: "busybox:latest", // tagged as the CLI resolves it (reference.TagNameOnly)
      args: ["sh", "-c", "echo --replicas 9 -d"],
      replicas: 3,
      labels: { tier: "edge", solo: "" },
      virtualIps: [],
      version: 0,
    });
    // docker/cli ToService sorts the attachments by network ID.
    expect(service.networks).toEqual([backend, front].sort());
    expect(service.createdAt).toBe(service.updatedAt);
    expect(service.createdAt).toBeGreaterThanOrEqual(before);
  });

  it("defaults to one replica and a generated adjective_surname name, the same for the same seed", () => {
    const run = () => {
      const w = swarm({ seed: 11 });
      const id = w.docker("m1", "docker service create nginx").stdout.trim();
      return stateOf(w).services.get(id)!;
    };
    const first = run();
    expect(first.replicas).toBe(1);
    expect(first.args).toEqual([]);
    expect(first.name).toMatch(/^[a-z]+_[a-z]+$/);
    expect(run()).toEqual(first);
  });

  it("replicates through raft: created on a follower, listed on every manager", () => {
    const w = swarm({ managers: 3, workers: 0 });
    const id = w.docker("m2", "docker service create --name api redis:7").stdout.trim();
    expect(w.docker("m3", "docker service ls").stdout.split("\n")[1]).toBe(`${id.slice(0, 12)}   api       replicated   0/1        redis:7   `);
  });

  it("answers with Docker's errors and exit codes", () => {
    const w = swarm();
    expect(w.docker("m1", "docker service create --name web")).toEqual({
      stdout: "",
      stderr:
        "\"docker service create\" requires at least 1 argument.\nSee 'docker service create --help'.\n\nUsage:  docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate a new service\n",
      exitCode: 1,
    });
    expect(w.docker("m1", "docker service create --replicas -1 nginx")).toEqual({
      stdout: "",
      stderr: 'invalid argument "-1" for "--replicas" flag: strconv.ParseUint: parsing "-1": invalid syntax\nSee \'docker service create --help\'.\n',
      exitCode: 125,
    });
    expect(w.docker("m1", "docker service create --network nope nginx")).toEqual({ stdout: "", stderr: "Error response from daemon: network nope not found\n", exitCode: 1 });
    // Local networks are not swarm-scoped: the CLI's swarm-scope lookup does not find them.
    expect(w.docker("m1", "docker service create --network docker_gwbridge nginx").stderr).toBe("Error response from daemon: network docker_gwbridge not found\n");
    expect(w.docker("m1", "docker service create --network ingress nginx").stderr).toBe(
      'Error response from daemon: rpc error: code = InvalidArgument desc = Service cannot be explicitly attached to the ingress network "ingress"\n',
    );
    expect(w.docker("m1", "docker service create --name web.1 nginx").stderr).toBe(
      "Error response from daemon: rpc error: code = InvalidArgument desc = name must be valid as a DNS name component\n",
    );
    expect(w.docker("m1", `docker service create --name ${"a".repeat(64)} nginx`).stderr).toBe(
      "Error response from daemon: rpc error: code = InvalidArgument desc = name must be 63 characters or fewer\n",
    );
    expect(w.docker("m1", "docker service create --name web Nginx").stderr).toBe(
      'Error response from daemon: rpc error: code = InvalidArgument desc = ContainerSpec: "Nginx" is not a valid repository/tag\n',
    );
    w.docker("m1", "docker service create --name web nginx");
    expect(w.docker("m1", "docker service create --name web nginx")).toEqual({
      stdout: "",
      stderr: "Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts with an existing object: service web already exists\n",
      exitCode: 1,
    });
    expect(w.docker("w1", "docker service create nginx")).toEqual({ stdout: "", stderr: workerRefusal, exitCode: 1 });
    expect(stateOf(w).services.size).toBe(1);
  });
});

describe("docker service ls | inspect | scale | update | rm", () => {
  it("lists by name in natural order with running/desired replicas, the image without its digest, and -q", () => {
    const w = swarm();
    const digest = `sha256:${"ab".repeat(32)}`;
    const ids = ["web10", "web2", "api"].map((name) => w.docker("m1", `docker service create --name ${name} --replicas 2 nginx:1.27@${digest}`).stdout.trim());
    const web2 = serviceNamed(w, "web2");
    commit(w, [
      { kind: "create-task", task: taskOf({ id: "t1", serviceId: web2.id, slot: 1, nodeId: nodeIdOf(w, "w1") }) },
      { kind: "create-task", task: taskOf({ id: "t2", serviceId: web2.id, slot: 2, nodeId: nodeIdOf(w, "w2"), state: "preparing" }) },
    ]);
    expect(w.docker("m1", "docker service ls").stdout).toBe(
      [
        "ID             NAME      MODE         REPLICAS   IMAGE        PORTS",
        `${ids[2]!.slice(0, 12)}   api       replicated   0/2        nginx:1.27   `,
        `${ids[1]!.slice(0, 12)}   web2      replicated   1/2        nginx:1.27   `,
        `${ids[0]!.slice(0, 12)}   web10     replicated   0/2        nginx:1.27   `,
        "",
      ].join("\n"),
    );
    expect(w.docker("m1", "docker service ls -q").stdout).toBe([ids[2], ids[1], ids[0]].map((id) => `${id!.slice(0, 12)}\n`).join(""));
    expect(w.docker("w1", "docker service ls")).toEqual({ stdout: "", stderr: workerRefusal, exitCode: 1 });
  });

  it("inspects in the engine's shape, by name, ID or ID prefix; a missing one is `Error: no such service`", () => {
    const w = swarm();
    const net = w.docker("m1", "docker network create -d overlay backend").stdout.trim();
    const id = w.docker("m1", `docker service create --name web --replicas 2 --network backend -l a=b nginx nginx -g "daemon off;"`).stdout.trim();
    const [byName] = inspectOf(w.docker("m1", "docker service inspect web").stdout);
    expect(inspectOf(w.docker("m1", `docker service inspect ${id.slice(0, 5)}`).stdout)).toEqual([byName]);
    expect(Object.keys(byName!)).toEqual(["ID", "Version", "CreatedAt", "UpdatedAt", "Spec", "Endpoint"]);
    expect(byName).toMatchObject({
      ID: id,
      Version: { Index: 0 },
      Spec: {
        Name: "web",
        Labels: { a: "b" },
        TaskTemplate: { ContainerSpec: { Image: "nginx:latest", Args: ["nginx", "-g", "daemon off;"] }, Networks: [{ Target: net }], Runtime: "container" },
        Mode: { Replicated: { Replicas: 2 } },
        EndpointSpec: { Mode: "vip" },
      },
      Endpoint: { Spec: {} },
    });
    expect(byName!.CreatedAt).toMatch(/^2026-01-01T\d\d:\d\d:\d\d(\.\d+)?Z$/);
    // Once the allocator has given it a VIP on its network.
    const service = serviceNamed(w, "web");
    commit(w, [{ kind: "update-service", service: { ...service, virtualIps: [{ networkId: net, addr: "10.0.1.2/24" }], version: 1 } }]);
    expect(inspectOf(w.docker("m1", "docker service inspect web").stdout)[0]!.Endpoint).toEqual({ Spec: { Mode: "vip" }, VirtualIPs: [{ NetworkID: net, Addr: "10.0.1.2/24" }] });
    expect(w.docker("m1", "docker service inspect nope web")).toMatchObject({ stderr: "Error: no such service: nope\n", exitCode: 1 });
    expect(w.docker("m1", "docker service inspect nope")).toEqual({ stdout: "[]\n", stderr: "Error: no such service: nope\n", exitCode: 1 });
  });

  it("scales each service in turn, one error line per bad specifier, and bumps the version", () => {
    const w = swarm();
    w.docker("m1", "docker service create --name web nginx");
    const api = w.docker("m1", "docker service create --name api redis").stdout.trim();
    expect(w.docker("m1", `docker service scale web=3 ${api.slice(0, 6)}=0`)).toEqual({ stdout: `web scaled to 3\n${api.slice(0, 6)} scaled to 0\n`, stderr: "", exitCode: 0 });
    expect(serviceNamed(w, "web")).toMatchObject({ replicas: 3, version: 1 });
    expect(serviceNamed(w, "api")).toMatchObject({ replicas: 0, version: 1 });
    expect(w.docker("m1", "docker service scale nope=2 web=x web=5")).toEqual({
      stdout: "web scaled to 5\n",
      stderr: 'nope: Error response from daemon: service nope not found\nweb: invalid replicas value x: strconv.ParseUint: parsing "x": invalid syntax\n',
      exitCode: 1,
    });
    expect(serviceNamed(w, "web")).toMatchObject({ replicas: 5, version: 2 });
    expect(w.docker("m1", "docker service scale web")).toEqual({
      stdout: "",
      stderr:
        "invalid scale specifier 'web'.\nSee 'docker service scale --help'.\n\nUsage:  docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services\n",
      exitCode: 1,
    });
    expect(w.docker("w1", "docker service scale web=1").stderr).toBe(`web: ${workerRefusal}`);
  });

  it("updates the replica count with `service update --replicas` and prints the service as named", () => {
    const w = swarm();
    w.docker("m1", "docker service create --name web nginx");
    expect(w.docker("m1", "docker service update --replicas 0x4 web")).toEqual({ stdout: "web\n", stderr: "", exitCode: 0 });
    expect(serviceNamed(w, "web")).toMatchObject({ replicas: 4, version: 1 });
    expect(w.docker("m1", "docker service update --replicas 2 nope").stderr).toBe("Error response from daemon: service nope not found\n");
  });

  it("removes the services found, printing each as named, and reports the others", () => {
    const w = swarm();
    w.docker("m1", "docker service create --name web nginx");
    const api = w.docker("m1", "docker service create --name api redis").stdout.trim();
    expect(w.docker("m1", `docker service rm web nope ${api} web`)).toEqual({
      stdout: `web\n${api}\n`,
      stderr: "Error response from daemon: service nope not found\nError response from daemon: service web not found\n",
      exitCode: 1,
    });
    expect(stateOf(w).services.size).toBe(0);
    expect(w.docker("m1", "docker service ls").stdout).toBe("ID        NAME      MODE      REPLICAS   IMAGE     PORTS\n");
  });
});

describe("docker service ps", () => {
  function withTasks() {
    const w = swarm();
    // The tasks below are written by hand: the leader's orchestrator must not add its own.
    w.cluster.node("m1").manager!.orchestration!.stop();
    w.docker("m1", "docker service create --name web --replicas 10 nginx:latest");
    const web = serviceNamed(w, "web");
    wait(w, minutes(10));
    const now = w.sim.now;
    const [w1, w2] = [nodeIdOf(w, "w1"), nodeIdOf(w, "w2")];
    const tasks = [
      taskOf({ id: "a1aaaaaaaaaaaaaaaaaaaaaaa", serviceId: web.id, slot: 1, nodeId: w1, stateAt: (now - minutes(5)) as Instant, createdAt: (now - minutes(6)) as Instant }),
      taskOf({
        id: "b1bbbbbbbbbbbbbbbbbbbbbbb",
        serviceId: web.id,
        slot: 1,
        nodeId: w2,
        desiredState: "shutdown",
        state: "rejected",
        err: "No such image: nginx:latest-but-much-longer",
        stateAt: (now - minutes(7)) as Instant,
        createdAt: (now - minutes(8)) as Instant,
      }),
      taskOf({ id: "c10cccccccccccccccccccccc", serviceId: web.id, slot: 10, nodeId: w2, state: "starting", stateAt: (now - seconds(30)) as Instant, createdAt: now }),
      taskOf({ id: "d2ddddddddddddddddddddddd", serviceId: web.id, slot: 2, state: "pending", stateAt: now, createdAt: now }),
    ];
    commit(w, tasks.map((task) => ({ kind: "create-task", task })));
    return w;
  }

  it("lists the tasks by slot in natural order, older tasks of a slot indented, with Docker's columns", () => {
    const w = withTasks();
    expect(w.docker("m1", "docker service ps web").stdout).toBe(
      [
        "ID             NAME        IMAGE          NODE      DESIRED STATE   CURRENT STATE                    ERROR                              PORTS",
        "a1aaaaaaaaaa   web.1       nginx:latest   w1        Running         Running 5 minutes ago                                               ",
        'b1bbbbbbbbbb    \\_ web.1   nginx:latest   w2        Shutdown        Rejected 7 minutes ago           "No such image: nginx:latest-b…"   ',
        "d2dddddddddd   web.2       nginx:latest             Running         Pending less than a second ago                                      ",
        "c10ccccccccc   web.10      nginx:latest   w2        Running         Starting 30 seconds ago                                             ",
        "",
      ].join("\n"),
    );
  });

  it("prints full IDs and errors with --no-trunc, IDs alone with -q, and IDs for names with --no-resolve", () => {
    const w = withTasks();
    const full = w.docker("m1", "docker service ps --no-trunc web").stdout;
    expect(full).toContain('"No such image: nginx:latest-but-much-longer"');
    expect(full).toContain("a1aaaaaaaaaaaaaaaaaaaaaaa   web.1 ");
    expect(w.docker("m1", "docker service ps -q web").stdout).toBe(
      ["a1aaaaaaaaaaaaaaaaaaaaaaa", "b1bbbbbbbbbbbbbbbbbbbbbbb", "d2ddddddddddddddddddddddd", "c10cccccccccccccccccccccc", ""].join("\n"),
    );
    const web = serviceNamed(w, "web");
    const raw = lines(w.docker("m1", "docker service ps --no-resolve web").stdout)[1]!;
    expect(raw.split(/ {3,}/).slice(0, 4)).toEqual(["a1aaaaaaaaaa", `${web.id}.1`, "nginx:latest", nodeIdOf(w, "w1")]);
  });

  it("reports a service it does not find: alone, an error; beside found ones, after the table", () => {
    const w = withTasks();
    expect(w.docker("m1", "docker service ps nope")).toEqual({ stdout: "", stderr: "no such service: nope\n", exitCode: 1 });
    const mixed = w.docker("m1", "docker service ps web nope");
    expect(lines(mixed.stdout)).toHaveLength(5);
    expect(mixed).toMatchObject({ stderr: "no such service: nope\n", exitCode: 1 });
    expect(w.docker("w1", "docker service ps web")).toEqual({ stdout: "", stderr: workerRefusal, exitCode: 1 });
  });
});

describe("docker service logs", () => {
  const at = (s: number) => (s * 1_000_000) as Instant;
  const sources = [
    {
      taskId: "k2v0bqsdxn8rw3y4abcdefghi",
      slot: 1,
      serviceName: "web",
      nodeName: "w1",
      lines: [
        { at: at(1), stream: "stdout" as const, text: "one" },
        { at: at(3), stream: "stderr" as const, text: "oops" },
      ],
    },
    { taskId: "p9q8r7s6t5u4v3w2x1y0zabcd", slot: 10, serviceName: "web", nodeName: "w2", lines: [{ at: at(1), stream: "stdout" as const, text: "ten" }] },
  ];

  it("prefixes each line with SERVICE.SLOT.TASKID@NODE padded to the replica count's width, merged by time", () => {
    expect(serviceLogText(sources, { replicas: 10 })).toEqual({
      stdout: "web.1.k2v0bqsdxn8r@w1     | one\nweb.10.p9q8r7s6t5u4@w2    | ten\n",
      stderr: "web.1.k2v0bqsdxn8r@w1     | oops\n",
    });
  });

  it("follows --no-task-ids, --no-trunc, --raw and -t", () => {
    expect(serviceLogText(sources, { replicas: 2, noTaskIds: true }).stdout).toBe("web.1@w1    | one\nweb.10@w2    | ten\n");
    expect(serviceLogText(sources, { replicas: 1, noTrunc: true }).stdout).toBe("web.1.k2v0bqsdxn8rw3y4abcdefghi@w1    | one\nweb.10.p9q8r7s6t5u4v3w2x1y0zabcd@w2    | ten\n");
    expect(serviceLogText(sources, { replicas: 10, raw: true })).toEqual({ stdout: "one\nten\n", stderr: "oops\n" });
    expect(serviceLogText(sources, { replicas: 10, raw: true, timestamps: true }).stderr).toBe("2026-01-01T00:00:03.000000000Z oops\n");
  });

  it("reads each task's lines from its node, and names a target that is neither service nor task", () => {
    const w = swarm();
    w.docker("m1", "docker service create --name web nginx");
    const web = serviceNamed(w, "web");
    commit(w, [{ kind: "create-task", task: taskOf({ id: "t0000000000000000000000001", serviceId: web.id, slot: 1, nodeId: nodeIdOf(w, "w1") }) }]);
    // Nothing written yet (the nodes' runtime keeps what containers print).
    expect(w.docker("m1", "docker service logs web")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(w.docker("m1", "docker service logs t00000")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(w.docker("m1", "docker service logs nope")).toEqual({ stdout: "", stderr: "no such task or service: nope\n", exitCode: 1 });
  });
});

describe("the parsing and formatting the service commands rest on", () => {
  it("stops at IMAGE when a command is not interspersed, and reads --replicas as Go's ParseUint(s, 0, 64)", () => {
    const create = { path: "docker service create", use: "IMAGE", short: "", flags: [{ name: "replicas", type: "uint" }, { name: "detach", short: "d", type: "bool" }], args: { min: 1, max: Infinity }, interspersed: false } as const;
    const parsed = parseCommand(create, ["-d", "--replicas=010", "alpine", "ping", "-d", "--replicas", "x"]);
    expect(parsed.ok && parsed.command.args).toEqual(["alpine", "ping", "-d", "--replicas", "x"]);
    expect(parsed.ok && Object.fromEntries(parsed.command.flags)).toEqual({ detach: true, replicas: 8 });
    for (const [raw, value] of [["0x1f", 31], ["0b11", 3], ["0o17", 15], ["0", 0], ["18446744073709551615", 2 ** 64]] as const) {
      const r = parseCommand(create, ["--replicas", raw, "i"]);
      expect(r.ok && r.command.flags.get("replicas")).toBe(value);
    }
    const tooBig = parseCommand(create, ["--replicas", "18446744073709551616", "i"]);
    expect(!tooBig.ok && tooBig.output.stderr).toContain('strconv.ParseUint: parsing "18446744073709551616": value out of range');
    const interspersed = parseCommand({ ...create, interspersed: true }, ["alpine", "-d"]);
    expect(interspersed.ok && interspersed.command.args).toEqual(["alpine"]);
  });

  it("parses image references as distribution/reference does, and shows tagged ones without digest", () => {
    expect(parseImageReference("nginx")).toEqual({ domain: "docker.io", path: "library/nginx", tag: undefined, digest: undefined });
    expect(parseImageReference("localhost:5000/team/app:v1")).toMatchObject({ domain: "localhost:5000", path: "team/app", tag: "v1" });
    for (const bad of ["Nginx", "nginx:", "nginx@sha256:12", "a".repeat(64), "bad//path", "-nginx"]) expect(parseImageReference(bad), bad).toBeUndefined();
    const digest = `sha256:${"0f".repeat(32)}`;
    expect(displayImage(`docker.io/library/nginx:1.27@${digest}`)).toBe("nginx:1.27");
    expect(displayImage(`radial/busyboxplus:curl@${digest}`)).toBe("radial/busyboxplus:curl");
    expect(displayImage(`nginx@${digest}`)).toBe(`nginx@${digest}`);
    expect(displayImage("nginx")).toBe("nginx");
  });

  it("sorts as sortorder.NaturalLess and writes times as Go's RFC3339Nano", () => {
    const names = ["web.10", "web.2", "Web.1", "web.02", "web.1", "api"];
    expect([...names].sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0))).toEqual(["Web.1", "api", "web.1", "web.2", "web.02", "web.10"]);
    expect(goTime(5_250_000 as Instant)).toBe("2026-01-01T00:00:05.25Z");
    expect(goTime(7_000_000 as Instant)).toBe("2026-01-01T00:00:07Z");
    expect(goTime(1 as Instant, true)).toBe("2026-01-01T00:00:00.000001000Z");
  });
});
