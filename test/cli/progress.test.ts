import { describe, expect, it } from "vitest";
import { ProgressBar } from "../../src/cli/progress.js";
import { instant } from "../../src/sim/index.js";

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, columns: 120, write: (t: string) => written.push(t) }, written };
}

describe("the progress bar", () => {
  it("stays silent for runs shorter than two seconds", () => {
    let wall = 0;
    const { stream, written } = terminal(true);
    const bar = new ProgressBar(stream, 4, undefined, () => wall);
    wall = 1_999;
    bar.update({ now: instant(5), events: 10, step: 1 });
    bar.done();
    expect(written).toEqual([]);
  });

  it("draws on a terminal once a run is slow, at most ten times a second, and clears itself", () => {
    let wall = 0;
    const { stream, written } = terminal(true);
    const bar = new ProgressBar(stream, 4, undefined, () => wall);
    wall = 2_500;
    bar.update({ now: instant(60_000_000), events: 123_456, step: 1 });
    wall = 2_550;
    bar.update({ now: instant(61_000_000), events: 123_999, step: 1 });
    expect(written).toHaveLength(1);
    expect(written[0]).toContain("[======                  ] step 2/4  simulated +00:01:00.000000  123,456 events");
    bar.done();
    expect(written[1]).toBe("\r\x1b[K");
  });

  it("never draws when stderr is not a terminal", () => {
    let wall = 0;
    const { stream, written } = terminal(false);
    const bar = new ProgressBar(stream, 1, undefined, () => wall);
    wall = 10_000;
    bar.update({ now: instant(1), events: 1, step: 0 });
    bar.done();
    expect(written).toEqual([]);
  });
});
