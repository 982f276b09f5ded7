/**
 * The shell's pure parts: what an eavesdropper reads in a packet, typed
 * lines with assignments and `$NAME`, side-by-side panels, tab completion,
 * and the excerpt matching the tutorial test relies on.
 */
import { describe, expect, it } from "vitest";
import { IpProtocol, TcpFlag, encodeIpv4, encodeTcp, encodeUdp } from "../../src/net/index.js";
import { complete, readPacket, readTypedLine, sideBySide, table } from "../../src/shell/index.js";
import { excerptMismatch } from "./excerpt.js";

const src = "10.0.0.1";
const dst = "10.0.0.2";
const text = (s: string) => new TextEncoder().encode(s);
const udp = (dstPort: number, payload: Uint8Array) => encodeIpv4({ src, dst, protocol: IpProtocol.udp, identification: 1, payload: encodeUdp({ srcPort: 40000, dstPort, payload }, src, dst) });
const tcp = (dstPort: number, payload: Uint8Array, flags = TcpFlag.ACK | TcpFlag.PSH) =>
  encodeIpv4({ src, dst, protocol: IpProtocol.tcp, identification: 1, payload: encodeTcp({ srcPort: 40000, dstPort, seq: 1, ack: 1, flags, window: 65535, payload }, src, dst) });

describe("readPacket", () => {
  it("reads an ESP packet's SPI and sequence number, and calls the rest ciphertext", () => {
    const esp = new Uint8Array([0x1a, 0x2b, 0x3c, 0x4d, 0, 0, 0, 7, ...new Array(40).fill(0xee)]);
    expect(readPacket(encodeIpv4({ src, dst, protocol: IpProtocol.esp, identification: 1, payload: esp }))).toEqual({ path: "esp", verdict: "ciphertext", detail: "SPI 0x1a2b3c4d seq 7" });
  });

  it("reads a TLS handshake on 2377 as plaintext with its readable strings, and application data as ciphertext", () => {
    const handshake = new Uint8Array([22, 3, 2, 0, 40, 0x30, 0x82, ...text("swarm-ca"), 0, 0x13, ...text("swarm-worker"), 0]);
    const hello = readPacket(tcp(2377, handshake));
    expect(hello.path).toBe("control");
    expect(hello.verdict).toBe("plaintext");
    expect(hello.detail).toBe('TLS handshake "swarm-ca" "swarm-worker"');
    expect(readPacket(tcp(2377, new Uint8Array([23, 3, 2, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9])))).toMatchObject({ verdict: "ciphertext", detail: "TLS application data 01 02 03 04 05 06 07 08 …" });
    expect(readPacket(tcp(2377, new Uint8Array(), TcpFlag.SYN))).toEqual({ path: "control", verdict: "no payload", detail: "TCP SYN" });
  });

  it("reads cleartext VXLAN down to the container's bytes", () => {
    const inner = encodeIpv4({ src: "10.0.1.3", dst: "10.0.1.4", protocol: IpProtocol.tcp, identification: 2, payload: encodeTcp({ srcPort: 80, dstPort: 40000, seq: 1, ack: 1, flags: TcpFlag.ACK, window: 100, payload: text("HTTP/1.1 200 OK") }, "10.0.1.3", "10.0.1.4") });
    const vxlan = new Uint8Array([0x08, 0, 0, 0, 0, 0x10, 0x01, 0, ...new Array(14).fill(0), ...inner]);
    expect(readPacket(udp(4789, vxlan))).toEqual({ path: "vxlan", verdict: "plaintext", detail: 'VNI 4097 "HTTP/1.1 200 OK"' });
  });

  it("calls gossip ciphertext, and never throws on bytes too short for their headers", () => {
    expect(readPacket(udp(7946, new Uint8Array([1, 9, 9, 9])))).toMatchObject({ path: "gossip", verdict: "ciphertext" });
    for (let n = 0; n < 30; n++) expect(() => readPacket(new Uint8Array(n).fill(0x45))).not.toThrow();
  });
});

