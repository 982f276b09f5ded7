/**
 * Swarm's PKI: node identities, deterministic RSA keys, the root CA and its
 * rotation, CSRs and node certificate issuance, chain verification at a
 * simulated instant, renewal timing and join tokens. swarmkit `ca/`, `identity/`.
 */
export { newId, isId } from "./identity.js";
export {
  rootCommonName,
  managerOu,
  workerOu,
  caRoleName,
  rootCaValidityUs,
  rootCaBackdateUs,
  nodeCertDefaultExpiryUs,
  nodeCertMinExpiryUs,
  nodeCertBackdateUs,
  certTimeRoundingUs,
  nodeCertExpiryTooShortMessage,
  certSerialBytes,
  renewalLowerFraction,
  renewalUpperFraction,
  renewalBackoffBaseUs,
  renewalBackoffFactorUs,
  renewalBackoffMaxUs,
  forcedRenewalDelayUs,
  renewalDefaultRetryUs,
  rootCaDownloadAttempts,
  certRetryIntervalUs,
  certRequestAttempts,
  caCallTimeoutUs,
  certStatusBackoffBaseUs,
  certStatusBackoffFactorUs,
  certStatusBackoffMaxUs,
  caSigningRetryIntervalUs,
  rootRotationReconcileIntervalUs,
  joinTokenPrefix,
  joinTokenSecretBytes,
  joinTokenBase,
  joinTokenSecretLength,
  joinTokenDigestLength,
  invalidJoinTokenMessage,
  defaultRsaBits,
  rsaPublicExponent,
} from "./constants.js";
export { type NodeRole, ouOfRole, roleOfOu } from "./roles.js";
export {
  type RsaPrivateKey,
  type RsaPublicKey,
  withNativeRsa,
  nativeRsaAvailable,
  isNativeRsaKey,
  privateKeyFromPemNative,
} from "./rsa-native.js";
export { withFastRsaVerify } from "./rsa-public.js";
export { type RsaKeyOptions, createRsaKey, rsaKeyFromPrimes, publicKeyOf } from "./keys.js";
export { type KeyCache, MemoryKeyCache, keyCacheKey, keyDerivationVersion } from "./key-cache.js";
export { fileKeyCache } from "./key-cache-fs.js";
export { pemEncode, certificateToPem, splitPemBundle } from "./pem.js";
export { type RootCa, createRootCa, crossSignRoot, caDigest, rootCaFromPem } from "./root-ca.js";
export { type CsrRequest, createCsr } from "./csr.js";
export {
  type CaSigner,
  type IssueRequest,
  type IssueResult,
  type IssueFailure,
  rootSigner,
  rotationSigner,
  issueNodeCertificate,
  nodeCertValidity,
  checkNodeCertExpiry,
} from "./issue.js";
export { type CertInfo, type CertInfoResult, readCertificate } from "./cert-info.js";
export { type VerifyFailure, type VerifyResult, verifyChain, validateCertChain } from "./verify.js";
export {
  type BackoffConfig,
  nextRenewalAt,
  exponentialBackoff,
  renewalBackoff,
  certificateStatusBackoff,
  renewalBackoffConfig,
  certificateStatusBackoffConfig,
} from "./renewal.js";
export {
  type JoinTokenOptions,
  type JoinTokenParse,
  type JoinTokenFailure,
  generateJoinToken,
  parseJoinToken,
  joinTokensEqual,
} from "./token.js";
