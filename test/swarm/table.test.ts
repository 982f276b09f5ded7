import { describe, expect, it } from "vitest";
import { formatTable } from "../../src/swarm/docker/table.js";

describe("docker's tables", () => {
  it("pads columns as docker/cli's tabwriter does", () => {
    // The layout of a real `docker node ls`.
    expect(
      formatTable(
        ["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"],
        [["21zfgkavepn2z349ac3m31o3j *", "ubuntu", "Ready", "Active", "Leader", "19.03.12"]],
      ),
    ).toBe(
      "ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION\n" +
        "21zfgkavepn2z349ac3m31o3j *   ubuntu     Ready     Active         Leader           19.03.12\n",
    );
  });
});
