/**
 * Shared fixtures for the PKI tests: 1024-bit keys (a 2048-bit key costs
 * 50-100 ms), one key cache per test file, fixed instants.
 */
import { type Instant, Rng, hours, instant, minutes, seconds } from "../../src/sim/index.js";
import {
  type IssueRequest,
  MemoryKeyCache,
  type NodeRole,
  type RootCa,
  createCsr,
  createRootCa,
  createRsaKey,
  issueNodeCertificate,
  rootSigner,
} from "../../src/pki/index.js";

/** Key size for tests. */
export const testBits = 1024;
/** Keys are kept across the tests of one file. */
export const cache = new MemoryKeyCache();

/** The instant the test CA is made: day 0, 03:25:45.678901. */
export const initAt: Instant = instant(hours(3) + minutes(25) + seconds(45.678901));

/** A root CA from stream `pki/<name>` of `seed`. */
export function testRoot(name = "root-ca", seed = 1, at: Instant = initAt): RootCa {
  return createRootCa(Rng.root(seed).fork("pki").fork(name), at, { bits: testBits, cache });
}

/** A node key and CSR from stream `pki/<node>`. */
export function testCsr(node = "node-1", seed = 1, request = {}) {
  const key = createRsaKey(Rng.root(seed).fork("pki").fork(node), "tls-key", { bits: testBits, cache });
  return { key, csrPem: createCsr(key, request) };
}

export const clusterId = "k0dcbzbq3k8vm9c2l6m4x2k0a";
export const nodeId = "y4pm2hcp0dfvnwrzs5q8i6b1t";

/** Issues a node certificate for `csrPem` from `root` at `at`, or throws. */
export function issue(root: RootCa, csrPem: string, role: NodeRole = "worker", at: Instant = initAt, extra: Partial<IssueRequest> = {}) {
  const result = issueNodeCertificate(rootSigner(root), {
    csrPem,
    nodeId,
    role,
    clusterId,
    at,
    rng: Rng.root(9).fork("ca-serials"),
    ...extra,
  });
  if (!result.ok) throw new Error(`issue failed: ${result.reason}`);
  return result;
}
