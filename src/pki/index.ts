/** Swarm's PKI: identities (and, as it grows, the root CA, certificates and join tokens). */
export { newId, isId } from "./identity.js";
