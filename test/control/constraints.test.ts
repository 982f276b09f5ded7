import { describe, expect, it } from "vitest";
import { type StoredNode, nodeMatches, parseConstraints } from "../../src/control/index.js";
import { noSuitableNodeError } from "../../src/control/task-constants.js";
import type { Instant } from "../../src/sim/index.js";
import { tokenOf, world } from "../support/swarm.js";

const node = (over: Partial<StoredNode>): StoredNode => ({ id: "n1", hostname: "worker-1", role: "worker", ...over }) as StoredNode;
const matches = (expressions: string[], n: StoredNode) => {
  const parsed = parseConstraints(expressions);
  if (!parsed.ok) throw new Error(parsed.reason);
  return nodeMatches(parsed.value, n);
};

describe("placement constraints (swarmkit manager/constraint/constraint.go)", () => {
  it("parses KEY==VALUE and KEY!=VALUE, and refuses the rest in swarmkit's words", () => {
    expect(parseConstraints(["node.hostname == worker-1", "node.role!=manager"])).toEqual({
      ok: true,
      value: [
        { key: "node.hostname", operator: "==", value: "worker-1" },
        { key: "node.role", operator: "!=", value: "manager" },
      ],
    });
    expect(parseConstraints(["node.hostname=worker-1"])).toEqual({ ok: false, reason: "invalid constraint" });
    expect(parseConstraints(["node.host name==x"])).toEqual({ ok: false, reason: "key 'node.host name' is invalid" });
    expect(parseConstraints(["node.hostname==a>b"])).toEqual({ ok: false, reason: "value 'a>b' is invalid" });
    expect(parseConstraints(["node.hostname=="])).toEqual({ ok: false, reason: "value '' is invalid" });
  });

  it("matches hostname, ID, role and platform without regard to case; labels the node lacks match only !=; unknown keys match nothing", () => {
    const worker = node({ platform: { os: "windows", architecture: "x86_64" } });
    expect(matches(["node.hostname==WORKER-1"], worker)).toBe(true);
    expect(matches(["node.id==n1", "node.role==worker"], worker)).toBe(true);
    expect(matches(["node.role==manager"], worker)).toBe(false);
    expect(matches(["node.platform.os==windows"], worker)).toBe(true);
    expect(matches(["node.platform.os==windows"], node({}))).toBe(false);
    expect(matches(["node.labels.zone==east"], worker)).toBe(false);
    expect(matches(["node.labels.zone!=east"], worker)).toBe(true);
    expect(matches(["engine.labels.x==y"], worker)).toBe(false);
    expect(matches(["node.colour==blue"], worker)).toBe(false);
  });

  it("explains a task no node takes as the scheduler's pipeline does, most failures first", () => {
    expect(noSuitableNodeError(0)).toBe("no suitable node");
    expect(noSuitableNodeError(0, 3)).toBe("no suitable node (scheduling constraints not satisfied on 3 nodes)");
    expect(noSuitableNodeError(1, 2)).toBe("no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not available for new tasks)");
    expect(noSuitableNodeError(2, 1)).toBe("no suitable node (2 nodes not available for new tasks; scheduling constraints not satisfied on 1 node)");
  });

  it("places tasks only on nodes that satisfy them, keeps the rest pending with why, and shows them in inspect", () => {
    const w = world({ managers: 1, workers: 2, windows: ["w2"] });
    w.docker("m1", "docker swarm init");
    for (const worker of ["w1", "w2"]) w.docker(worker, `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
    expect(w.docker("m1", "docker service create --name web --replicas 3 --constraint node.hostname==w1 nginx").exitCode).toBe(0);
    expect(w.docker("m1", "docker service create --name win --constraint node.platform.os==windows nginx").exitCode).toBe(0);
    expect(w.docker("m1", "docker service create --name east --constraint node.labels.zone==east nginx").exitCode).toBe(0);
    expect(w.docker("m1", "docker service create --name bad --constraint node.hostname=w1 nginx")).toMatchObject({
      exitCode: 1,
      stderr: "Error response from daemon: rpc error: code = InvalidArgument desc = invalid constraint\n",
    });
    w.sim.scheduler.run({ until: (w.sim.now + 30_000_000) as Instant });
    const nodesOf = (service: string) => [...w.docker("m1", `docker service ps ${service}`).stdout.matchAll(/^\S+ +\S+ +\S+ +(\S*) /gm)].map((m) => m[1]).slice(1);
    expect(nodesOf("web")).toEqual(["w1", "w1", "w1"]);
    expect(nodesOf("win")).toEqual(["w2"]);
    const east = JSON.parse(w.docker("m1", "docker service inspect east").stdout) as { Spec: { TaskTemplate: { Placement: unknown } } }[];
    expect(east[0]!.Spec.TaskTemplate.Placement).toEqual({ Constraints: ["node.labels.zone==east"] });
    const tasks = w.cluster.node("m1").manager!.state.tasks;
    const pending = [...tasks.values()].filter((t) => t.state === "pending");
    expect(pending.map((t) => t.err)).toEqual(["no suitable node (scheduling constraints not satisfied on 3 nodes)"]);
    expect(w.docker("m1", "docker node inspect --pretty w2").stdout).toContain(" Operating System:\twindows\n");
  });
});
