/**
 * The shell's core, in process: a person's session on three machines, from
 * `docker swarm init` to a key rotation, through every command, and the
 * errors a person runs into. One world for the whole file (its tests run in
 * order), as one terminal session would be.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ShellSession } from "../../src/shell/index.js";
import { manualCluster, scenarioOf } from "./shell-support.js";

let shell: ShellSession;
/** Types `line` at the prompt and returns what it printed. */
const type = (line: string) => shell.run(line).text;
const rowOf = (table: string, node: string) => table.split("\n").find((l) => l.startsWith(`${node} `)) ?? "";

beforeAll(() => {
  shell = new ShellSession(scenarioOf(manualCluster));
});

describe("ShellSession", () => {
  it("greets with the machines and waits at the first manager's prompt", () => {
    expect(shell.start()).toBe(
      "swarmsim shell: manager-1, worker-1 and worker-2 (seed 5), now +00:00:00.000000, not yet a swarm: start with docker swarm init. Type help for the commands.\n",
    );
    expect(shell.prompt).toBe("manager-1$ ");
  });

  it("refuses what it does not know with a reason, and docker mistakes as the docker CLI does", () => {
    expect(type("frobnicate")).toBe('swarmsim: unknown command "frobnicate": type help for the commands\n');
    expect(type("swarm init")).toContain("did you mean docker swarm ...?");
    expect(type("docker frobnicate")).toBe("docker: 'frobnicate' is not a docker command.\nSee 'docker --help'\n");
    expect(type("docker swarm join")).toContain('"docker swarm join" requires exactly 1 argument.');
    expect(type("docker swarm join --token $NOPE manager-1:2377")).toBe("swarmsim: $NOPE is not set; set it first, e.g. NOPE=$(docker swarm join-token -q worker)\n");
    expect(type("advance soon")).toMatch(/^advance: invalid duration "soon"/);
    expect(type("step 0")).toBe("usage: step [N], N from 1 to 1000\n");
    expect(type("show nothing")).toMatch(/^usage: show keyring\|sa\|certs/);
    expect(type("until forever")).toMatch(/^usage: until rotation\|renewal\|event KIND/);
    expect(type("node use worker-9")).toBe('no machine "worker-9": the machines are manager-1, worker-1, worker-2\n');
    expect(type("next")).toBe("this scenario has no timeline steps\n");
    expect(type("")).toBe("");
    expect(type("# a comment")).toBe("");
  });

  it("runs docker commands on the current machine, keeps NAME=$(...) output and switches machines", () => {
    expect(type("docker swarm init")).toMatch(/^Swarm initialized: current node \([0-9a-z]{25}\) is now a manager\./);
    expect(type("TOKEN=$(docker swarm join-token -q worker)")).toBe("");
    expect(type("echo $TOKEN")).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}\n$/);
    for (const worker of ["worker-1", "worker-2"]) {
      expect(type(`node use ${worker}`)).toBe("");
      expect(shell.prompt).toBe(`${worker}$ `);
      expect(type("docker swarm join --token $TOKEN manager-1:2377")).toBe("This node joined a swarm as a worker.\n");
    }
    expect(type("docker node ls")).toBe('Error response from daemon: This node is not a swarm manager. Worker nodes can\'t be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.\n');
    type("node use manager-1");
    expect(type("docker node ls").match(/Ready/g)).toHaveLength(3);
    expect(type("nodes")).toMatch(/^NAME +ADDRESS +OS +ROLE +SWARM +MACHINE\nmanager-1 \* +10\.0\.0\.1 +linux +leader +active +up\nworker-1 +10\.0\.0\.2 +linux +worker +active +up\n/);
  });

  it("shows every keyring with the middle key primary, or one node's", () => {
    const all = type("show keyring");
    expect(all).toMatch(/^NODE +ROLE +GOSSIP KEYS +IPSEC KEYS +NEWEST KEY ARRIVED\n/);
    for (const node of ["manager-1", "worker-1", "worker-2"]) expect(rowOf(all, node)).toMatch(/ \d+ \[\d+\] \d+ +\d+ \[\d+\] \d+ +\+00:00:00\.\d{6}$/);
    const one = type("show keyring worker-1").split("\n");
    expect(one).toHaveLength(3);
    expect(one[1]).toBe(rowOf(all, "worker-1"));
  });

  it("shows the SAs of an encrypted overlay, and the ESP an eavesdropper saw", () => {
    type("docker network create --opt encrypted --driver overlay secret-net");
    type("docker service create --name web --network secret-net --replicas 2 nginx");
    type("advance 30s");
    type("docker service create --name client --network secret-net radial/busyboxplus:curl sh -c 'curl -s web:80; sleep 86400'");
    expect(type("advance 30s")).toMatch(/^now \+00:01:00\.\d{6} \(30s later, \d+ events\)\n$/);
    const sas = type("show sa");
    expect(sas).toMatch(/^manager-1 \(10\.0\.0\.1\): IPsec keys \d+ \[\d+\] \d+\n {2}DIR +SRC +DST +SPI +KEY +PACKETS\n/);
    expect(sas.match(/^ {2}out /gm)).toHaveLength(6); // one outbound SA from each node to each other
    expect(sas.match(/^ {2}in /gm)).toHaveLength(18); // three inbound SAs, one per key
    const esp = type("capture esp 5").trimEnd().split("\n");
    expect(esp.length).toBeGreaterThan(0);
    for (const line of esp) expect(line).toMatch(/^\+00:00:\d\d\.\d{6} {2}esp {6}\S+ → \S+ +\d+ B {2}ciphertext {2}SPI 0x[0-9a-f]{8} seq \d+$/);
    expect(type("capture control 50")).toMatch(/control .* TLS application data/);
    const mine = type("capture worker-1 3").trimEnd().split("\n");
    expect(mine).toHaveLength(3);
    for (const line of mine) expect(line).toContain("worker-1");
    expect(type("show wire")).toMatch(/^esp +[1-9]\d* +\d+$/m);
  });

  it("shows certificates, memberlist members, networkdb tables and gossip counters", () => {
    const cert = type("show certs worker-1");
    expect(cert).toMatch(/^worker-1\n {2}subject +CN=[0-9a-z]{25}, OU=swarm-worker, O=[0-9a-z]{25}\n {2}role +worker\n/);
    expect(cert).toContain("  not before  2025-12-31 23:00:00Z (1h1m ago)\n");
    expect(cert).toContain("  issuer      CN=swarm-ca\n");
    expect(type("show members manager-1")).toMatch(/^manager-1 \(networkdb [0-9a-f]{12}\): 3 members\n(.*alive.*\n){0,4}/);
    expect(type("show members").match(/ alive /g)).toHaveLength(9);
    expect(type("show tables worker-1")).toMatch(/^worker-1: network secret-net\n.*\n {2}overlay_peer_table .* via 10\.0\.0\.\d\n/);
    expect(type("show gossip")).toMatch(/^manager-1 +[0-9a-f]{12} +3 +0 +0 /m);
  });

  it("runs the next events one line each, and lists what is scheduled", () => {
    const lines = type("step 5").trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    const times = lines.map((l) => l.slice(0, 16));
    expect([...times].sort()).toEqual(times);
    for (const line of lines) expect(line).toMatch(/^\+00:01:\d\d\.\d{6} {2}[a-z.-]+/);
    const timeline = type("show timeline 4");
    expect(timeline).toMatch(/^the next 4 events:\n( {2}\+00:01:\d\d\.\d{6} {2}in \S+ +[a-z.-]+\n){4}the next of each kind:\n/);
    expect(timeline).toMatch(/^ {2}keymanager\.rotate +\+00:30:00\.000000 +in 28m59s\d*m?s? +1$/m);
  });

  it("runs on to a key rotation, and the nodes move their primary to the middle key", () => {
    expect(type("until rotation --within 10m")).toMatch(/^no key rotation within 10m: stopped at \+00:11:00\.\d{6}/);
    const rotation = type("until rotation");
    const tags = /^key rotation at \+00:30:00\.000000 on manager-1: gossip keys (\d+) (\d+) (\d+), IPsec keys (\d+) (\d+) (\d+)/.exec(rotation);
    expect(tags, rotation).not.toBeNull();
    const [, , gossipMiddle, gossipNewest, , ipsecMiddle, ipsecNewest] = tags!;
    type("advance 1s");
    const keyring = type("show keyring");
    for (const node of ["manager-1", "worker-1", "worker-2"]) {
      expect(rowOf(keyring, node)).toContain(`[${gossipMiddle}] ${gossipNewest}`);
      expect(rowOf(keyring, node)).toContain(`[${ipsecMiddle}] ${ipsecNewest}`);
    }
    expect(type("show sa worker-1")).toMatch(new RegExp(`^ {2}out .* \\[${ipsecMiddle}\\] `, "m"));
    expect(type("until event gossip.bulk-sync")).toMatch(/^gossip\.bulk-sync record at \+00:30:\d\d\.\d{6} on \S+: gossip\.bulk-sync /);
    expect(type("advance 30m")).toMatch(/\n {2}\+01:00:00\.000000 {2}key rotation on manager-1: gossip keys /);
  });

  it("lists its commands, completes words and leaves on exit", () => {
    expect(type("help")).toContain("  until rotation|renewal|event KIND [--within DURATION]");
    expect(shell.completions("show ke")).toEqual([["keyring", "keyrings", "keys"], "ke"]);
    expect(shell.completions("node use w")).toEqual([["worker-1", "worker-2"], "w"]);
    expect(shell.completions("docker swarm j")).toEqual([["join", "join-token"], "j"]);
    expect(shell.run("exit")).toEqual({ text: "", exit: true });
    expect(shell.run("quit").exit).toBe(true);
  });
});

