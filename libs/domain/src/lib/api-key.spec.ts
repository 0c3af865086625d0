import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import {
  crc32,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  type ApiKeyKind,
  type ApiKeyMode,
} from './api-key';
import { AftaleError } from './errors';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_SHAPE = /^(sk|pk)_(live|test)_[0-9A-Za-z]{38}$/;

const COMBINATIONS: Array<{ kind: ApiKeyKind; mode: ApiKeyMode; prefix: string }> = [
  { kind: 'secret', mode: 'test', prefix: 'sk_test_' },
  { kind: 'secret', mode: 'live', prefix: 'sk_live_' },
  { kind: 'publishable', mode: 'test', prefix: 'pk_test_' },
  { kind: 'publishable', mode: 'live', prefix: 'pk_live_' },
];

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Runs `fn`, expecting an AftaleError, and returns it. */
function refusal(fn: () => unknown): AftaleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AftaleError);
    return error as AftaleError;
  }
  throw new Error('expected the call to throw an AftaleError, but it returned');
}

function substitute(key: string, position: number, replacement: string): string {
  return key.slice(0, position) + replacement + key.slice(position + 1);
}

describe('crc32', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('is 0 for the empty string', () => {
    expect(crc32('')).toBe(0);
  });

  it('agrees with zlib.crc32 over the UTF-8 bytes of any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (input) => {
        expect(crc32(input)).toBe(zlib.crc32(Buffer.from(input, 'utf8')));
      }),
    );
  });

  it('always returns an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (input) => {
        const value = crc32(input);
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(0xffffffff);
      }),
    );
  });
});

