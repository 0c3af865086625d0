/**
 * The pure core of Aftale's evidence: RFC 8785 canonical JSON, the RFC 6962/9162 Merkle log,
 * Ed25519 signed tree heads, PAdES PDF signatures and the offline-verifiable proof bundle.
 * Node only (node:crypto).
 */
export * from './lib/canonical-json';
export * from './lib/hash';
export * from './lib/merkle';
export * from './lib/tree-head';
export * from './lib/proof-bundle';
export * from './lib/pdf-signature';
