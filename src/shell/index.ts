/**
 * The students' shell: a scenario's world kept open and driven one typed
 * line at a time (docker commands, simulated time, windows on keys, SAs,
 * certificates, gossip and the wire), and the stepper that pauses a
 * scenario at every key rotation. Deterministic: no terminal, no clock; the
 * CLI (cli/shell-command.ts, cli/step-command.ts) adds those.
 */
export { type ShellOptions, type ShellReply, ShellSession } from "./shell-session.js";
export { defaultScenarioFile, defaultScenarioText } from "./default-scenario.js";
export { shellCommands, showSubjects, helpText, complete } from "./commands.js";
export { type CapturedPacket, type PacketReading, readPacket } from "./packet-view.js";
export { type PacketFilter, PacketLog, packetLine } from "./packet-log.js";
export { type KindDue, ScheduleWatch, timelineView } from "./schedule-watch.js";
export { type EventEffects, EventRecorder, eventLine, recordText } from "./event-line.js";
export { type TypedLine, readTypedLine, expandWords } from "./typed-line.js";
export { type Block, table, sideBySide, clip } from "./text-table.js";
export { keyringView, saView, keyPanel } from "./views-keys.js";
export { stepText } from "./step-text.js";
export { type PauseAnswer, type StepperOptions, type StepperResult, runStepper } from "./stepper.js";
export { type PauseCause, type KeysHeld, RotationWatch, keysHeld, settleLimit } from "./rotation-watch.js";
