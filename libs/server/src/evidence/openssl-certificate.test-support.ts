/**
 * Test support (specs and e2e only): a self-signed certificate and its key made by
 * `openssl req -x509 -newkey <newKey…>`, as an operator makes EVIDENCE_PDF_CERTIFICATE.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function opensslCertificate(
  subject = '/CN=Aftale Test/O=Aftale',
  ...newKey: string[]
): { certificatePem: string; privateKeyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aftale-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-utf8', '-newkey']
        .concat(newKey.length ? newKey : ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'])
        .concat(['-nodes', '-days', '30', '-subj', subject, '-keyout', keyFile, '-out', certFile]),
      { stdio: 'ignore' },
    );
    return {
      certificatePem: readFileSync(certFile, 'utf8'),
      privateKeyPem: readFileSync(keyFile, 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
