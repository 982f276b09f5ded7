/**
 * Output files of a run (trace, pcap, keys), written through buffered
 * synchronous writes: the simulation is synchronous, and a run that ends
 * must leave complete files behind.
 */

import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

const FLUSH_BYTES = 1 << 16;

/** Appends bytes or text to a file, flushing every 64 KiB and on `close`. */
export class BufferedFile {
  private readonly fd: number;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private readonly encoder = new TextEncoder();

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
  }

  write(data: Uint8Array | string): void {
    const bytes = typeof data === "string" ? this.encoder.encode(data) : data;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    for (const c of this.chunks) writeSync(this.fd, c);
    this.chunks = [];
    this.buffered = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes each named file into `dir` (made if missing). */
export function writeFilesInto(dir: string, files: ReadonlyMap<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}
