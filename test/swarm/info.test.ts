import { describe, expect, it } from "vitest";
import { humanDuration } from "../../src/swarm/docker/human-duration.js";
import { tokenOf, world } from "../support/swarm.js";

describe("docker info", () => {
  it("shows the swarm as the engine sees it: inactive, a manager's cluster and CA, a worker's managers", () => {
    const w = world();
    expect(w.docker("m1", "docker info").stdout).toContain("\n Swarm: inactive\n");
    w.docker("m1", "docker swarm init");
    w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
    const manager = w.docker("m1", "docker info").stdout;
    expect(manager).toMatch(/\n Swarm: active\n  NodeID: [0-9a-z]{25}\n  Is Manager: true\n  ClusterID: [0-9a-z]{25}\n  Managers: 1\n  Nodes: 2\n/);
    expect(manager).toContain("  CA Configuration:\n   Expiry Duration: 3 months\n   Force Rotate: 0\n");
    expect(manager).toContain("  Root Rotation In Progress: false\n  Node Address: 10.0.0.1\n  Manager Addresses:\n   10.0.0.1:2377\n");
    const worker = w.docker("w1", "docker info").stdout;
    expect(worker).toMatch(/ Swarm: active\n  NodeID: [0-9a-z]{25}\n  Is Manager: false\n  Node Address: 10.0.0.2\n  Manager Addresses:\n   10.0.0.1:2377\n/);
    w.docker("m1", "docker swarm update --cert-expiry 720h");
    expect(w.docker("m1", "docker info").stdout).toContain("Expiry Duration: 4 weeks");
  });

  it.each([
    [0, "Less than a second"],
    [1_000_000, "1 second"],
    [90_000_000, "About a minute"],
    [3_600_000_000, "About an hour"],
    [36 * 3_600_000_000, "36 hours"],
    [90 * 86_400_000_000, "3 months"],
    [3 * 365 * 86_400_000_000, "3 years"],
  ])("prints %d µs as %s, as go-units does", (micros, text) => {
    expect(humanDuration(micros)).toBe(text);
  });
});
