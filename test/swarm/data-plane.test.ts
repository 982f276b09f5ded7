/**
 * The data plane of a whole swarm: services and standalone containers on
 * overlay networks, their traffic on the underlay, and what Docker refuses.
 */
import { describe, expect, it } from "vitest";
import type { OverlayDropReason } from "../../src/overlay/index.js";
import { MemorySink, instant, minutes, seconds } from "../../src/sim/index.js";
import { joinedWorld, type World } from "../support/swarm.js";

const advance = (w: World, by: number) => w.sim.scheduler.run({ until: instant(w.sim.now + by) });
const dropsOf = (w: World, node: string, reason: OverlayDropReason) => w.cluster.node(node).overlay!.counters.drops[reason];
/** A node the leader put no service task on. */
const nodeWithoutTasks = (w: World): string => {
  const state = w.cluster.node("m1").manager!.state;
  const busy = new Set([...state.tasks.values()].filter((t) => t.serviceId !== "").map((t) => t.nodeId));
  return [...w.cluster.nodes.values()].find((n) => !busy.has(n.id!))!.name;
};
const totalDrops = (w: World, reason: OverlayDropReason) => [...w.cluster.nodes.keys()].reduce((n, name) => n + dropsOf(w, name, reason), 0);

describe("docker run on swarm networks", () => {
  const notCompatible = "docker: Error response from daemon: swarm-scoped network (secure) is not compatible with `docker create` or `docker run`. This network can only be used by a docker service.\nSee 'docker run --help'.\n";

  it("is refused on a network created without --attachable, in Docker 1.12's words, and nothing runs", () => {
    const w = joinedWorld({ workers: 1 });
    w.docker("m1", "docker network create --opt encrypted --driver overlay secure");
    const out = w.docker("w1", "docker run --network secure nginx");
    expect(out).toEqual({ stdout: "", stderr: notCompatible, exitCode: 125 });
    expect(w.cluster.node("w1").runtime!.containers().size).toBe(0);
    expect([...w.cluster.node("m1").manager!.state.tasks.values()]).toEqual([]);
  });

  it("prints the output of a container that ends the instant it starts (its image already on the node)", () => {
    const w = joinedWorld({ workers: 1 });
    const first = w.docker("w1", "docker run radial/busyboxplus:curl sh -c 'echo first'");
    expect(first).toEqual({ stdout: "first\n", stderr: "Unable to find image 'radial/busyboxplus:curl' locally\nStatus: Downloaded newer image for radial/busyboxplus:curl\n", exitCode: 0 });
    expect(w.docker("w1", "docker run radial/busyboxplus:curl sh -c 'echo again; exit 3'")).toEqual({ stdout: "again\n", stderr: "", exitCode: 3 });
  });

  it("docker logs shows a detached container's output by name or ID prefix, and refuses an unknown one", () => {
    const w = joinedWorld({ workers: 1 });
    const id = w.docker("w1", "docker run -d --name talker radial/busyboxplus:curl sh -c 'echo hello; echo oops >&2; sleep 60'").stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    advance(w, seconds(1));
    expect(w.docker("w1", "docker logs talker")).toEqual({ stdout: "hello\n", stderr: "oops\n", exitCode: 0 });
    expect(w.docker("w1", `docker logs ${id.slice(0, 12)}`).stdout).toBe("hello\n");
    expect(w.docker("w1", "docker logs -t talker").stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z hello\n$/);
    expect(w.docker("m1", "docker logs talker")).toEqual({ stdout: "", stderr: "Error response from daemon: No such container: talker\n", exitCode: 1 });
  });

  it("is refused in today's engines' words with runErrors: current", () => {
    const w = joinedWorld({ workers: 1, runErrors: "current" });
    w.docker("m1", "docker network create --opt encrypted --driver overlay secure");
    expect(w.docker("w1", "docker run --network secure nginx").stderr).toBe(
      "docker: Error response from daemon: Could not attach to network secure: rpc error: code = PermissionDenied desc = network secure not manually attachable\nSee 'docker run --help'.\n",
    );
    expect(w.docker("w1", "docker run --network nosuch nginx").stderr).toBe("docker: Error response from daemon: network nosuch not found\nSee 'docker run --help'.\n");
  });

  it("joins an --attachable encrypted network, reaches a service by name, and its traffic crosses as ESP only", () => {
    const w = joinedWorld({ workers: 2 });
    w.docker("m1", "docker network create --opt encrypted --driver overlay --attachable secure");
    w.docker("m1", "docker service create --name web --network secure --replicas 2 nginx");
    advance(w, seconds(20));
    const out = w.docker(nodeWithoutTasks(w), "docker run --network secure radial/busyboxplus:curl curl -s web");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("<title>Welcome to nginx!</title>");
    expect(w.cluster.census.packets("esp")).toBeGreaterThan(0);
    expect(w.cluster.census.packets("vxlan")).toBe(0);
  });
});

