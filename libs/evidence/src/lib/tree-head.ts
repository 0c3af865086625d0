/**
 * Signed tree heads: a log's size and root at a moment, signed with Ed25519 so a checkpoint
 * can be held against the log later. The signed bytes are the RFC 8785 canonical JSON of the
 * head plus its keyId (everything but the signature), so `openssl pkeyutl -rawin` can check
 * them from a file with no Aftale code.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { AftaleError } from '@aftale/domain';
import { canonicalBytes } from './canonical-json';
import { isSha256Hex, sha256Hex } from './hash';

export interface TreeHead {
  /** The log: one per tenant, so the tenant id. */
  logId: string;
  treeSize: number;
  /** MTH of the first treeSize leaves, lowercase hex. */
  rootHash: string;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
}

export interface SignedTreeHead extends TreeHead {
  /** {@link keyIdOf} the signing key. */
  keyId: string;
  /** Ed25519 signature over {@link treeHeadSigningBytes}, standard base64. */
  signature: string;
}

export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A fresh Ed25519 key pair as PEM (SPKI public, PKCS#8 private). */
export function generateSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** First 16 hex digits of SHA-256 over the key's SPKI DER: short, stable, and derivable. */
export function keyIdOf(publicKey: string | KeyObject): string {
  const key = typeof publicKey === 'string' ? parsePublicKey(publicKey) : publicKey;
  return sha256Hex(new Uint8Array(key.export({ type: 'spki', format: 'der' }))).slice(0, 16);
}

/** An Ed25519 public key from PEM; a clear error for anything else. */
export function parsePublicKey(pem: string, field = 'publicKeyPem'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw AftaleError.field(field, 'is not a PEM public key', '-----BEGIN PUBLIC KEY-----…');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw AftaleError.field(field, `is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  return key;
}

function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw AftaleError.field('privateKeyPem', 'is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw AftaleError.field('privateKeyPem', 'is not an Ed25519 key');
  }
  return key;
}

/** Why a tree head is malformed, or undefined when it is fine. */
export function treeHeadProblem(head: unknown): { field: string; message: string } | undefined {
  if (typeof head !== 'object' || head === null) return { field: 'treeHead', message: 'missing' };
  const h = head as Record<string, unknown>;
  if (typeof h.logId !== 'string' || h.logId.length === 0 || h.logId.length > 200) {
    return { field: 'treeHead.logId', message: 'must be a non-empty string' };
  }
  if (!Number.isSafeInteger(h.treeSize) || (h.treeSize as number) < 0) {
    return { field: 'treeHead.treeSize', message: 'must be a non-negative integer' };
  }
  if (!isSha256Hex(h.rootHash)) {
    return { field: 'treeHead.rootHash', message: 'must be 64 lowercase hex digits' };
  }
  if (!Number.isSafeInteger(h.timestamp) || (h.timestamp as number) < 0) {
    return { field: 'treeHead.timestamp', message: 'must be milliseconds since the epoch' };
  }
  return undefined;
}

/** Exactly the bytes the signature covers: canonical JSON of the head and keyId. */
export function treeHeadSigningBytes(head: TreeHead & { keyId: string }): Uint8Array {
  return canonicalBytes({
    keyId: head.keyId,
    logId: head.logId,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    treeSize: head.treeSize,
  });
}

/** Signs a tree head. Extra members on `head` are dropped: only the four fields are signed. */
export function signTreeHead(head: TreeHead, privateKeyPem: string, keyId: string): SignedTreeHead {
  const problem = treeHeadProblem(head);
  if (problem) throw AftaleError.field(problem.field, problem.message);
  const key = parsePrivateKey(privateKeyPem);
  const expectedKeyId = keyIdOf(createPublicKey(key));
  if (keyId !== expectedKeyId) {
    throw AftaleError.field('keyId', 'does not belong to this private key', expectedKeyId);
  }
  const unsigned = {
    logId: head.logId,
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    keyId,
  };
  const signature = sign(null, treeHeadSigningBytes(unsigned), key).toString('base64');
  return { ...unsigned, signature };
}

/** Why a signed tree head does not verify with this key, or undefined when it does. */
export function treeHeadSignatureProblem(sth: unknown, publicKeyPem: string): string | undefined {
  const problem = treeHeadProblem(sth);
  if (problem) return `${problem.field} ${problem.message}`;
  const s = sth as SignedTreeHead;
  let key: KeyObject;
  try {
    key = parsePublicKey(publicKeyPem);
  } catch (e) {
    return e instanceof Error ? e.message : 'bad public key';
  }
  if (typeof s.keyId !== 'string' || s.keyId !== keyIdOf(key)) {
    return `keyId ${String(s.keyId)} is not the id of this public key (${keyIdOf(key)})`;
  }
  const signature = decodeSignature(s.signature);
  if (!signature) return 'signature is not a base64 Ed25519 signature (64 bytes)';
  return verify(null, treeHeadSigningBytes(s), key, signature)
    ? undefined
    : 'the Ed25519 signature does not match the tree head';
}

/** Does the tree head carry a valid Ed25519 signature by this key (and the key's id)? */
export function verifyTreeHead(sth: SignedTreeHead, publicKeyPem: string): boolean {
  return treeHeadSignatureProblem(sth, publicKeyPem) === undefined;
}

/** Strict standard base64 of exactly 64 bytes; undefined otherwise. */
export function decodeSignature(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(value)) return undefined;
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  // Non-zero padding bits would let two strings decode to one signature; refuse them.
  return bytes.length === 64 && Buffer.from(bytes).toString('base64') === value ? bytes : undefined;
}

/** Same key material? Compares SPKI DER, so PEM line breaks or headers do not matter. */
export function samePublicKey(a: string, b: string): boolean {
  try {
    const da = parsePublicKey(a).export({ type: 'spki', format: 'der' });
    const db = parsePublicKey(b).export({ type: 'spki', format: 'der' });
    return da.equals(db);
  } catch {
    return false;
  }
}
