import { availableParallelism } from "node:os";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * Starts the longest test file first. `test/scenarios.test.ts` runs
 * key-rotation.yaml's 36 simulated hours alone, about two minutes: started
 * last, as vitest does with a small file when it has no timings cached (a
 * fresh clone, CI), it would run on one core after everything else is done.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => (f.moduleId.endsWith("test/scenarios.test.ts") ? 0 : 1);
    return [...sorted].sort((a, b) => first(a) - first(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Every core: vitest's default leaves one for itself, which on a 2-core machine means one test file at a time.
    maxWorkers: availableParallelism(),
    sequence: { sequencer: LongestFirst },
  },
});
