/**
 * HTTP/1.x request heads (RFC 7230 §3), parsed from the bytes a server has
 * buffered so far, as latin1 text (one char per byte). Pure: the caller keeps
 * the buffer. Lines may end in CRLF or a bare LF, as nginx accepts.
 */

/** A parsed request head. */
export interface HttpRequest {
  /** The request line as sent (for access logs). */
  readonly line: string;
  readonly method: string;
  /** The request target (`/`, `/index.html?x=1`). */
  readonly target: string;
  /** The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minorVersion: number;
  /** Header fields in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
}

/** What the buffer holds: not a whole head yet, a request (and how many chars it took), or garbage. */
export type RequestParse =
  | { readonly kind: "incomplete" }
  | { readonly kind: "request"; readonly request: HttpRequest; readonly headLength: number }
  | { readonly kind: "bad"; readonly line: string; readonly reason: string };

/** RFC 7230 token chars for a method; nginx takes upper-case letters and `_`/`-` only. */
const METHOD = /^[A-Z_-]+$/;
const REQUEST_LINE = /^(\S+) (\S+) HTTP\/(\d)\.(\d)$/;
const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/** The blank line that ends a head: CRLF CRLF, or bare LFs. */
const HEAD_END = /\r?\n\r?\n/;

/**
 * Parses the head at the start of `buffer`. Empty lines before the request
 * line are skipped (RFC 7230 §3.5).
 *
 * @example
 * parseRequestHead("GET / HTTP/1.1\r\nHost: web\r\n\r\n") // { kind: "request", headLength: 29, ... }
 */
export function parseRequestHead(buffer: string): RequestParse {
  const leading = /^(?:\r?\n)*/.exec(buffer)![0].length;
  const rest = buffer.slice(leading);
  const end = HEAD_END.exec(rest);
  if (end === null) return { kind: "incomplete" };
  const lines = rest.slice(0, end.index).split(/\r?\n/);
  const line = lines[0] ?? "";
  const parts = REQUEST_LINE.exec(line);
  if (parts === null || !METHOD.test(parts[1]!)) return { kind: "bad", line, reason: "client sent invalid request" };
  if (parts[3] !== "1") return { kind: "bad", line, reason: "client sent unsupported HTTP version" };
  const headers: Array<readonly [string, string]> = [];
  for (const field of lines.slice(1)) {
    const match = HEADER.exec(field);
    if (match === null) return { kind: "bad", line, reason: "client sent invalid header line" };
    headers.push([match[1]!, match[2]!]);
  }
  const request = { line, method: parts[1]!, target: parts[2]!, minorVersion: Number(parts[4]), headers };
  return { kind: "request", request, headLength: leading + end.index + end[0].length };
}

/** The first value of header `name` (case-insensitive), or undefined. */
export function headerValue(request: HttpRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  return request.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Bytes as latin1 text, one char per byte (so lengths and offsets stay byte counts). */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Latin1 text as bytes (chars above 0xff are a programming mistake). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new RangeError(`"text" expected latin1 text, got U+${code.toString(16)} at ${i}`);
    out[i] = code;
  }
  return out;
}
