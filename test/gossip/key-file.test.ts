import { describe, expect, it } from "vitest";
import { gossipKeyFileName, gossipKeyFileText, gossipKeyLine } from "../../src/gossip/key-file.js";
import { Keyring, KeyringHistory } from "../../src/gossip/keyring.js";
import { fromHex } from "../crypto/hex.js";

const k0 = fromHex("000102030405060708090a0b0c0d0e0f");
const k1 = fromHex("0f0e0d0c0b0a09080706050403020100");
const k256 = fromHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");

/** Reads the file as moby's memberlist.lua does: `io.lines(path)`, each line a hex key. */
function readAsDissector(text: string): Uint8Array[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop(); // io.lines yields no empty line after the final newline
  return lines.map(fromHex);
}

describe("the gossip keys file", () => {
  it("is named gossip-keys.txt", () => {
    expect(gossipKeyFileName).toBe("gossip-keys.txt");
  });

  it("lists each key as lowercase hex on its own line, each line ending in a newline, as dockerd's logEncKeys writes it", () => {
    expect(gossipKeyFileText([k0, k1, k256])).toBe(
      "000102030405060708090a0b0c0d0e0f\n" +
        "0f0e0d0c0b0a09080706050403020100\n" +
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n",
    );
    expect(gossipKeyLine(k0)).toBe("000102030405060708090a0b0c0d0e0f");
    expect(gossipKeyFileText([])).toBe("");
  });

  it("reads back, line by line, to the same keys in the same order", () => {
    expect(readAsDissector(gossipKeyFileText([k1, k0, k256]))).toEqual([k1, k0, k256]);
  });

  it("lists every key a node ever installed, removed ones included, from its history", () => {
    const history = new KeyringHistory();
    const created = Keyring.create([k1], k0, history);
    if (!created.ok) throw new Error(created.message);
    const ring = created.keyring;
    ring.addKey(k256);
    ring.useKey(k256);
    ring.removeKey(k0);
    expect(ring.keys()).toEqual([k256, k1]);
    expect(readAsDissector(gossipKeyFileText(history.keys()))).toEqual([k0, k1, k256]);
  });

  it("refuses what is not an AES key, naming the argument", () => {
    expect(() => gossipKeyLine(new Uint8Array(5))).toThrow(/"key" expected Uint8Array of length 16, 24 or 32, got length=5/);
    expect(() => gossipKeyFileText(["00" as unknown as Uint8Array])).toThrow(TypeError);
  });
});