describe('hashApiKey', () => {
  it('is the SHA-256 hex digest of the input', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('generateApiKey', () => {
  it.each(COMBINATIONS)(
    'generates a 46-character $prefix key for $kind/$mode',
    ({ kind, mode, prefix }) => {
      const key = generateApiKey(kind, mode);

      expect(key.plaintext.startsWith(prefix)).toBe(true);
      expect(key.plaintext).toHaveLength(46);
      expect(key.plaintext).toMatch(KEY_SHAPE);
      expect(key.kind).toBe(kind);
      expect(key.mode).toBe(mode);
      expect(key.last4).toBe(key.plaintext.slice(-4));
    },
  );

  it.each(COMBINATIONS)('hashes the whole $prefix key with SHA-256 (hex)', ({ kind, mode }) => {
    const key = generateApiKey(kind, mode);

    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.hash).toBe(sha256Hex(key.plaintext));
  });

  it.each(COMBINATIONS)(
    'parses a $prefix key back to the same kind, mode, hash and last4',
    ({ kind, mode }) => {
      for (let i = 0; i < 50; i++) {
        const key = generateApiKey(kind, mode);
        expect(parseApiKey(key.plaintext)).toEqual({
          kind,
          mode,
          hash: key.hash,
          last4: key.last4,
        });
      }
    },
  );

  it('does not put the plaintext into the parsed result', () => {
    const key = generateApiKey('secret', 'live');
    expect(JSON.stringify(parseApiKey(key.plaintext))).not.toContain(key.plaintext);
  });

  it('never repeats a key (or its hash) across 1000 generations', () => {
    const plaintexts = new Set<string>();
    const hashes = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const key = generateApiKey('secret', 'live');
      plaintexts.add(key.plaintext);
      hashes.add(key.hash);
    }
    expect(plaintexts.size).toBe(1000);
    expect(hashes.size).toBe(1000);
  });
});

describe('parseApiKey', () => {
  it('accepts a key with surrounding whitespace (copy-paste) and hashes the key without it', () => {
    const key = generateApiKey('publishable', 'test');
    expect(parseApiKey(`  ${key.plaintext}\n`)).toEqual({
      kind: 'publishable',
      mode: 'test',
      hash: key.hash,
      last4: key.last4,
    });
  });

  describe('single-character substitutions', () => {
    // A fixed pool, so fast-check counterexamples point at a concrete key.
    const pool = COMBINATIONS.flatMap(({ kind, mode }) =>
      Array.from({ length: 5 }, () => generateApiKey(kind, mode).plaintext),
    );

    const anyReplacement = fc.oneof(
      fc.constantFrom(...BASE62.split('')),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      fc.constantFrom('_', '-', ' ', 'æ', 'Ø', '€', '\u0000'),
    );

    it('every substitution at a random position with a random character is refused as UNAUTHENTICATED', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...pool),
          fc.nat({ max: 45 }),
          anyReplacement,
          (key, position, replacement) => {
            fc.pre(key[position] !== replacement);
            const mistyped = substitute(key, position, replacement);

            const error = refusal(() => parseApiKey(mistyped));
            expect(error.code).toBe('UNAUTHENTICATED');
            expect(error.message).not.toContain(mistyped);
            expect(error.message).not.toContain(key.slice(8, 40));
          },
        ),
        { numRuns: 3000 },
      );
    });

    it.each(COMBINATIONS)(
      'exhaustively: every base62 substitution at every position of a $prefix key is refused',
      ({ kind, mode }) => {
        const key = generateApiKey(kind, mode).plaintext;
        let checked = 0;
        for (let position = 0; position < key.length; position++) {
          for (const replacement of BASE62) {
            if (key[position] === replacement) continue;
            const error = refusal(() => parseApiKey(substitute(key, position, replacement)));
            expect(error.code).toBe('UNAUTHENTICATED');
            checked++;
          }
        }
        // 46 positions, 61 or 62 alternatives each (underscores allow all 62).
        expect(checked).toBeGreaterThan(46 * 60);
      },
    );

    it('a substitution that turns sk into pk (or back) still fails the checksum', () => {
      for (const original of pool) {
        const swapped = (original.startsWith('sk') ? 'pk' : 'sk') + original.slice(2);
        const error = refusal(() => parseApiKey(swapped));
        expect(error.code).toBe('UNAUTHENTICATED');
        expect(error.message).toMatch(/checksum/i);
      }
    });
  });

  describe('malformed keys', () => {
    const key = generateApiKey('secret', 'live').plaintext;
    const body = key.slice(8);

    it.each([
      ['empty', ''],
      ['whitespace only', '   \t\n'],
      ['prefix only', 'sk_live_'],
      ['truncated by one', key.slice(0, -1)],
      ['truncated to half', key.slice(0, 23)],
      ['one character too long', `${key}x`],
      ['duplicated', key + key],
      ['unknown kind', `rk_live_${body}`],
      ['unknown mode', `sk_prod_${body}`],
      ['upper-case prefix', `SK_LIVE_${body}`],
      ['with an auth scheme', `Bearer ${key}`],
      ['with an inner space', `${key.slice(0, 20)} ${key.slice(21)}`],
      ['garbage', 'hunter2-not-a-key-at-all'],
      ['a password', 'correct horse battery staple'],
    ])('refuses a %s key with UNAUTHENTICATED', (_label, candidate) => {
      const error = refusal(() => parseApiKey(candidate));

      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.problems).toEqual([]);
      // The random body must never be echoed back (it is the secret part).
      expect(error.message).not.toContain(body.slice(0, 12));
      if (candidate.trim().length > 8) expect(error.message).not.toContain(candidate.trim());
    });

    it('refuses arbitrary strings with UNAUTHENTICATED and never echoes them', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 16, maxLength: 80 }), (candidate) => {
          const error = refusal(() => parseApiKey(candidate));
          expect(error.code).toBe('UNAUTHENTICATED');
          expect(error.message).not.toContain(candidate);
        }),
        { numRuns: 1000 },
      );
    });

    it('refuses well-shaped keys with a random checksum', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('sk_live_', 'sk_test_', 'pk_live_', 'pk_test_'),
          fc.string({ unit: fc.constantFrom(...BASE62.split('')), minLength: 38, maxLength: 38 }),
          (prefix, rest) => {
            const candidate = prefix + rest;
            const error = refusal(() => parseApiKey(candidate));
            expect(error.code).toBe('UNAUTHENTICATED');
            expect(error.message).not.toContain(rest);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
