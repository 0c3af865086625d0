import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, integer, oid, readElement, childrenOf, setOf, TAG } from './der';
import {
  PdfSigningKeyError,
  cadesDetachedSignature,
  findPdfSignature,
  loadPdfSigningKey,
  verifyPdfSignature,
} from './pdf-signature';
import { opensslCertificate, signedTestPdf } from './pdf-signature.test-support';

const ec = opensslCertificate('/CN=Aftale Test ApS/O=Aftale');
const rsa = opensslCertificate('/CN=Aftale RSA/O=Aftale', 'rsa:2048');
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const fromLatin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('der', () => {
  it('encodes OIDs, integers and lengths as X.690 says', () => {
    expect(Buffer.from(oid('1.2.840.113549.1.7.2')).toString('hex')).toBe('06092a864886f70d010702');
    expect(Buffer.from(integer(1)).toString('hex')).toBe('020101');
    expect(Buffer.from(integer(128)).toString('hex')).toBe('02020080');
    const long = encode(TAG.OCTET_STRING, new Uint8Array(300));
    expect(Buffer.from(long.subarray(0, 4)).toString('hex')).toBe('0482012c');
    expect(readElement(long).contents).toHaveLength(300);
  });

  it('sorts a SET OF by encoding', () => {
    const set = setOf(integer(5), integer(1), integer(3));
    expect(childrenOf(readElement(set)).map((c) => c.contents[0])).toEqual([1, 3, 5]);
  });

  it('refuses truncated and indefinite-length input', () => {
    expect(() => readElement(Uint8Array.from([0x30, 0x05, 0x02]))).toThrow('truncated');
    expect(() => readElement(Uint8Array.from([0x30, 0x80, 0, 0]))).toThrow('unsupported');
  });
});

describe('cadesDetachedSignature', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aftale-cms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const content = new TextEncoder().encode('the bytes a /ByteRange covers');
  const openssl = (...args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });

  it.each([
    ['EC', ec],
    ['RSA', rsa],
  ])('makes a %s signature that openssl cms verifies with the certificate', (_, cert) => {
    writeFileSync(join(dir, 'content'), content);
    writeFileSync(join(dir, 'sig.p7s'), cadesDetachedSignature(content, cert.key));
    writeFileSync(join(dir, 'cert.pem'), cert.certificatePem);
    const verify = (file: string) =>
      openssl(
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'sig.p7s',
        '-content',
        file,
        '-certfile',
        'cert.pem',
        '-nointern',
        '-noverify',
        '-out',
        '/dev/null',
      );
    const ok = verify('content');
    expect(ok.stderr).toContain('CMS Verification successful');
    expect(ok.status).toBe(0);
    writeFileSync(join(dir, 'changed'), Buffer.concat([Buffer.from(content), Buffer.from('!')]));
    expect(verify('changed').status).not.toBe(0);
  });

  it('signs the PAdES B-B attributes: content type, digest, signing certificate v2, no time', () => {
    writeFileSync(join(dir, 'sig.p7s'), cadesDetachedSignature(content, rsa.key));
    const printed = openssl('cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'sig.p7s');
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('contentType (1.2.840.113549.1.9.3)');
    expect(printed.stdout).toContain('messageDigest (1.2.840.113549.1.9.4)');
    expect(printed.stdout).toMatch(/1\.2\.840\.113549\.1\.9\.16\.2\.47/);
    expect(printed.stdout).not.toContain('signingTime');
    expect(printed.stdout).toContain('eContent: <ABSENT>');
  });
});

describe('loadPdfSigningKey', () => {
  it('reads the chain and names the signer', () => {
    const key = loadPdfSigningKey(ec.certificatePem + rsa.certificatePem, ec.privateKeyPem);
    expect(key.certificates).toHaveLength(2);
    expect(key.signerName).toBe('Aftale Test ApS');
    expect(key.certificatePem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it.each<[string, () => unknown, 'certificate' | 'key']>([
    ['no certificate', () => loadPdfSigningKey('hello', ec.privateKeyPem), 'certificate'],
    ['no key', () => loadPdfSigningKey(ec.certificatePem, 'hello'), 'key'],
    [
      "another certificate's key",
      () => loadPdfSigningKey(ec.certificatePem, rsa.privateKeyPem),
      'key',
    ],
  ])('refuses %s, saying which part is wrong', (_, load, part) => {
    let error: unknown;
    try {
      load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PdfSigningKeyError);
    expect((error as PdfSigningKeyError).part).toBe(part);
  });
});

describe('verifyPdfSignature', () => {
  const pdf = signedTestPdf(ec.key);

  it('accepts a PDF signed by the certificate, naming the signer', () => {
    const result = verifyPdfSignature(pdf, ec.certificatePem);
    expect(result).toEqual({ ok: true, signer: 'Aftale Test ApS', byteRange: expect.any(Array) });
  });

  it.each<[string, () => [Uint8Array, string], RegExp]>([
    [
      'a changed byte in the signed range',
      () => [fromLatin1(latin1(pdf).replace('a DPA', 'a DPX')), ec.certificatePem],
      /the signed bytes of the PDF were changed/,
    ],
    [
      'bytes appended after signing (an incremental update)',
      () => [fromLatin1(`${latin1(pdf)}% more\n`), ec.certificatePem],
      /does not cover the whole file/,
    ],
    [
      'another certificate',
      () => [pdf, rsa.certificatePem],
      /not signed with the bundled certificate/,
    ],
    [
      'a PDF without a signature',
      () => [fromLatin1('%PDF-1.7\n%%EOF\n'), ec.certificatePem],
      /no signature/,
    ],
    [
      'two signatures',
      () => [fromLatin1(`${latin1(pdf)}/ByteRange [0 1 2 3]`), ec.certificatePem],
      /2 signatures/,
    ],
    [
      'a broken CMS',
      () => [fromLatin1(latin1(pdf).replace(/<30/, '<31')), ec.certificatePem],
      /malformed|not SignedData/,
    ],
    [
      'a flipped bit of the signature value',
      () => {
        const found = findPdfSignature(pdf);
        if ('problem' in found) throw new Error(found.problem);
        const cms = Buffer.from(found.cms);
        const end = readElement(cms).bytes.length;
        cms[end - 3]! ^= 1;
        const hex = cms.toString('hex');
        const text = latin1(pdf);
        const at = found.byteRange[1] + 1;
        return [
          fromLatin1(text.slice(0, at) + hex + text.slice(at + hex.length)),
          ec.certificatePem,
        ];
      },
      /does not verify/,
    ],
    [
      'zero padding replaced by other bytes',
      () => [fromLatin1(latin1(pdf).replace(/0000>>>/, '0001>>>')), ec.certificatePem],
      /unexpected bytes after the CMS/,
    ],
    ['an unreadable certificate', () => [pdf, 'nope'], /certificate is unreadable/],
  ])('refuses %s', (_, input, problem) => {
    const result = verifyPdfSignature(...input());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});
