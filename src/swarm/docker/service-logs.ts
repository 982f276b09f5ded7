/**
 * What `docker service logs` prints, as a pure function of the tasks' log
 * lines: each line prefixed with its task's context as docker/cli
 * cli/command/service/logs.go taskFormatter and logWriter write it,
 * `web.1.k2v0bqsdxn8r@w1    | hello`, stdout lines on stdout and stderr lines
 * on stderr.
 */

import type { Instant } from "../../sim/index.js";
import type { LogLine } from "../../workload/types.js";
import { goTime, truncateId } from "./service-output.js";

/** One task's lines, with the names the CLI resolves for its context. */
export interface TaskLogSource {
  readonly taskId: string;
  readonly slot: number;
  /** The service's name (its ID with `--no-resolve`). */
  readonly serviceName: string;
  /** The node's hostname (its ID with `--no-resolve`). */
  readonly nodeName: string;
  /** What the task's container wrote, oldest first. */
  readonly lines: readonly LogLine[];
}

/** The flags of `docker service logs` that change the text. */
export interface ServiceLogOptions {
  /** The service's replica count: slot numbers are padded to its width. */
  readonly replicas: number;
  /** `--no-trunc`: full task IDs. */
  readonly noTrunc?: boolean;
  /** `--no-task-ids`: no task ID in the context. */
  readonly noTaskIds?: boolean;
  /** `--raw`: the lines alone, no context. */
  readonly raw?: boolean;
  /** `-t`: each line starts with its time (jsonmessage.RFC3339NanoFixed). */
  readonly timestamps?: boolean;
}

/** logs.go getMaxLength: the width of a number in base 10. */
const widthOf = (n: number) => String(n).length;

/**
 * logs.go taskFormatter.format: `SERVICE.SLOT.TASKID@NODE`, padded so that
 * slots line up to the width of the replica count (`web.2` beside `web.10`).
 */
export function taskLogContext(source: TaskLogSource, options: ServiceLogOptions): string {
  let name = `${source.serviceName}.${source.slot}`;
  if (options.noTaskIds !== true) name += `.${options.noTrunc === true ? source.taskId : truncateId(source.taskId)}`;
  const padding = Math.max(0, widthOf(options.replicas) - widthOf(source.slot));
  return `${name}@${source.nodeName}${" ".repeat(padding)}`;
}

/**
 * The lines of all `sources` merged by time (ties in the order given, which
 * callers make slot order), each formatted as the CLI prints it.
 *
 * @example
 * ```ts
 * serviceLogText([{ taskId: "k2v0bqsdxn8rw3y4", slot: 1, serviceName: "web", nodeName: "w1",
 *   lines: [{ at: 0 as Instant, stream: "stdout", text: "hello" }] }], { replicas: 1 });
 * // { stdout: "web.1.k2v0bqsdxn8r@w1    | hello\n", stderr: "" }
 * ```
 */
export function serviceLogText(sources: readonly TaskLogSource[], options: ServiceLogOptions): { stdout: string; stderr: string } {
  const entries = sources.flatMap((source, s) => source.lines.map((line, l) => ({ source, line, s, l })));
  entries.sort((a, b) => a.line.at - b.line.at || a.s - b.s || a.l - b.l);
  const out = { stdout: "", stderr: "" };
  for (const { source, line } of entries) {
    const time = options.timestamps === true ? `${goTime(line.at as Instant, true)} ` : "";
    // logs.go logWriter.Write: timestamp, context, four spaces and a bar, then the message.
    const context = options.raw === true ? "" : `${taskLogContext(source, options)}    | `;
    out[line.stream] += `${time}${context}${line.text}\n`;
  }
  return out;
}
