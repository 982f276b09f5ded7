/**
 * The second half of the shipped scenarios (the split is in
 * test/support/scenarios.ts; test/scenarios.test.ts runs the first).
 */
import { describeScenarioGroup } from "./support/scenarios.js";

describeScenarioGroup(1);
