import { describe, expect, it } from "vitest";
import { tokenOf, world } from "../support/swarm.js";

const lines = (text: string) => text.trimEnd().split("\n");
const rowOf = (ls: string, name: string) => lines(ls).find((l) => l.split(/ +/)[1] === name);
const inspectOf = (text: string) => JSON.parse(text) as Record<string, unknown>[];

function swarm(options: { managers?: number; workers?: number; seed?: number } = {}) {
  const w = world({ managers: options.managers ?? 1, workers: options.workers ?? 1, ...(options.seed === undefined ? {} : { seed: options.seed }) });
  w.docker("m1", "docker swarm init");
  for (let i = 2; i <= (options.managers ?? 1); i++) w.docker(`m${i}`, `docker swarm join --token ${tokenOf(w, "manager")} m1:2377`);
  for (let i = 1; i <= (options.workers ?? 1); i++) w.docker(`w${i}`, `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
  return w;
}

describe("docker network", () => {
  it("lists the local networks and ingress after swarm init, sorted by name, with Docker's columns", () => {
    const w = swarm();
    const out = w.docker("m1", "docker network ls").stdout;
    expect(lines(out)[0]).toBe("NETWORK ID     NAME              DRIVER    SCOPE");
    expect(lines(out).slice(1).map((l) => l.split(/ +/).slice(1))).toEqual([
      ["bridge", "bridge", "local"],
      ["docker_gwbridge", "bridge", "local"],
      ["host", "host", "local"],
      ["ingress", "overlay", "swarm"],
      ["none", "null", "local"],
    ]);
    for (const line of lines(out).slice(1)) expect(line.split(" ")[0]).toMatch(/^[0-9a-z]{12}$/);
  });

  it("gives ingress 10.0.0.0/24 and VNI 4096, then each new network the next /24 and VNI", () => {
    const w = swarm();
    const ingress = inspectOf(w.docker("m1", "docker network inspect ingress").stdout)[0]!;
    expect(ingress).toMatchObject({ Name: "ingress", Scope: "swarm", Driver: "overlay", Ingress: true, IPAM: { Config: [{ Subnet: "10.0.0.0/24", Gateway: "10.0.0.1" }] } });
    expect(ingress.Options).toEqual({ "com.docker.network.driver.overlay.vxlanid_list": "4096" });
    const a = w.docker("m1", "docker network create -d overlay a");
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toMatch(/^[0-9a-z]{25}\n$/);
    w.docker("m1", "docker network create --driver overlay --subnet 10.20.0.0/16 b");
    w.docker("m1", "docker network create --driver=overlay c");
    const [na, nb, nc] = inspectOf(w.docker("m1", "docker network inspect a b c").stdout);
    expect(na).toMatchObject({ Id: a.stdout.trim(), IPAM: { Driver: "default", Options: null, Config: [{ Subnet: "10.0.1.0/24", Gateway: "10.0.1.1" }] } });
    expect(na!.Options).toEqual({ "com.docker.network.driver.overlay.vxlanid_list": "4097" });
    expect(nb).toMatchObject({ IPAM: { Config: [{ Subnet: "10.20.0.0/16", Gateway: "10.20.0.1" }] }, Options: { "com.docker.network.driver.overlay.vxlanid_list": "4098" } });
    expect(nc).toMatchObject({ IPAM: { Config: [{ Subnet: "10.0.2.0/24", Gateway: "10.0.2.1" }] }, Options: { "com.docker.network.driver.overlay.vxlanid_list": "4099" } });
  });

  it("prints inspect in Docker's shape, with --opt encrypted and --attachable", () => {
    const w = swarm();
    const id = w.docker("m1", "docker network create -d overlay --opt encrypted --attachable --label team=blue secure").stdout.trim();
    const out = w.docker("m1", `docker network inspect ${id.slice(0, 6)}`);
    expect(out.exitCode).toBe(0);
    expect(out.stdout.startsWith('[\n    {\n        "Name": "secure",\n')).toBe(true);
    const [n] = inspectOf(out.stdout);
    expect(Object.keys(n!)).toEqual(["Name", "Id", "Created", "Scope", "Driver", "EnableIPv4", "EnableIPv6", "IPAM", "Internal", "Attachable", "Ingress", "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels"]);
    expect(n).toMatchObject({ Id: id, Attachable: true, Ingress: false, Containers: null, Labels: { team: "blue" } });
    expect(n!.Options).toEqual({ "com.docker.network.driver.overlay.vxlanid_list": "4097", encrypted: "" });
  });

  it("replicates through raft: a network created on the leader is listed on another manager", () => {
    const w = swarm({ managers: 3, workers: 0 });
    const id = w.docker("m1", "docker network create -d overlay shared").stdout.trim();
    expect(rowOf(w.docker("m2", "docker network ls").stdout, "shared")).toBe(`${id.slice(0, 12)}   shared            overlay   swarm`);
    expect(w.cluster.node("m2").store!.state.networks.get(id)?.vni).toBe(4097);
  });

  it("reuses the lowest free VNI and subnet after a removal", () => {
    const w = swarm();
    w.docker("m1", "docker network create -d overlay a");
    w.docker("m1", "docker network create -d overlay b");
    expect(w.docker("m1", "docker network rm a")).toEqual({ stdout: "a\n", stderr: "", exitCode: 0 });
    expect(rowOf(w.docker("m1", "docker network ls").stdout, "a")).toBeUndefined();
    w.docker("m1", "docker network create -d overlay c");
    expect(inspectOf(w.docker("m1", "docker network inspect c").stdout)[0]).toMatchObject({ IPAM: { Config: [{ Subnet: "10.0.1.0/24" }] }, Options: { "com.docker.network.driver.overlay.vxlanid_list": "4097" } });
  });

  it("shows a worker the local networks and ingress only, and refuses it cluster changes", () => {
    const w = swarm();
    w.docker("m1", "docker network create -d overlay a");
    const ls = w.docker("w1", "docker network ls").stdout;
    expect(lines(ls).slice(1).map((l) => l.split(/ +/)[1])).toEqual(["bridge", "docker_gwbridge", "host", "ingress", "none"]);
    const refusal =
      "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.\n";
    expect(w.docker("w1", "docker network create -d overlay x")).toEqual({ stdout: "", stderr: refusal, exitCode: 1 });
    expect(w.docker("w1", "docker network rm a")).toEqual({ stdout: "", stderr: refusal, exitCode: 1 });
  });

  it("answers with Docker's errors and exit codes", () => {
    const w = swarm();
    expect(w.docker("m1", "docker network create")).toEqual({
      stdout: "",
      stderr: "\"docker network create\" requires exactly 1 argument.\nSee 'docker network create --help'.\n\nUsage:  docker network create [OPTIONS] NETWORK\n\nCreate a network\n",
      exitCode: 1,
    });
    w.docker("m1", "docker network create -d overlay a");
    expect(w.docker("m1", "docker network create -d overlay a").stderr).toBe("Error response from daemon: network with name a already exists\n");
    expect(w.docker("m1", "docker network create -d overlay ingress").stderr).toBe("Error response from daemon: network with name ingress already exists\n");
    expect(w.docker("m1", "docker network create -d overlay --subnet 10.0.9.7/24 b").stderr).toBe("Error response from daemon: invalid subnet 10.0.9.7/24: it should be 10.0.9.0/24\n");
    expect(w.docker("m1", "docker network create -d overlay --subnet nope b")).toEqual({ stdout: "", stderr: "Error response from daemon: invalid subnet nope: invalid CIDR block notation\n", exitCode: 1 });
    expect(w.docker("m1", "docker network create -d overlay host").stderr).toBe("Error response from daemon: host is a pre-defined network and cannot be created\n");
    expect(w.docker("m1", "docker network rm nope a")).toEqual({ stdout: "a\n", stderr: "Error response from daemon: network nope not found\n", exitCode: 1 });
    expect(w.docker("m1", "docker network inspect nope")).toEqual({ stdout: "[]\n", stderr: "Error response from daemon: network nope not found\n", exitCode: 1 });
    expect(w.docker("m1", "docker network rm ingress").exitCode).toBe(1);
  });

  it("is deterministic: the same seed gives the same IDs, local and swarm", () => {
    const run = () => {
      const w = swarm({ seed: 7 });
      w.docker("m1", "docker network create -d overlay a");
      return w.docker("m1", "docker network ls").stdout + w.docker("w1", "docker network ls").stdout;
    };
    expect(run()).toBe(run());
  });
});
