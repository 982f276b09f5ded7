import { describe, expect, it } from "vitest";
import { world } from "./fabric-helpers.js";

describe("default underlay addresses", () => {
  it("fill 10.0.0.1-254 first, then go on in 10.0.1.x, skipping .0 and .255", () => {
    const { fabric } = world();
    const hosts = Array.from({ length: 300 }, (_, i) => fabric.addHost(`h${i}`));
    expect(hosts[0]!.ip).toBe("10.0.0.1");
    expect(hosts[253]!.ip).toBe("10.0.0.254");
    expect(hosts[254]!.ip).toBe("10.0.1.1");
    expect(new Set(hosts.map((h) => h.ip)).size).toBe(300);
  });
});
