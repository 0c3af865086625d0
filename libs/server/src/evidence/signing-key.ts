import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { keyIdOf } from '@aftale/evidence';

export interface LogSigningKey {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * The platform's tree-head signing key (Ed25519, PKCS#8 PEM from EVIDENCE_SIGNING_KEY).
 * Outside production a fixed development key is derived, so local runs and tests need no
 * setup; production refuses to start without a real one (see config).
 */
export function loadLogSigningKey(pem: string | undefined): LogSigningKey {
  const privateKey = pem
    ? createPrivateKey(pem)
    : createPrivateKey({
        // PKCS#8 wrapping of a 32-byte Ed25519 seed.
        key: Buffer.concat([
          Buffer.from('302e020100300506032b657004220420', 'hex'),
          createHash('sha256').update('aftale local development tree-head key').digest(),
        ]),
        format: 'der',
        type: 'pkcs8',
      });
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('EVIDENCE_SIGNING_KEY must be an Ed25519 private key');
  const publicKeyPem = createPublicKey(privateKey)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return {
    keyId: keyIdOf(publicKeyPem),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
  };
}
