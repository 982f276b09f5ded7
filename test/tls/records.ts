/** A reader of TLS records for the tests: what crossed the wire, in the clear parts. */

/** Record content types, RFC 5246 §6.2.1. */
export const ContentType = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;

/** Handshake message types, RFC 5246 §7.4. */
export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;

export interface TlsRecord {
  readonly type: number;
  /** The record's version, e.g. 0x0302 for TLS 1.1. */
  readonly version: number;
  readonly fragment: Uint8Array;
}

/** Splits a byte stream into records; a truncated tail is an error. */
export function parseRecords(bytes: Uint8Array): TlsRecord[] {
  const records: TlsRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 5 > bytes.length) throw new Error(`truncated record header at ${at}`);
    const type = bytes[at]!;
    const version = (bytes[at + 1]! << 8) | bytes[at + 2]!;
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (at + 5 + length > bytes.length) throw new Error(`truncated record at ${at}: ${length} bytes announced`);
    records.push({ type, version, fragment: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return records;
}

/** A handshake message in the clear: its type and body. */
export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
}

/** The handshake messages sent before the first ChangeCipherSpec (after it, they are encrypted). */
export function clearHandshakeMessages(bytes: Uint8Array): HandshakeMessage[] {
  const messages: HandshakeMessage[] = [];
  let buffer: number[] = [];
  for (const record of parseRecords(bytes)) {
    if (record.type === ContentType.changeCipherSpec) break;
    if (record.type !== ContentType.handshake) continue;
    buffer.push(...record.fragment);
    while (buffer.length >= 4) {
      const length = (buffer[1]! << 16) | (buffer[2]! << 8) | buffer[3]!;
      if (buffer.length < 4 + length) break;
      messages.push({ type: buffer[0]!, body: Uint8Array.from(buffer.slice(4, 4 + length)) });
      buffer = buffer.slice(4 + length);
    }
  }
  return messages;
}

/** The types of the clear handshake messages. */
export function clearHandshakeTypes(bytes: Uint8Array): number[] {
  return clearHandshakeMessages(bytes).map((m) => m.type);
}
