/**
 * A KeyCache on disk: one PEM file per key in a directory, named by the SHA-256
 * of the cache key, so that reruns of a scenario skip key generation. Reaches
 * node:fs with `process.getBuiltinModule` (Node 20.16+), like every platform
 * module in src/, so browser bundles need no alias; there `fileKeyCache`
 * throws, and callers keep the default (no cache) or a MemoryKeyCache.
 */

import type * as NodeFs from "node:fs";
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../sim/index.js";
import type { KeyCache } from "./key-cache.js";

type BuiltinLoader = { process?: { getBuiltinModule?: (id: string) => unknown } };

function loadFs(): typeof NodeFs | undefined {
  const module = (globalThis as BuiltinLoader).process?.getBuiltinModule?.("node:fs");
  return module === undefined ? undefined : (module as typeof NodeFs);
}

/**
 * A KeyCache in directory `dir` (created if missing). Unreadable entries are
 * misses; a failed write is ignored (the key is still returned, only not kept).
 *
 * @example
 * ```ts
 * const cache = fileKeyCache(".swarmsim-keys");
 * const root = createRootCa(rng, EPOCH, { cache });
 * ```
 */
export function fileKeyCache(dir: string): KeyCache {
  const fs = loadFs();
  if (fs === undefined) throw new Error("fileKeyCache needs node:fs (Node 20.16 or later)");
  const pathOf = (key: string): string => `${dir}/${toHex(sha256(new TextEncoder().encode(key)))}.pem`;
  return {
    get(key) {
      try {
        return fs.readFileSync(pathOf(key), "utf8");
      } catch {
        return undefined;
      }
    },
    set(key, pem) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const path = pathOf(key);
        const partial = `${path}.partial`;
        fs.writeFileSync(partial, pem, "utf8");
        fs.renameSync(partial, path); // readers never see half a file
      } catch {
        // A cache that cannot be written is only a slower cache.
      }
    },
  };
}
