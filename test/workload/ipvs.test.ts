import { describe, expect, it } from "vitest";
import { TcpFlag, encodeTcp } from "../../src/net/index.js";
import { addDuration, seconds } from "../../src/sim/index.js";
import { IpvsTable, nginxIndexHtml } from "../../src/workload/index.js";
import { output, workloadWorld } from "./harness.js";

const VIP = "10.0.1.2";
const TASKS = ["10.0.1.3", "10.0.1.4", "10.0.1.5"];
const CLIENT = "10.0.1.9";

describe("VIP load balancing in the container's namespace", () => {
  it("sends each new connection to the next task, with the task's address on the wire and the VIP in the app", () => {
    const world = workloadWorld(7);
    world.names.set("web", [VIP]);
    world.vips.set(VIP, TASKS);
    const tasks = TASKS.map((address) => world.run("nginx", [], address));
    const client = world.run("radial/busyboxplus:curl", ["sh", "-c", "curl -s web && curl -s web && curl -s web && curl -s web"], CLIENT);
    world.sim.scheduler.run({ until: addDuration(world.sim.now, seconds(10)) });

    expect(client.exitCode).toBe(0);
    expect(output(client, "stdout")).toBe(nginxIndexHtml.repeat(4));
    const served = tasks.map((t) => t.logs.filter((l) => l.stream === "stdout" && l.text.startsWith(`${CLIENT} - -`)).length);
    expect(served).toEqual([2, 1, 1]);

    const segments = world.segments();
    const syns = segments.filter((s) => s.segment.flags === TcpFlag.SYN);
    expect(syns.map((s) => s.dst)).toEqual([TASKS[0], TASKS[1], TASKS[2], TASKS[0]]);
    // Not one packet carries the VIP: IPVS rewrote every one in the client's namespace.
    expect(segments.some((s) => s.src === VIP || s.dst === VIP)).toBe(false);
    expect(client.netns.ipvsTable?.connections().map((c) => `${c.localPort}>${c.vip}:${c.port}=${c.backend}`)).toEqual([
      `32768>${VIP}:80=${TASKS[0]}`,
      `32769>${VIP}:80=${TASKS[1]}`,
      `32770>${VIP}:80=${TASKS[2]}`,
      `32771>${VIP}:80=${TASKS[0]}`,
    ]);
  });

  it("keeps a retransmitted SYN on its backend and rewrites checksums both ways", () => {
    let picks = 0;
    const table = new IpvsTable({ resolve: () => [], backendFor: () => TASKS[picks++ % TASKS.length] });
    const syn = { srcPort: 40000, dstPort: 80, seq: 1234, ack: 0, flags: TcpFlag.SYN, window: 65535, payload: new Uint8Array() };
    const first = table.outbound("net", CLIENT, VIP, encodeTcp(syn, CLIENT, VIP));
    const again = table.outbound("net", CLIENT, VIP, encodeTcp(syn, CLIENT, VIP));
    expect([first.dst, again.dst, picks]).toEqual([TASKS[0], TASKS[0], 1]);
    expect(first.segment).toEqual(encodeTcp(syn, CLIENT, TASKS[0]!));
    const reply = { ...syn, srcPort: 80, dstPort: 40000, flags: TcpFlag.SYN | TcpFlag.ACK, ack: 1235 };
    const back = table.inbound({ src: TASKS[0]!, dst: CLIENT, protocol: 6, identification: 1, ttl: 64, dontFragment: true, payload: encodeTcp(reply, TASKS[0]!, CLIENT) });
    expect(back.src).toBe(VIP);
    expect(back.payload).toEqual(encodeTcp(reply, VIP, CLIENT));
    // A new connection from the same port (a new ISN) gets a new pick.
    const next = table.outbound("net", CLIENT, VIP, encodeTcp({ ...syn, seq: 999 }, CLIENT, VIP));
    expect(next.dst).toBe(TASKS[1]);
  });

  it("leaves traffic to addresses that are not VIPs alone", () => {
    const table = new IpvsTable({ resolve: () => [], backendFor: () => undefined });
    const segment = encodeTcp({ srcPort: 40000, dstPort: 80, seq: 1, ack: 0, flags: TcpFlag.SYN, window: 1000, payload: new Uint8Array() }, CLIENT, TASKS[0]!);
    expect(table.outbound("net", CLIENT, TASKS[0]!, segment)).toEqual({ dst: TASKS[0], segment });
    expect(table.size).toBe(0);
  });
});
