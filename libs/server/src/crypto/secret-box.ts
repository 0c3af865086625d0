import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sb1';
const KEY_BYTES = 32;

/** The key's short id: which key sealed a value, so rotation can keep old ones readable. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Secrets we must read back to use (webhook signing secrets) are stored sealed with
 * AES-256-GCM under a platform key, bound to their row by `context` (additional data), so a
 * database dump or a value copied to another tenant's row reveals and opens nothing.
 * Format: `sb1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url).
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  /** `current` seals; `previous` (during a key rotation) still opens. 32 bytes each. */
  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) throw new Error(`a secret key must be ${KEY_BYTES} bytes`);
    }
    this.currentId = keyIdOf(current);
    this.keys = new Map([current, ...previous].map((k) => [keyIdOf(k), k] as const));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [PREFIX, this.currentId, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join(':');
  }

  /** The plaintext; throws when the value was altered, moved, or sealed under an unknown key. */
  open(sealed: string, context: string): string {
    const [prefix, keyId, iv, ciphertext, tag, ...rest] = sealed.split(':');
    if (prefix !== PREFIX || !keyId || !iv || !ciphertext || !tag || rest.length)
      throw new Error('not a sealed secret');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`sealed under key ${keyId}, which is not configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}:`);
  }

  /**
   * From configuration (base64 keys). Outside production, without a key, a fixed development
   * key: local runs and tests need no setup; production refuses to start without one.
   */
  static fromConfig(keys: { current: string; previous: string[] } | undefined): SecretBox {
    if (!keys)
      return new SecretBox(
        createHash('sha256').update('aftale local development secrets').digest(),
      );
    return new SecretBox(
      Buffer.from(keys.current, 'base64'),
      keys.previous.map((k) => Buffer.from(k, 'base64')),
    );
  }
}