describe("segmentation (seed 004)", () => {
  it("a container on one network can neither resolve nor reach a service on another", () => {
    const w = joinedWorld({ workers: 2 });
    w.docker("m1", "docker network create --opt encrypted --driver overlay --attachable front");
    w.docker("m1", "docker network create --opt encrypted --driver overlay --subnet 10.0.9.0/24 back");
    w.docker("m1", "docker service create --name db --network back nginx");
    advance(w, seconds(20));
    const byName = w.docker("w2", "docker run --network front radial/busyboxplus:curl curl db");
    expect(byName).toMatchObject({ exitCode: 6, stdout: "" });
    expect(byName.stderr).toContain("curl: (6) Couldn't resolve host 'db'");
    const task = [...w.cluster.node("m1").manager!.state.tasks.values()].find((t) => t.serviceId !== "")!;
    const address = task.networks[0]!.addresses[0]!.split("/")[0]!;
    expect(address).toMatch(/^10\.0\.9\./);
    const byAddress = w.docker("w2", `docker run --network front radial/busyboxplus:curl curl -s -m 5 ${address}`);
    expect(byAddress.exitCode).toBe(28);
    expect(dropsOf(w, "w2", "no-peer")).toBeGreaterThan(0);
  });
});

describe("Windows nodes on an encrypted network", () => {
  it("send cleartext VXLAN that Linux peers drop, with no error from Docker and a warning from the simulator", () => {
    const w = joinedWorld({ workers: 2, windows: ["w2"] });
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    w.docker("m1", "docker network create --opt encrypted --driver overlay --attachable secure");
    expect(w.docker("w1", "docker run -d --name web --network secure nginx").exitCode).toBe(0);
    advance(w, seconds(5));
    const out = w.docker("w2", "docker run --network secure radial/busyboxplus:curl curl -s -m 5 web");
    expect(out.exitCode).toBe(28);
    expect(w.cluster.census.packets("vxlan")).toBeGreaterThan(0);
    expect(totalDrops(w, "cleartext-on-encrypted")).toBeGreaterThan(0);
    expect(sink.records.filter((r) => r.kind === "overlay.warning" && r.node === "w2")).toHaveLength(1);
  });
});

describe("IPsec key rotation under live traffic", () => {
  it("loses no request across three rotations: each node rotates its SAs as its session message arrives, the middle key first", () => {
    const w = joinedWorld({ workers: 3, keyRotationUs: minutes(10), keyDelayUs: minutes(2) });
    w.docker("m1", "docker network create --opt encrypted --driver overlay secure");
    w.docker("m1", "docker service create --name web --network secure --replicas 3 nginx");
    advance(w, seconds(20));
    w.docker("m1", "docker service create --name client --network secure radial/busyboxplus:curl sh -c 'while true; do curl -s web | grep -c Welcome; sleep 10; done'");
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    advance(w, minutes(35));
    const lines = w.docker("m1", "docker service logs --raw client").stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(150);
    // grep -c counts the page's lines with "Welcome": its title and its heading.
    expect(new Set(lines)).toEqual(new Set(["2"]));
    const rotations = sink.records.filter((r) => r.kind === "overlay.sa" && r.cause !== "setup" && r.op === "add-sa" && r.direction === "out");
    expect(rotations.length).toBeGreaterThan(0);
    for (const reason of ["unknown-spi", "bad-icv", "no-outbound-sa", "replay", "cleartext-on-encrypted"] as const) expect(totalDrops(w, reason)).toBe(0);
  });
});

describe("images the model does not have", () => {
  it("reject the task with the engine's error, shown by docker service ps", () => {
    const w = joinedWorld({ workers: 1 });
    w.docker("m1", "docker network create --driver overlay plain");
    w.docker("m1", "docker service create --name ghost --network plain nosuchimage");
    advance(w, seconds(10));
    const ps = w.docker("m1", "docker service ps --no-trunc ghost").stdout;
    // The rejected task, and the one the orchestrator made to replace it in its slot.
    expect(ps).toMatch(/\\_ ghost\.1 +nosuchimage:latest +m1 +Shutdown +Rejected .* "No such image: nosuchimage:latest"/);
    expect(ps).toMatch(/\n\S+ +ghost\.1 +nosuchimage:latest +m1 +Ready /);
  });
});

describe("docker network rm of a network in use", () => {
  it("is refused while a service names it, with swarmkit's words, and goes once the service and its tasks are gone", () => {
    const w = joinedWorld({ workers: 1 });
    const id = w.docker("m1", "docker network create --opt encrypted --driver overlay secure").stdout.trim();
    const service = w.docker("m1", "docker service create --name web --network secure nginx").stdout.trim();
    advance(w, seconds(10));
    expect(w.docker("m1", "docker network rm secure")).toEqual({
      stdout: "",
      stderr: `Error response from daemon: rpc error: code = FailedPrecondition desc = network ${id} is in use by service ${service}\n`,
      exitCode: 1,
    });
    expect(w.cluster.node("m1").manager!.state.networks.has(id)).toBe(true);
    expect(w.docker("m1", "docker service rm web").exitCode).toBe(0);
    advance(w, seconds(30));
    expect(w.docker("m1", "docker network rm secure")).toEqual({ stdout: "secure\n", stderr: "", exitCode: 0 });
  });
});
