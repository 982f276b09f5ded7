/**
 * Swarm's PKI, as constants that read as the spec. Each value carries its unit
 * in its name, the reason it has that value and the swarmkit (or cfssl) file it
 * comes from. Durations are the kernel's integer microseconds.
 */

import { type Duration, hours, minutes, ms, seconds } from "../sim/index.js";

// ---------------------------------------------------------------------------
// Names

/** CN of every swarm root CA. swarmkit ca/config.go `DefaultRootCN`. */
export const rootCommonName = "swarm-ca";
/** OU of a manager's certificate; authorizes manager-only calls. swarmkit ca/config.go `ManagerRole`. */
export const managerOu = "swarm-manager";
/** OU of a worker's certificate. swarmkit ca/config.go `WorkerRole`. */
export const workerOu = "swarm-worker";
/**
 * The CA's DNS name: every manager's certificate carries it as a SAN so that a
 * joining node can verify any manager as the CA. swarmkit ca/config.go `CARole`.
 */
export const caRoleName = "swarm-ca";

// ---------------------------------------------------------------------------
// Root CA (swarmkit ca/certificates.go CreateRootCA, through cfssl initca)

/**
 * Root CA validity: 630720000 s, i.e. 20 years of 365 days (no leap days).
 * swarmkit ca/certificates.go `RootCAExpiration = "630720000s"`.
 */
export const rootCaValidityUs: Duration = seconds(630_720_000);
/**
 * Root CA backdate: swarmkit sets none for the root, so cfssl's default of
 * 5 minutes applies (cfssl signer/signer.go FillTemplate: `backdate = -5 * time.Minute`).
 * NotAfter is counted from the backdated NotBefore.
 */
export const rootCaBackdateUs: Duration = minutes(5);

// ---------------------------------------------------------------------------
// Node certificates (swarmkit ca/certificates.go, ca/config.go SigningPolicy)

/** Default node certificate lifetime: 2160 h (90 days). swarmkit ca/certificates.go `DefaultNodeCertExpiration`. */
export const nodeCertDefaultExpiryUs: Duration = hours(2160);
/**
 * Shortest node certificate lifetime the control API accepts (manager/controlapi/cluster.go
 * refuses less); the signer itself replaces a shorter one with the default
 * (ca/config.go SigningPolicy). swarmkit ca/certificates.go `MinNodeCertExpiration`.
 */
export const nodeCertMinExpiryUs: Duration = hours(1);
/**
 * Node certificates are backdated 1 h "to try to avoid clock drift issues", and
 * the signing profile's expiry is lengthened by the same hour so that NotAfter
 * is still issue time + expiry. swarmkit ca/certificates.go `CertBackdate`.
 */
export const nodeCertBackdateUs: Duration = hours(1);
/**
 * Issue time is rounded to the nearest minute (halves up) before the backdate:
 * cfssl signer/signer.go FillTemplate `time.Now().Round(time.Minute)`.
 */
export const certTimeRoundingUs: Duration = minutes(1);
/**
 * The message the control API gives for a node certificate expiry under the
 * minimum (Go prints 1 h as `1h0m0s`). swarmkit manager/controlapi/cluster.go validateClusterSpec.
 */
export const nodeCertExpiryTooShortMessage = "minimum certificate expiry time is: 1h0m0s";
/**
 * Serial numbers are 20 random bytes with the top bit cleared (RFC 5280 allows at
 * most 20 octets and serials must be positive). cfssl signer/local/local.go Sign.
 */
export const certSerialBytes = 20;

// ---------------------------------------------------------------------------
// Renewal (swarmkit ca/config.go calculateRandomExpiry, ca/renewer.go)

/**
 * Renewal happens at a uniformly random point between 50% and 80% of the
 * certificate's lifetime, "to avoid certificate thundering herds".
 * swarmkit ca/certificates.go `CertLowerRotationRange`, `CertUpperRotationRange`.
 */
