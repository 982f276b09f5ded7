/** The NSS key log: one `CLIENT_RANDOM` line per session, in the format Wireshark reads. */
import { describe, expect, it } from "vitest";
import { KeyLog, nssKeyLogLine } from "../../src/tls/index.js";

const random = (first: number) => Uint8Array.from({ length: 32 }, (_, i) => (first + i) & 0xff);
const secret = Uint8Array.from({ length: 48 }, (_, i) => 0xf0 ^ i);

describe("NSS key log", () => {
  it("writes CLIENT_RANDOM, 64 hex of client random, 96 hex of master secret", () => {
    const line = nssKeyLogLine(random(0), secret);
    expect(line).toBe(
      "CLIENT_RANDOM 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f " +
        "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeffe0e1e2e3e4e5e6e7e8e9eaebecedeeefd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
    );
  });

  it("refuses a client random or master secret of the wrong length, naming it", () => {
    expect(() => nssKeyLogLine(new Uint8Array(31), secret)).toThrow(`"clientRandom" expected Uint8Array of length 32, got length=31`);
    expect(() => nssKeyLogLine(random(0), new Uint8Array(47))).toThrow(`"masterSecret" expected Uint8Array of length 48, got length=47`);
  });

  it("keeps one line per client random, in order, and streams each new line", () => {
    const streamed: string[] = [];
    const log = new KeyLog((line) => streamed.push(line));
    log.add(random(0), secret);
    log.add(random(0), secret); // the other end of the same session
    log.add(random(1), secret); // a resumed session: new random, same master secret
    expect(log.lines).toHaveLength(2);
    expect(streamed).toEqual(log.lines);
    expect(log.text()).toBe(`${log.lines[0]}\n${log.lines[1]}\n`);
    expect(new KeyLog().text()).toBe("");
  });
});
