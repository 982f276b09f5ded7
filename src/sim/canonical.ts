/**
 * The canonical encoding of trace records: JSON with object keys in sorted
 * order, no whitespace, `undefined` fields left out, byte arrays as lowercase
 * hex, bigints as decimal strings. Two records that mean the same thing encode
 * to the same bytes, which is what the run's fingerprint hashes.
 */

/** A value a trace record may carry. */
export type TraceValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | bigint
  | Uint8Array
  | readonly TraceValue[]
  | { readonly [key: string]: TraceValue };

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lowercase hex of a byte array. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** Encodes a value canonically (see the module comment). */
export function canonicalJson(value: TraceValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`trace value expected a finite number, got ${value}`);
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return `"${value.toString()}"`;
    case "undefined":
      return "null";
  }
  if (value instanceof Uint8Array) return `"${toHex(value)}"`;
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as { readonly [key: string]: TraceValue };
  const keys = Object.keys(obj).sort();
  let out = "{";
  for (const key of keys) {
    const field = obj[key];
    if (field === undefined) continue;
    out += (out.length === 1 ? "" : ",") + quotedKey(key) + ":" + canonicalJson(field);
  }
  return `${out}}`;
}

/** Field names as JSON strings, remembered: records of a kind repeat the same few. */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 4096) quotedKeys.set(key, quoted);
  }
  return quoted;
}
