/** Service discovery from endpoint_table: names, tasks.NAME, aliases, and the VIP's round robin. */
import { describe, expect, it } from "vitest";
import { ServiceRecords } from "../../src/overlay/index.js";
import { seconds } from "../../src/sim/index.js";
import { overlayWorld, plainNet, secureNet } from "./driver-world.js";

function world() {
  const w = overlayWorld(3);
  w.giveKeys(1, 2, 3);
  const web = { serviceName: "web", serviceId: "svc-web", virtualIp: "10.0.2.2", aliases: ["frontend"] };
  w.join(1, plainNet, "10.0.2.3", { ...web, name: "web.1.aaaa", taskAliases: ["web-one"] });
  w.join(2, plainNet, "10.0.2.4", { ...web, name: "web.2.bbbb" });
  w.join(2, plainNet, "10.0.2.6", { name: "db.1.cccc", serviceName: "db", serviceId: "svc-db" });
  w.join(3, plainNet, "10.0.2.5", { name: "client" });
  w.join(3, secureNet, "10.0.1.5", { name: "vault.1.dddd", serviceName: "vault", serviceId: "svc-vault", virtualIp: "10.0.1.2" });
  w.run(seconds(5));
  const records = new ServiceRecords({ networkDb: () => w.peer(3).db, networks: () => w.driver(3).joinedNetworks() });
  return { w, records };
}

describe("ServiceRecords", () => {
  it("resolves a service to its VIP, tasks.NAME to the tasks, and names and aliases to their container", () => {
    const { records } = world();
    const on = [plainNet.id];
    expect(records.resolve("web", on)).toEqual(["10.0.2.2"]);
    expect(records.resolve("WEB.", on)).toEqual(["10.0.2.2"]);
    expect(records.resolve("frontend", on)).toEqual(["10.0.2.2"]);
    expect(records.resolve("tasks.web", on)).toEqual(["10.0.2.3", "10.0.2.4"]);
    expect(records.resolve("tasks.frontend", on)).toEqual(["10.0.2.3", "10.0.2.4"]);
    expect(records.resolve("web.1.aaaa", on)).toEqual(["10.0.2.3"]);
    expect(records.resolve("web-one", on)).toEqual(["10.0.2.3"]);
    expect(records.resolve("client", on)).toEqual(["10.0.2.5"]);
    // A service without a VIP (DNS round robin) resolves to its tasks.
    expect(records.resolve("db", on)).toEqual(["10.0.2.6"]);
    expect(records.resolve("nothing", on)).toEqual([]);
  });

  it("answers from the first of the container's networks that has the name, and only from networks joined", () => {
    const { records } = world();
    expect(records.resolve("vault", [plainNet.id])).toEqual([]);
    expect(records.resolve("vault", [plainNet.id, secureNet.id])).toEqual(["10.0.1.2"]);
    expect(records.resolve("web", ["not-joined"])).toEqual([]);
  });

  it("spreads new connections to a VIP over its tasks, round robin, per network", () => {
    const { records } = world();
    expect([1, 2, 3, 4, 5].map(() => records.backendFor("10.0.2.2", plainNet.id))).toEqual(["10.0.2.3", "10.0.2.4", "10.0.2.3", "10.0.2.4", "10.0.2.3"]);
    expect(records.backendFor("10.0.2.2", secureNet.id)).toBeUndefined();
    expect(records.backendFor("10.0.2.99", plainNet.id)).toBeUndefined();
  });

  it("forgets a task whose endpoint left", () => {
    const { w, records } = world();
    const leaving = w.driver(2).peers(plainNet.id).find((p) => p.local && p.address === "10.0.2.4")!;
    w.driver(2).leaveEndpoint(leaving.endpointId);
    w.run(seconds(5));
    expect(records.resolve("tasks.web", [plainNet.id])).toEqual(["10.0.2.3"]);
    expect(records.backendFor("10.0.2.2", plainNet.id)).toBe("10.0.2.3");
  });
});
