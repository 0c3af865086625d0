import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAftaleError } from '@aftale/domain';
import { canonicalize } from './canonical-json';
import {
  decodeSignature,
  generateSigningKey,
  keyIdOf,
  samePublicKey,
  signTreeHead,
  treeHeadSigningBytes,
  verifyTreeHead,
  type SignedTreeHead,
  type TreeHead,
} from './tree-head';

const HEAD: TreeHead = {
  logId: '7c1d0d2e-4b9a-4a53-9d5e-2f3c5b1a0e11',
  treeSize: 42,
  rootHash: 'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  timestamp: 1_767_225_600_000,
};
const key = generateSigningKey();
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return isAftaleError(e) ? `${e.code}:${e.problems[0]?.field}` : 'other';
  }
  return undefined;
}

describe('signing keys', () => {
  it('are Ed25519 PEMs with a key id from the SPKI DER', () => {
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPublicKey(key.publicKeyPem).asymmetricKeyType).toBe('ed25519');
    const der = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(key.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
    expect(keyIdOf(key.publicKeyPem)).toBe(key.keyId);
    expect(generateSigningKey().keyId).not.toBe(key.keyId);
  });

  it('compare by key material, not PEM text', () => {
    expect(samePublicKey(key.publicKeyPem, `\n${key.publicKeyPem.replace(/\n/g, '\r\n')}`)).toBe(
      true,
    );
    expect(samePublicKey(key.publicKeyPem, generateSigningKey().publicKeyPem)).toBe(false);
    expect(samePublicKey(key.publicKeyPem, 'not a key')).toBe(false);
  });
});

describe('signed tree heads', () => {
  const sth = signTreeHead(HEAD, key.privateKeyPem, key.keyId);

  it('carry the head, the key id and a 64-byte base64 Ed25519 signature', () => {
    expect(sth).toEqual({ ...HEAD, keyId: key.keyId, signature: expect.any(String) });
    expect(decodeSignature(sth.signature)).toHaveLength(64);
    expect(verifyTreeHead(sth, key.publicKeyPem)).toBe(true);
  });

  it('sign the canonical JSON of everything but the signature', () => {
    const { signature: _, ...unsigned } = sth;
    expect(new TextDecoder().decode(treeHeadSigningBytes(sth))).toBe(canonicalize(unsigned));
    expect(canonicalize(unsigned)).toBe(
      `{"keyId":"${key.keyId}","logId":"${HEAD.logId}","rootHash":"${HEAD.rootHash}",` +
        `"timestamp":${HEAD.timestamp},"treeSize":42}`,
    );
  });

  it('drop extra members instead of signing them', () => {
    const extra = { ...HEAD, note: 'x' } as TreeHead;
    expect(signTreeHead(extra, key.privateKeyPem, key.keyId)).toEqual(sth);
  });

  it.each<[string, Partial<SignedTreeHead>]>([
    ['logId', { logId: 'another-tenant' }],
    ['treeSize', { treeSize: 43 }],
    ['rootHash', { rootHash: HEAD.rootHash.replace(/^d/, 'e') }],
    ['timestamp', { timestamp: HEAD.timestamp + 1 }],
    ['keyId', { keyId: '0000000000000000' }],
    [
      'signature',
      {
        signature: `${sth.signature.slice(0, 10)}${sth.signature[10] === 'A' ? 'B' : 'A'}${sth.signature.slice(11)}`,
      },
    ],
    ['signature encoding', { signature: sth.signature.replace(/==$/, '') }],
    ['signature padding bits', { signature: sth.signature.replace(/.==$/, 'B==') }],
  ])('fail when %s changes', (_, change) => {
    const changed = { ...sth, ...change };
    expect(changed).not.toEqual(sth);
    expect(verifyTreeHead(changed, key.publicKeyPem)).toBe(false);
  });

  it('fail with another key, and never throw on garbage', () => {
    expect(verifyTreeHead(sth, generateSigningKey().publicKeyPem)).toBe(false);
    expect(verifyTreeHead(sth, 'garbage')).toBe(false);
    expect(verifyTreeHead(null as never, key.publicKeyPem)).toBe(false);
    expect(verifyTreeHead({ ...sth, treeSize: -1 }, key.publicKeyPem)).toBe(false);
    expect(verifyTreeHead({ ...sth, signature: 42 } as never, key.publicKeyPem)).toBe(false);
  });

  it('refuse to sign malformed heads, foreign key ids and non-Ed25519 keys', () => {
    expect(codeOf(() => signTreeHead({ ...HEAD, logId: '' }, key.privateKeyPem, key.keyId))).toBe(
      'BAD_USER_INPUT:treeHead.logId',
    );
    expect(
      codeOf(() => signTreeHead({ ...HEAD, treeSize: 1.5 }, key.privateKeyPem, key.keyId)),
    ).toBe('BAD_USER_INPUT:treeHead.treeSize');
    expect(
      codeOf(() => signTreeHead({ ...HEAD, rootHash: 'ABC' }, key.privateKeyPem, key.keyId)),
    ).toBe('BAD_USER_INPUT:treeHead.rootHash');
    expect(
      codeOf(() => signTreeHead({ ...HEAD, timestamp: NaN }, key.privateKeyPem, key.keyId)),
    ).toBe('BAD_USER_INPUT:treeHead.timestamp');
    expect(codeOf(() => signTreeHead(HEAD, key.privateKeyPem, 'ffffffffffffffff'))).toBe(
      'BAD_USER_INPUT:keyId',
    );
    expect(codeOf(() => signTreeHead(HEAD, 'nope', key.keyId))).toBe(
      'BAD_USER_INPUT:privateKeyPem',
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(codeOf(() => signTreeHead(HEAD, ecPem, key.keyId))).toBe('BAD_USER_INPUT:privateKeyPem');
    const ecPublic = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(codeOf(() => keyIdOf(ecPublic))).toBe('BAD_USER_INPUT:publicKeyPem');
  });

  (hasOpenssl ? it : it.skip)(
    'verify with openssl pkeyutl -rawin, and openssl derives the key id',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'aftale-sth-'));
      try {
        writeFileSync(join(dir, 'public-key.pem'), key.publicKeyPem);
        writeFileSync(join(dir, 'tree-head.signed-bytes'), treeHeadSigningBytes(sth));
        writeFileSync(join(dir, 'tree-head.sig'), decodeSignature(sth.signature)!);
        const args = [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          'public-key.pem',
          '-rawin',
          '-in',
          'tree-head.signed-bytes',
          '-sigfile',
          'tree-head.sig',
        ];
        const ok = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
        expect(ok.status).toBe(0);
        expect(ok.stdout).toContain('Signature Verified Successfully');

        const der = execFileSync('openssl', [
          'pkey',
          '-pubin',
          '-in',
          join(dir, 'public-key.pem'),
          '-outform',
          'DER',
        ]);
        expect(createHash('sha256').update(der).digest('hex').slice(0, 16)).toBe(key.keyId);

        const tampered = treeHeadSigningBytes({ ...sth, treeSize: 43 });
        writeFileSync(join(dir, 'tree-head.signed-bytes'), tampered);
        const bad = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
        expect(bad.status).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