export const renewalLowerFraction = 0.5;
/** Upper end (exclusive) of the renewal window. swarmkit ca/certificates.go `CertUpperRotationRange`. */
export const renewalUpperFraction = 0.8;
/** Renewal backoff base after a failure or with an expired cert. swarmkit ca/renewer.go `RenewTLSExponentialBackoff.Base`. */
export const renewalBackoffBaseUs: Duration = seconds(5);
/** Renewal backoff factor: wait < base + factor·2^(failures−1). swarmkit ca/renewer.go `RenewTLSExponentialBackoff.Factor`. */
export const renewalBackoffFactorUs: Duration = seconds(5);
/** Renewal backoff cap. swarmkit ca/renewer.go `RenewTLSExponentialBackoff.Max`. */
export const renewalBackoffMaxUs: Duration = hours(1);
/**
 * A forced renewal (role change, root rotation) pauses this long "to give the CA
 * a chance to reconcile the desired role". swarmkit ca/renewer.go Start.
 */
export const forcedRenewalDelayUs: Duration = ms(500);
/**
 * The renewer's starting wait when the certificate's validity cannot be read.
 * swarmkit ca/renewer.go Start ("Our starting default will be 5 minutes").
 */
export const renewalDefaultRetryUs: Duration = minutes(5);

// ---------------------------------------------------------------------------
// Joining: root download, issuance, status polling (swarmkit ca/config.go, ca/certificates.go)

/** GetRootCACertificate is tried this many times. swarmkit ca/config.go DownloadRootCA. */
export const rootCaDownloadAttempts = 5;
/** Wait between root CA and certificate request retries. swarmkit ca/config.go `GetCertRetryInterval`. */
export const certRetryIntervalUs: Duration = seconds(2);
/** IssueNodeCertificate is tried this many times. swarmkit ca/certificates.go RequestAndSaveNewCertificates. */
export const certRequestAttempts = 5;
/**
 * Timeout of each CA call (GetRootCACertificate, IssueNodeCertificate,
 * NodeCertificateStatus). swarmkit ca/certificates.go GetRemoteCA, GetRemoteSignedCertificate.
 */
export const caCallTimeoutUs: Duration = seconds(5);
/** NodeCertificateStatus poll backoff base. swarmkit ca/certificates.go GetRemoteSignedCertificate. */
export const certStatusBackoffBaseUs: Duration = seconds(1);
/** NodeCertificateStatus poll backoff factor. swarmkit ca/certificates.go GetRemoteSignedCertificate. */
export const certStatusBackoffFactorUs: Duration = seconds(1);
/** NodeCertificateStatus poll backoff cap. swarmkit ca/certificates.go GetRemoteSignedCertificate. */
export const certStatusBackoffMaxUs: Duration = seconds(30);
/** The CA signer retries a recoverable signing failure after this long. swarmkit ca/server.go `defaultReconciliationRetryInterval`. */
export const caSigningRetryIntervalUs: Duration = seconds(10);
/** The root rotation reconciler runs this often. swarmkit ca/server.go `defaultRootReconciliationInterval`. */
export const rootRotationReconcileIntervalUs: Duration = seconds(3);

// ---------------------------------------------------------------------------
// Join tokens (swarmkit ca/config.go GenerateJoinToken, ParseJoinToken)

/** First dash-separated part of every join token. swarmkit ca/config.go. */
export const joinTokenPrefix = "SWMTKN";
/** Token secret entropy: 16 random bytes (128 bits). swarmkit ca/config.go `generatedSecretEntropyBytes`. */
export const joinTokenSecretBytes = 16;
/** Digest and secret are written in base 36. swarmkit ca/config.go `joinTokenBase`. */
export const joinTokenBase = 36;
/** Secret length: ceil(log36(2^128 − 1)) = 25 characters. swarmkit ca/config.go `maxGeneratedSecretLength`. */
export const joinTokenSecretLength = 25;
/** Digest length: ceil(log36(2^256 − 1)) = 50 characters. swarmkit ca/config.go `base36DigestLen`. */
export const joinTokenDigestLength = 50;
/** The error of a token that does not parse. swarmkit ca/config.go `errInvalidJoinToken`. */
export const invalidJoinTokenMessage = "invalid join token";

// ---------------------------------------------------------------------------
// Keys: the simulator's one deliberate difference

/**
 * RSA modulus size of root and node keys. Swarm uses ECDSA P-256 for both
 * (swarmkit ca/certificates.go `RootKeyAlgo = "ecdsa"`, cfssl csr.NewBasicKeyRequest);
 * node-forge signs X.509 with RSA only, so the simulator uses RSA 2048.
 */
export const defaultRsaBits = 2048;
/** RSA public exponent (F4), as every common toolkit uses. */
export const rsaPublicExponent = 65537;
