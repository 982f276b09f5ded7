/**
 * PEM as Go's encoding/pem writes it: `-----BEGIN TYPE-----\n`, base64 in lines
 * of 64 characters, `-----END TYPE-----\n`. The CA digest is the SHA-256 of
 * these exact bytes (swarmkit ca/certificates.go NewRootCA `digest.FromBytes`),
 * so the line endings matter: forge writes CRLF, Go and this module LF.
 */

import forge from "node-forge";

/**
 * DER bytes (a forge binary string) as a Go-style PEM block.
 *
 * @example
 * ```ts
 * pemEncode("CERTIFICATE", der); // "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"
 * ```
 */
export function pemEncode(type: string, der: string): string {
  const body = forge.util.encode64(der);
  let out = `-----BEGIN ${type}-----\n`;
  for (let i = 0; i < body.length; i += 64) out += `${body.slice(i, i + 64)}\n`;
  return `${out}-----END ${type}-----\n`;
}

/**
 * A forge certificate as Go-style PEM.
 *
 * @example
 * ```ts
 * certificateToPem(cert).endsWith("-----END CERTIFICATE-----\n"); // true
 * ```
 */
export function certificateToPem(cert: forge.pki.Certificate): string {
  return pemEncode("CERTIFICATE", forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g;

/**
 * The PEM blocks of a bundle, in order, each as its own text (with a trailing
 * newline added where the last one had none). Text between blocks is ignored.
 *
 * @example
 * ```ts
 * splitPemBundle(leafPem + intermediatePem); // [leafPem, intermediatePem]
 * ```
 */
export function splitPemBundle(bundle: string): string[] {
  return [...bundle.matchAll(BLOCK)].map((m) => (m[0].endsWith("\n") ? m[0] : `${m[0]}\n`));
}
