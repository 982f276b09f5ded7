/**
 * An HTTP/1.1 response as a client reads it (RFC 7230 §3.3.3): the head,
 * then a body framed by Content-Length, by chunked transfer coding, or by
 * the server closing; no body for HEAD, 1xx, 204 and 304.
 */

import { concatBytes } from "../encoding/index.js";
import { latin1 } from "./http-request.js";

/** A response head. */
export interface ResponseHead {
  /** The head as received, status line to blank line (for `curl -i` and `-v`). */
  readonly text: string;
  readonly status: number;
  /** The HTTP version of the status line (`1.1`). */
  readonly version: string;
  /** The status line's reason phrase (`Not Found`). */
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
}

/** How a response ended, or why it is unusable. */
export type ResponseEnd =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "empty-reply" }
  | { readonly ok: false; readonly reason: "bad-head" }
  | { readonly ok: false; readonly reason: "short-body"; readonly remaining: number | undefined }
  | { readonly ok: false; readonly reason: "bad-chunk" };

/** What the reader reports, in order: the head, body bytes, then exactly one end. */
export interface ResponseEvents {
  head(head: ResponseHead): void;
  body(bytes: Uint8Array): void;
  end(end: ResponseEnd): void;
}

const STATUS_LINE = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/;
const HEAD_END = /\r?\n\r?\n/;
const EMPTY = new Uint8Array(0);


/** Reads one response from the bytes of a stream. */
export class HttpResponseReader {
  private buffer: Uint8Array = EMPTY;
  private phase: "head" | "length" | "close" | "chunk-size" | "chunk-data" | "chunk-crlf" | "trailer" | "done" = "head";
  /** Body bytes still expected (Content-Length, or the current chunk). */
  private remaining = 0;
  private sawBytes = false;

  constructor(
    private readonly events: ResponseEvents,
    /** A HEAD request's response has no body whatever its headers say. */
    private readonly headRequest: boolean,
  ) {}

  /** True once the response ended (well or not). */
  get finished(): boolean {
    return this.phase === "done";
  }

  /** Takes bytes from the stream. */
  push(bytes: Uint8Array): void {
    if (this.phase === "done" || bytes.length === 0) return;
    this.sawBytes = true;
    this.buffer = this.buffer.length === 0 ? bytes : concatBytes([this.buffer, bytes]);
    this.advance();
  }

  /** The server closed its side. */
  close(): void {
    if (this.phase === "done") return;
    if (this.phase === "close") return this.finish({ ok: true });
    if (this.phase === "head") return this.finish(this.sawBytes ? { ok: false, reason: "bad-head" } : { ok: false, reason: "empty-reply" });
    this.finish({ ok: false, reason: "short-body", remaining: this.phase === "length" ? this.remaining : undefined });
  }

  private finish(end: ResponseEnd): void {
    this.phase = "done";
    this.events.end(end);
  }

  private advance(): void {
    for (;;) {
      const before = this.phase;
      const buffered = this.buffer.length;
      if (this.phase === "head") this.readHead();
      else if (this.phase === "length" || this.phase === "chunk-data") this.readCounted();
      else if (this.phase === "close") this.emitAll();
      else if (this.phase === "chunk-size" || this.phase === "chunk-crlf" || this.phase === "trailer") this.readChunkLine();
      if (this.phase === "done" || (this.phase === before && this.buffer.length === buffered)) return;
    }
  }

  private readHead(): void {
    const text = latin1(this.buffer);
    const end = HEAD_END.exec(text);
    if (end === null) return;
    const headLength = end.index + end[0].length;
    const lines = text.slice(0, end.index).split(/\r?\n/);
    const status = STATUS_LINE.exec(lines[0]!);
    if (status === null) return this.finish({ ok: false, reason: "bad-head" });
    const headers = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(":");
      return colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    this.buffer = this.buffer.subarray(headLength);
    const code = Number(status[2]);
    this.events.head({ text: text.slice(0, headLength), status: code, version: status[1]!, reason: status[3] ?? "", headers });
    const find = (name: string): string | undefined => headers.find(([n]) => n.toLowerCase() === name)?.[1];
    const length = find("content-length");
    if (this.headRequest || code < 200 || code === 204 || code === 304) this.finish({ ok: true });
    else if (find("transfer-encoding")?.toLowerCase() === "chunked") this.phase = "chunk-size";
    else if (length !== undefined && /^\d+$/.test(length)) {
      this.remaining = Number(length);
      this.phase = "length";
      if (this.remaining === 0) this.finish({ ok: true });
    } else this.phase = "close";
  }

  private readCounted(): void {
    const take = Math.min(this.remaining, this.buffer.length);
    if (take > 0) {
      this.events.body(this.buffer.subarray(0, take));
      this.buffer = this.buffer.subarray(take);
      this.remaining -= take;
    }
    if (this.remaining > 0) return;
    if (this.phase === "length") this.finish({ ok: true });
    else this.phase = "chunk-crlf";
  }

  private emitAll(): void {
    if (this.buffer.length > 0) this.events.body(this.buffer);
    this.buffer = EMPTY;
  }

  /** A chunk-size line, the CRLF after a chunk, or a trailer line (an empty one ends the body). */
  private readChunkLine(): void {
    const lf = this.buffer.indexOf(0x0a);
    if (lf < 0) return;
    const line = latin1(this.buffer.subarray(0, lf)).replace(/\r$/, "");
    this.buffer = this.buffer.subarray(lf + 1);
    if (this.phase === "chunk-crlf") {
      if (line !== "") return this.finish({ ok: false, reason: "bad-chunk" });
      this.phase = "chunk-size";
    } else if (this.phase === "trailer") {
      if (line === "") this.finish({ ok: true });
    } else {
      const size = /^([0-9a-fA-F]+)(?:;.*)?$/.exec(line);
      if (size === null) return this.finish({ ok: false, reason: "bad-chunk" });
      this.remaining = parseInt(size[1]!, 16);
      this.phase = this.remaining === 0 ? "trailer" : "chunk-data";
    }
  }
}