describe("ShellSession on a scenario", () => {
  const scenario = scenarioOf(`name: timeline
seed: 3
cluster: {managers: 1, workers: 1, rsaBits: 1024, gossip: false}
steps:
  - docker node ls
  - wait: 1m
  - {run: docker swarm join-token -q worker, capture: TOKEN}
`);

  it("runs the bootstrap and the whole timeline first, printing each step as swarmsim run does", () => {
    const session = new ShellSession(scenario);
    const started = session.start();
    expect(started).toMatch(/^\[\+00:00:00\.000000\] manager-1\$ docker swarm init\n/);
    expect(started).toContain("] manager-1$ docker node ls\n");
    expect(started).toContain("] wait 1m\n");
    expect(started).toMatch(/swarmsim shell: manager-1 and worker-1 \(seed 3, its timeline of 3 steps run\), now \+00:01:00\.\d{6}\. Type help/);
    expect(session.run("echo $TOKEN").text).toMatch(/^SWMTKN-1-/);
    expect(session.run("next").text).toBe("the timeline has run to its end\n");
  });

  it("with beforeSteps, waits for next to run the timeline", () => {
    const session = new ShellSession(scenario, { beforeSteps: true, seed: 4 });
    expect(session.start()).toMatch(/\(seed 4, 3 steps of its timeline to go \(next\)\), now \+00:00:00\.\d{6}\./);
    expect(session.run("next").text).toMatch(/^\[\+00:00:00\.\d{6}\] manager-1\$ docker node ls\nID +HOSTNAME/);
    expect(session.run("next all").text).toMatch(/^\[\+00:00:00\.\d{6}\] wait 1m\n\n\[\+00:01:00\.\d{6}\] manager-1\$ docker swarm join-token -q worker\nSWMTKN-1-/);
    expect(session.run("next 2").text).toBe("the timeline has run to its end\n");
  });
});

