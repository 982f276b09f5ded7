import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandVariables, joinCommandLine, referencedVariables, splitCommandLine } from "../../src/swarm/index.js";
import { propertyRuns } from "../support/properties.js";

describe("splitting a command line into words", () => {
  it.each([
    ["docker network ls", ["docker", "network", "ls"]],
    ["docker  run   -d  nginx", ["docker", "run", "-d", "nginx"]],
    ["sh -c 'curl encrypted-overlay-nginx:80 && sleep 3600'", ["sh", "-c", "curl encrypted-overlay-nginx:80 && sleep 3600"]],
    ['echo "a \\"b\\" $c" d\\ e', ["echo", 'a "b" $c', "d e"]],
    ["x '' y", ["x", "", "y"]],
  ])("splits %j", (line, words) => {
    expect(splitCommandLine(line)).toEqual({ ok: true, argv: words });
  });

  it.each(["a 'b", 'a "b', "a \\"])("refuses %j with a reason", (line) => {
    const r = splitCommandLine(line);
    expect(r.ok).toBe(false);
  });

  it("join then split gives the same words", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }), (words) => {
        const r = splitCommandLine(joinCommandLine(words));
        return r.ok && JSON.stringify(r.argv) === JSON.stringify(words);
      }),
      { seed: 11, numRuns: propertyRuns(500) },
    );
  });
});

describe("variables in command lines", () => {
  const values = new Map([
    ["TOKEN", "SWMTKN-1-abc"],
    ["IP", "10.0.0.1"],
  ]);

  it("expands $NAME and ${NAME} outside single quotes", () => {
    expect(expandVariables("docker swarm join --token $TOKEN ${IP}:2377", values)).toEqual({
      ok: true,
      line: "docker swarm join --token SWMTKN-1-abc 10.0.0.1:2377",
    });
    expect(expandVariables(`sh -c 'echo $TOKEN' "$IP"`, values)).toEqual({ ok: true, line: `sh -c 'echo $TOKEN' "10.0.0.1"` });
    expect(expandVariables("echo \\$TOKEN", values)).toEqual({ ok: true, line: "echo \\$TOKEN" });
  });

  it("names the first variable without a value", () => {
    expect(expandVariables("x $NOPE $IP", values)).toEqual({ ok: false, missing: "NOPE" });
    expect(referencedVariables(`a $A '$B' "\${C}"`)).toEqual(["A", "C"]);
  });
});
