/**
 * The attacker of one scenario run: an eavesdropper on the wire from the
 * first packet (when the timeline reads its capture), a host of its own that
 * it re-sends packets from (added at its first replay or bit flip), and the
 * network keys it took from nodes' memory.
 */

import { Eavesdropper, Injector, type InjectionReport, type LeakedKey, injectBitFlips, leakKey, replay } from "../adversary/index.js";
import { wirePaths } from "../net/index.js";
import type { Cluster, CommandOutput } from "../swarm/index.js";
import type { AdversaryView } from "./check-adversary.js";
import type { Attack } from "./types.js";

/** The attacker as a scenario step sees it. */
export class Adversary implements AdversaryView {
  readonly eavesdropper: Eavesdropper | undefined;
  readonly leaks: LeakedKey[] = [];
  private injector: Injector | undefined;

  constructor(
    private readonly cluster: Cluster,
    eavesdrop: boolean,
  ) {
    this.eavesdropper = eavesdrop ? new Eavesdropper(cluster.fabric) : undefined;
  }

  /** Carries out `attack` now; what it did, as a command's output (a leak of a key the node does not hold fails). */
  attack(attack: Attack): CommandOutput {
    if (attack.kind === "leak-key") {
      const leak = leakKey(this.cluster, attack.node, attack.subsystem, attack.which);
      if (!leak.ok) return { stdout: "", stderr: `leak-key: ${leak.reason}\n`, exitCode: 1 };
      this.leaks.push(leak.key);
      return { stdout: `took ${attack.subsystem} key ${leak.key.tag} from ${attack.node}'s memory\n`, stderr: "", exitCode: 0 };
    }
    // needsEavesdropper made one for every timeline with an attack step.
    const capture = this.eavesdropper!;
    this.injector ??= new Injector(this.cluster.fabric);
    const s = attack.select;
    const selection = { path: s.path, to: s.to, ...(s.from === undefined ? {} : { from: s.from }), ...(s.transport === undefined ? {} : { transport: s.transport }), ...(s.last === undefined ? {} : { last: s.last }) };
    const report = attack.kind === "replay" ? replay(this.injector, capture, selection) : injectBitFlips(this.injector, capture, { ...selection, region: attack.region });
    return { stdout: describeInjection(report, this.injector.host.ip), stderr: "", exitCode: 0 };
  }
}

/** `sent 12 packets from 10.0.0.9 (esp 12)`, and any selected but not sent. */
function describeInjection(report: InjectionReport, from: string): string {
  const byPath = wirePaths.filter((p) => report.byPath[p] > 0).map((p) => `${p} ${report.byPath[p]}`);
  const skipped = report.skipped === 0 ? "" : `; ${report.skipped} selected had no bit to flip`;
  return `sent ${report.injected.length} packet${report.injected.length === 1 ? "" : "s"} from ${from}${byPath.length === 0 ? "" : ` (${byPath.join(", ")})`}${skipped}\n`;
}