describe("ShellSession faults and timeline steps", () => {
  const faults = new ShellSession(
    scenarioOf(`name: faults
seed: 4
cluster: {managers: 3, workers: 1, rsaBits: 1024, gossip: false}
steps: []
`),
  );
  const run = (line: string) => faults.run(line).text;

  it("crashes and restarts a machine, and partitions and heals, as a scenario's fault steps do", () => {
    faults.start();
    expect(run("crash manager-1")).toMatch(/^\[\+00:00:00\.\d{6}\] crash manager-1\n\n$/);
    run("advance 30s");
    const machines = run("nodes");
    expect(machines).toMatch(/\nmanager-1 \* +10\.0\.0\.1 +linux +manager +active +down\n/);
    expect(machines.match(/ leader /g)).toHaveLength(1);
    expect(run("restart manager-1")).toContain("] restart manager-1\n");
    expect(run("do {partition: [[worker-1], [manager-1, manager-2, manager-3]]}")).toContain("] partition [worker-1] [manager-1, manager-2, manager-3]\n");
    expect(run("heal")).toContain("] heal\n");
    const before = faults.run("time").text;
    expect(run("do {wait: 10s}")).toContain("] wait 10s\n");
    expect(run("time")).not.toBe(before);
    expect(run("do {check: {nodes: {worker-1: {status: ready}}}}")).toContain("ok     worker-1 status ready: ready\n");
  });

  it("refuses a step the scenario file would refuse, in its words, and runs nothing", () => {
    const now = run("time");
    expect(run("do")).toMatch(/^usage: do STEP/);
    expect(run("do {crash: nobody}")).toBe('do: expected one of manager-1, manager-2, manager-3, worker-1 for crash, got "nobody" (in {"crash":"nobody"})\n');
    expect(run("do [")).toBe("do: not a YAML step: Flow sequence must end with a ] at line 1, column 2\n");
    expect(run("crash")).toBe("usage: crash NODE\n");
    expect(run("heal now")).toBe("usage: heal\n");
    expect(run("time")).toBe(now);
    expect(faults.completions("crash m")).toEqual([["manager-1", "manager-2", "manager-3"], "m"]);
  });
});
