/**
 * node:crypto when the platform has it, reached with `process.getBuiltinModule`
 * (Node 20.16 and later) so that no layer imports a node module: a browser
 * bundle has nothing to leave out, finds no `process`, and takes the pure-JS
 * paths. The type-only import is erased at build.
 */

import type * as NodeCrypto from "node:crypto";

/** The node:crypto module type, for the files that use it. */
export type NodeCryptoModule = typeof NodeCrypto;

type BuiltinLoader = { process?: { getBuiltinModule?: (id: string) => unknown } };

let loaded: NodeCryptoModule | null | undefined;

/** node:crypto under Node 20.16+, undefined elsewhere. Looked up once. */
export function nodeCrypto(): NodeCryptoModule | undefined {
  if (loaded === undefined) {
    const platform = (globalThis as BuiltinLoader).process;
    const module = platform?.getBuiltinModule?.("node:crypto");
    loaded = module === undefined ? null : (module as NodeCryptoModule);
  }
  return loaded ?? undefined;
}