describe("readTypedLine", () => {
  const vars = new Map([["TOKEN", "SWMTKN-1-abc"]]);

  it("expands $NAME outside single quotes and splits as a shell does", () => {
    expect(readTypedLine("docker swarm join --token $TOKEN manager-1:2377", vars)).toEqual({
      kind: "docker",
      text: "docker swarm join --token SWMTKN-1-abc manager-1:2377",
      argv: ["docker", "swarm", "join", "--token", "SWMTKN-1-abc", "manager-1:2377"],
    });
    expect(readTypedLine("docker service create nginx sh -c 'echo $TOKEN'", vars)).toMatchObject({ argv: ["docker", "service", "create", "nginx", "sh", "-c", "echo $TOKEN"] });
  });

  it("keeps a command's output with NAME=$(docker ...), and a word with NAME=value", () => {
    expect(readTypedLine("T=$(docker swarm join-token -q worker)", vars)).toMatchObject({ kind: "capture", name: "T", argv: ["docker", "swarm", "join-token", "-q", "worker"] });
    expect(readTypedLine('GREETING="hello world"', vars)).toEqual({ kind: "assign", name: "GREETING", value: "hello world" });
  });

  it("says what is wrong: a name never set, an open quote, a command that is not docker", () => {
    expect(readTypedLine("docker node inspect $NODE", vars)).toEqual({ kind: "error", message: "swarmsim: $NODE is not set; set it first, e.g. NODE=$(docker swarm join-token -q worker)" });
    expect(readTypedLine("docker node ls 'oops", vars)).toEqual({ kind: "error", message: "sh: syntax error: unterminated single quote at character 16" });
    expect(readTypedLine("X=$(ls -l)", vars)).toEqual({ kind: "error", message: 'swarmsim: only docker commands run inside $( ), got "ls"' });
  });
});

describe("layout", () => {
  const blocks = [
    { title: "manager-1", lines: ["leader", "gossip 4 [5] 6"] },
    { title: "worker-1", lines: ["worker"] },
  ];

  it("sets panels side by side when they fit, and one under the other when not", () => {
    expect(sideBySide(blocks, 80)).toBe("manager-1        worker-1\nleader           worker\ngossip 4 [5] 6\n");
    expect(sideBySide(blocks, 20)).toBe("manager-1\n  leader\n  gossip 4 [5] 6\nworker-1\n  worker\n");
  });

  it("pads table columns as docker does", () => {
    expect(table(["NODE", "ROLE"], [["manager-1", "leader"]])).toBe("NODE        ROLE\nmanager-1   leader\n");
  });
});

describe("complete", () => {
  it("offers commands, show subjects, machines and docker verbs for the word being typed", () => {
    expect(complete("", [])[0]).toContain("advance");
    expect(complete("sh", [])).toEqual([["show"], "sh"]);
    expect(complete("capture e", ["worker-1"])).toEqual([["esp"], "e"]);
    expect(complete("docker network c", [])).toEqual([["create"], "c"]);
    expect(complete("docker swarm join --token T m", ["manager-1"])).toEqual([["manager-1", "manager-1:2377"], "m"]);
    expect(complete("until event keym", [])).toEqual([["keymanager.rotate"], "keym"]);
  });
});

describe("excerptMismatch", () => {
  const output = "NODE        ROLE\nmanager-1   leader    51403 [51404] 51405\nworker-1    worker\n";

  it("matches lines in order, with … for any text and any run of spaces for one", () => {
    expect(excerptMismatch(["manager-1 leader 51403 […] 51405", "…", "worker-1 worker"], output)).toBeUndefined();
    expect(excerptMismatch(["worker-1 worker", "manager-1 …"], output)).toBe("manager-1 …");
    expect(excerptMismatch(["manager-1 leader 51403"], output)).toBe("manager-1 leader 51403");
  });
});
