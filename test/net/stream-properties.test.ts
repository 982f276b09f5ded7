import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LatencyModel, type Stream, fixedLatency, uniformLatency } from "../../src/net/index.js";
import { ms } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";
import { streamWorld } from "./stream-helpers.js";
import { concat } from "./wire-helpers.js";

const arbLatency: fc.Arbitrary<LatencyModel> = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map((n) => fixedLatency(ms(n))),
  fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 60 })).map(([lo, span]) => uniformLatency(ms(lo), ms(lo + span))),
);

const arbWrites = fc.array(fc.uint8Array({ minLength: 0, maxLength: 4000 }), { maxLength: 8 });

describe("streams under loss and reordering", () => {
  it("each side receives exactly the concatenation of what the other wrote, then end and close", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        arbLatency,
        fc.integer({ min: 0, max: 200_000 }),
        arbWrites,
        arbWrites,
        (seed, latency, lossPpm, clientWrites, serverWrites) => {
          // Enough retries that 20 % loss cannot plausibly exhaust them (0.2^30).
          const { sim, fabric } = streamWorld(seed, { latency, lossPpm, tcp: { maxRetransmits: 30 } });
          const a = fabric.addHost("a");
          const b = fabric.addHost("b");
          const atServer: Uint8Array[] = [];
          const atClient: Uint8Array[] = [];
          const log: string[] = [];
          b.listen(2377, (server: Stream) => {
            server.on("data", (d) => atServer.push(d.slice()));
            server.on("end", () => log.push("server end"));
            server.on("close", () => log.push("server close"));
            server.on("reset", (r) => log.push(`server reset ${r}`));
            for (const w of serverWrites) server.write(w);
            server.close();
          });
          const client = a.connect(b.ip, 2377);
          client.on("data", (d) => atClient.push(d.slice()));
          client.on("end", () => log.push("client end"));
          client.on("close", () => log.push("client close"));
          client.on("reset", (r) => log.push(`client reset ${r}`));
          for (const w of clientWrites) client.write(w);
          client.close();
          sim.scheduler.run();
          expect(concat(atServer)).toEqual(concat(clientWrites));
          expect(concat(atClient)).toEqual(concat(serverWrites));
          expect(log.filter((l) => l.includes("reset"))).toEqual([]);
          expect(log.filter((l) => l.endsWith("end")).sort()).toEqual(["client end", "server end"]);
          expect(log.filter((l) => l.endsWith("close")).sort()).toEqual(["client close", "server close"]);
        },
      ),
      { seed: 42, numRuns: propertyRuns(60) },
    );
  });
});
