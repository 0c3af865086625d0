/**
 * SHA-256 and hex helpers. Node's crypto (not a JS SHA-256) because this lib runs on servers
 * and in the offline CLI only, and the Merkle log hashes a lot.
 */
import { createHash } from 'node:crypto';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string; bytes pass through. */
export function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? encoder.encode(input) : input;
}

/** SHA-256 of bytes, or of a string's UTF-8 encoding. */
export function sha256(input: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(toBytes(input)).digest());
}

/** SHA-256 as lowercase hex (the form `sha256sum` prints). */
export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(toBytes(input)).digest('hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Strict lowercase hex to bytes; undefined for anything else, so verifiers can fail closed. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (typeof hex !== 'string' || !HEX.test(hex)) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** True for a SHA-256 digest written as 64 lowercase hex digits. */
export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
