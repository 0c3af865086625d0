/**
 * Test support (specs only): certificates made by openssl, as an operator would make them,
 * and a minimal "PDF" signed the way the server's sealer lays signatures out, so the
 * evidence lib's specs need no PDF library and no Chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cadesDetachedSignature, loadPdfSigningKey, type PdfSigningKey } from './pdf-signature';

/** A self-signed certificate from `openssl req -x509 -newkey <newKey…>`. */
export function opensslCertificate(
  subject = '/CN=Aftale Test/O=Aftale',
  ...newKey: string[]
): { certificatePem: string; privateKeyPem: string; key: PdfSigningKey } {
  const dir = mkdtempSync(join(tmpdir(), 'aftale-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-utf8',
        '-newkey',
        ...(newKey.length ? newKey : ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']),
        '-nodes',
        '-days',
        '30',
        '-subj',
        subject,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    const certificatePem = readFileSync(certFile, 'utf8');
    const privateKeyPem = readFileSync(keyFile, 'utf8');
    return { certificatePem, privateKeyPem, key: loadPdfSigningKey(certificatePem, privateKeyPem) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEX_DIGITS = 2 * 4096;

/**
 * `%PDF-` bytes with one signature dictionary laid out as @signpdf does it: /ByteRange
 * [0 b c d] padded with spaces, /Contents <hex> padded with zeros, covering the rest.
 */
export function signedTestPdf(key: PdfSigningKey, body = 'a DPA'): Uint8Array {
  const placeholder = `/ByteRange [0 ${'*'.repeat(10)} ${'*'.repeat(10)} ${'*'.repeat(10)}]`;
  const head = `%PDF-1.7\n% ${body}\n1 0 obj\n<</Type /Sig /SubFilter /ETSI.CAdES.detached ${placeholder} /Contents <`;
  const tail = `>>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n`;
  // Signed: everything before "<" and after ">" of the /Contents hex string.
  const before = head.length - 1;
  const after = before + HEX_DIGITS + 2;
  const range = `/ByteRange [0 ${before} ${after} ${tail.length - 1}]`;
  const text = head.replace(placeholder, range.padEnd(placeholder.length, ' '));
  const signed = Buffer.from(text.slice(0, before) + tail.slice(1), 'latin1');
  const cms = Buffer.from(cadesDetachedSignature(signed, key)).toString('hex');
  return new Uint8Array(Buffer.from(`${text}${cms.padEnd(HEX_DIGITS, '0')}${tail}`, 'latin1'));
}
