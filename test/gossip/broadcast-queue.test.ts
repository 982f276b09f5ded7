import { describe, expect, it } from "vitest";
import { BroadcastQueue, pushPullIntervalFor, retransmitLimit, suspicionTimeoutUs } from "../../src/gossip/index.js";
import { seconds } from "../../src/sim/index.js";

const bytes = (length: number, fill = 1) => new Uint8Array(length).fill(fill);

describe("memberlist's timing formulas (util.go)", () => {
  it("suspicion timeout is 4·max(1, log10 N) probe intervals, kept to three decimals", () => {
    expect(suspicionTimeoutUs(1)).toBe(seconds(4));
    expect(suspicionTimeoutUs(10)).toBe(seconds(4));
    expect(suspicionTimeoutUs(100)).toBe(seconds(8));
    expect(suspicionTimeoutUs(50)).toBe(seconds(4 * 1.698));
  });

  it("retransmit limit is 4·ceil(log10(N+1)); push/pull scales above 32 nodes", () => {
    expect([1, 3, 9, 10, 99, 100].map((n) => retransmitLimit(n))).toEqual([4, 4, 4, 8, 8, 12]);
    expect([2, 32, 33, 64, 65, 100].map((n) => pushPullIntervalFor(n) / seconds(1))).toEqual([30, 30, 60, 60, 90, 90]);
  });
});

describe("the broadcast queue (queue.go TransmitLimitedQueue)", () => {
  it("sends each broadcast retransmitLimit(n) times, fewest transmissions first, then longest, then newest", () => {
    const queue = new BroadcastQueue(() => 3); // limit 4
    queue.queue({ message: bytes(10, 1) });
    queue.queue({ message: bytes(20, 2) });
    queue.queue({ message: bytes(10, 3) });
    expect(queue.take(2, 1000).map((m) => m[0])).toEqual([2, 3, 1]);
    for (let i = 0; i < 3; i++) expect(queue.take(2, 1000)).toHaveLength(3);
    expect(queue.take(2, 1000)).toEqual([]);
    expect(queue.length).toBe(0);
  });

  it("takes only what fits, counting each part's overhead, and keeps the rest for the next packet", () => {
    const queue = new BroadcastQueue(() => 3);
    queue.queue({ message: bytes(100, 1) });
    queue.queue({ message: bytes(50, 2) });
    queue.queue({ message: bytes(40, 3) });
    expect(queue.take(2, 95).map((m) => m[0])).toEqual([2, 3]);
    expect(queue.take(2, 95).map((m) => m[0])).toEqual([2, 3]); // the 100-byte one never fits
    expect(queue.take(2, 200).map((m) => m[0])).toEqual([1, 2, 3]);
  });

  it("a named broadcast replaces a queued one of the same name", () => {
    const queue = new BroadcastQueue(() => 3);
    queue.queue({ message: bytes(5, 1), name: "node-a" });
    queue.queue({ message: bytes(5, 2), name: "node-b" });
    queue.queue({ message: bytes(5, 3), name: "node-a" });
    expect(queue.take(2, 1000).map((m) => m[0]).sort()).toEqual([2, 3]);
  });

  it("tells a broadcast it is finished once sent its last time, replaced, or reset", () => {
    const finished: string[] = [];
    const queue = new BroadcastQueue(() => 3); // limit 4
    queue.queue({ message: bytes(5, 1), finished: () => finished.push("first") });
    queue.queue({ message: bytes(5, 2), name: "a", finished: () => finished.push("replaced") });
    queue.queue({ message: bytes(5, 3), name: "a", finished: () => finished.push("second") });
    expect(finished).toEqual(["replaced"]);
    for (let i = 0; i < 3; i++) queue.take(2, 1000);
    expect(finished).toEqual(["replaced"]);
    queue.take(2, 1000);
    expect(finished).toEqual(["replaced", "second", "first"]);
    const other = new BroadcastQueue(() => 3);
    other.queue({ message: bytes(5), finished: () => finished.push("reset") });
    other.reset();
    expect(finished.at(-1)).toBe("reset");
  });
});
