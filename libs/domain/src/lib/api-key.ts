import { createHash, randomBytes } from 'node:crypto';
import { AftaleError } from './errors';

/**
 * API keys look like `sk_live_<32 base62 random><6 base62 checksum>`.
 * - `sk` secret keys: server to server, the tenant's whole API.
 * - `pk` publishable keys: only the widget's public surface.
 * - `live`/`test` tells production keys from test keys at a glance.
 * The CRC32 checksum lets us refuse a mistyped key before any database lookup.
 */
export type ApiKeyKind = 'secret' | 'publishable';
export type ApiKeyMode = 'live' | 'test';

export interface ParsedApiKey {
  kind: ApiKeyKind;
  mode: ApiKeyMode;
  /** SHA-256 of the full key, hex; the only form we store. */
  hash: string;
  last4: string;
}

export interface GeneratedApiKey extends ParsedApiKey {
  /** The plaintext key: shown once, never stored or logged. */
  plaintext: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = /^(sk|pk)_(live|test)_([0-9A-Za-z]{38})$/;

const KIND_PREFIX: Record<ApiKeyKind, string> = { secret: 'sk', publishable: 'pk' };

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(input: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(input, 'utf8')) {
    crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

function randomBase62(length: number): string {
  // Rejection sampling keeps every character uniformly likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

export function generateApiKey(kind: ApiKeyKind, mode: ApiKeyMode): GeneratedApiKey {
  const head = `${KIND_PREFIX[kind]}_${mode}_`;
  const body = randomBase62(RANDOM_LENGTH);
  const plaintext = head + body + toBase62(crc32(head + body), CHECKSUM_LENGTH);
  return { plaintext, kind, mode, hash: hashApiKey(plaintext), last4: plaintext.slice(-4) };
}

/**
 * Parses and checks a key's shape and checksum. Throws UNAUTHENTICATED with a
 * message that never echoes the key.
 */
export function parseApiKey(candidate: string): ParsedApiKey {
  const match = KEY_PATTERN.exec(candidate.trim());
  if (!match) {
    throw new AftaleError(
      'UNAUTHENTICATED',
      'The API key is malformed: expected sk_live_…, sk_test_…, pk_live_… or pk_test_… followed by 38 characters.',
    );
  }
  const [, prefix, mode, rest] = match as unknown as [string, 'sk' | 'pk', ApiKeyMode, string];
  const body = rest.slice(0, RANDOM_LENGTH);
  const checksum = rest.slice(RANDOM_LENGTH);
  const head = `${prefix}_${mode}_`;
  if (toBase62(crc32(head + body), CHECKSUM_LENGTH) !== checksum) {
    throw new AftaleError(
      'UNAUTHENTICATED',
      'The API key fails its checksum: it was probably mistyped or truncated. Copy it again.',
    );
  }
  const plaintext = head + rest;
  return {
    kind: prefix === 'sk' ? 'secret' : 'publishable',
    mode,
    hash: hashApiKey(plaintext),
    last4: plaintext.slice(-4),
  };
}
