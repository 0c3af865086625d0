import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('opens what it sealed, and never stores the plaintext', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, context) => {
        const sealed = box.seal(secret, context);
        expect(SecretBox.isSealed(sealed)).toBe(true);
        expect(box.open(sealed, context)).toBe(secret);
      }),
    );
    const sealed = box.seal('whsec_c2VjcmV0LXNpZ25pbmcta2V5', 'tenant-a/endpoint-1');
    expect(sealed).not.toContain('whsec_');
    expect(sealed).not.toContain('c2VjcmV0');
  });

  it('seals the same secret differently each time (random IV)', () => {
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('refuses a value moved to another row (context) or altered', () => {
    const sealed = box.seal('whsec_abc', 'tenant-a/endpoint-1');
    expect(() => box.open(sealed, 'tenant-b/endpoint-1')).toThrow();
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => box.open(parts.join(':'), 'tenant-a/endpoint-1')).toThrow();
    expect(() => box.open('whsec_plain', 'tenant-a/endpoint-1')).toThrow(/not a sealed secret/);
  });

  it('keeps values sealed under the previous key readable during a key rotation', () => {
    const sealedOld = box.seal('whsec_old', 'ctx');
    const next = new SecretBox(randomBytes(32), [key]);
    expect(next.open(sealedOld, 'ctx')).toBe('whsec_old');
    expect(next.open(next.seal('whsec_new', 'ctx'), 'ctx')).toBe('whsec_new');
    // Once the old key is dropped, its values no longer open, with a message saying why.
    expect(() => new SecretBox(randomBytes(32)).open(sealedOld, 'ctx')).toThrow(/not configured/);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('uses one fixed development key outside production, the same in every process', () => {
    const a = SecretBox.fromConfig(undefined);
    expect(SecretBox.fromConfig(undefined).open(a.seal('s', 'c'), 'c')).toBe('s');
  });
});
