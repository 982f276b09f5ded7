/**
 * The trace: typed records of what happened, to sinks, with a running
 * SHA-256 fingerprint.
 *
 * Each record is `{t, kind, node?, ...fields}` with `t` the simulated instant.
 * Its canonical encoding (sorted-key JSON, see canonical.ts) plus a newline is
 * one JSONL line; the fingerprint is the SHA-256 of all lines so far, so the
 * fingerprint of a run equals `sha256sum` of its JSONL trace file.
 */

import { sha256 } from "@noble/hashes/sha2.js";
import type { Bus } from "./bus.js";
import { type TraceValue, canonicalJson, toHex } from "./canonical.js";
import type { Instant } from "./time.js";

/**
 * Record kinds and their fields. Each layer adds its own kinds by declaration
 * merging (`declare module "../sim/trace.js" { interface TraceKinds { ... } }`),
 * so `trace.record("net.drop", {...})` is checked against the fields it must carry.
 */
export interface TraceKinds {
  /** A run began. */
  "sim.start": { seed: number; scenario: string };
  /** A run ended: events run, and (when there is a wire) what crossed it, digested. */
  "sim.end": { events: number; packets?: number; wireBytes?: number; wireDigest?: string };
  /** A scenario step ran (docker command, wait, ...). */
  "step": { index: number; step: string; exitCode?: number; stdout?: string; stderr?: string };
  /** An expectation was checked. */
  "expect": { index: number; what: string; ok: boolean };
}

/** A trace record as sinks see it. */
export interface TraceRecord {
  readonly t: Instant;
  readonly kind: string;
  readonly node?: string;
  readonly [field: string]: TraceValue;
}

/** Where records go. `line` is the canonical JSONL line, without its newline. */
export interface TraceSink {
  write(record: TraceRecord, line: string): void;
}

/** Keeps every record in memory. */
export class MemorySink implements TraceSink {
  readonly records: TraceRecord[] = [];
  write(record: TraceRecord): void {
    this.records.push(record);
  }
}

/** Hands each canonical JSONL line (with its newline) to `writeLine`; the CLI points it at a file. */
export class JsonlSink implements TraceSink {
  constructor(private readonly writeLine: (line: string) => void) {}
  write(_record: TraceRecord, line: string): void {
    this.writeLine(`${line}\n`);
  }
}

const encoder = new TextEncoder();
/** Lines are hashed once this many characters of them wait. */
const hashBatchChars = 16 * 1024;

/** The trace of one simulation. */
export class Trace {
  private readonly hash = sha256.create();
  /** Lines written but not yet hashed: hashed in batches, which gives the same digest as line by line. */
  private unhashed = "";
  private readonly sinks: TraceSink[] = [];
  /** Records written so far. */
  count = 0;

  constructor(
    private readonly clock: () => Instant,
    private readonly bus?: Bus,
  ) {}

  /** Adds a sink; it sees records written from now on. */
  addSink(sink: TraceSink): void {
    this.sinks.push(sink);
  }

  /** Writes a record of a known kind at the current simulated time. */
  record<K extends keyof TraceKinds>(kind: K, fields: TraceKinds[K], node?: string): void {
    const rec: Record<string, TraceValue> = { t: this.clock(), kind };
    if (node !== undefined) rec.node = node;
    for (const [k, v] of Object.entries(fields as Record<string, TraceValue>)) {
      if (k === "t" || k === "kind" || k === "node") throw new RangeError(`trace field "${k}" is reserved`);
      rec[k] = v;
    }
    this.write(rec as unknown as TraceRecord);
  }

  private write(rec: TraceRecord): void {
    const line = canonicalJson(rec);
    this.unhashed += `${line}\n`;
    if (this.unhashed.length >= hashBatchChars) this.hashPending();
    this.count++;
    for (const sink of this.sinks) sink.write(rec, line);
    this.bus?.emit("trace", rec);
  }

  private hashPending(): void {
    if (this.unhashed.length === 0) return;
    this.hash.update(encoder.encode(this.unhashed));
    this.unhashed = "";
  }

  /** The SHA-256 (hex) over every line written so far: the run's fingerprint. */
  fingerprint(): string {
    this.hashPending();
    return toHex(this.hash.clone().digest());
  }
}
