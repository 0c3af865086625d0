import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PdfSigningKeyError, verifyPdfSignature } from '@aftale/evidence';
import { PDF_SIGNATURE_REASON, PdfSealer } from './pdf-seal';
import { opensslCertificate } from './openssl-certificate.test-support';

jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'aftale-seal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** pdfsig (poppler) on the bytes: the independent check the issue asks for. */
function pdfsig(bytes: Uint8Array): { status: number | null; stdout: string } {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  const run = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  if (run.error) throw new Error('pdfsig is needed: run tools/scripts/ensure-chromium.sh');
  return { status: run.status, stdout: run.stdout };
}

/** A two-page PDF, not from Chromium (the e2e tests seal Chromium's). */
async function samplePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of ['Databehandleraftale', 'Acceptcertifikat']) {
    doc.addPage().drawText(text, { x: 50, y: 700, size: 18, font });
  }
  return doc.save();
}

describe('PdfSealer', () => {
  const development = PdfSealer.fromConfig(undefined);

  it('derives the same development certificate in every process', async () => {
    const certificate = new X509Certificate(await development.certificatePem());
    // Fixed: API, worker and CLI must agree without setup, today and after a restart.
    expect(certificate.fingerprint256).toBe(
      '7B:27:8A:04:E4:30:69:7C:82:15:29:1C:21:00:B8:EA:F7:2E:9A:9F:33:52:A2:5F:08:0C:81:26:6D:5E:28:40',
    );
    expect(certificate.subject).toContain('CN=Aftale development PDF signing (not for production)');
    expect(await PdfSealer.development().certificatePem()).toBe(await development.certificatePem());
  });

  it('signs so that pdfsig reports a valid PAdES signature over the whole document', async () => {
    const signed = await development.seal(await samplePdf(), new Date('2026-03-01T12:00:00Z'));
    const report = pdfsig(signed);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(report.stdout).toContain('Total document signed');
    expect(report.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report.stdout).toContain(
      'Signer Certificate Common Name: Aftale development PDF signing (not for production)',
    );
    expect(report.stdout).toContain('Signing Time: Mar 01 2026');
    const text = Buffer.from(signed).toString('latin1');
    expect(text).toContain(`/Reason (${PDF_SIGNATURE_REASON})`);
    expect(verifyPdfSignature(signed, await development.certificatePem())).toMatchObject({
      ok: true,
    });
  });

  it('a byte flipped inside the signed range makes pdfsig and the verifier refuse it', async () => {
    const signed = Buffer.from(await development.seal(await samplePdf()));
    const at = signed.indexOf('/Type /Page') + 2;
    signed[at] = signed[at]! ^ 0x01; // "/Type" -> "/Uype": same length, other bytes
    const report = pdfsig(signed);
    expect(report.stdout).not.toContain('Signature is Valid');
    expect(report.stdout).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
    const check = verifyPdfSignature(signed, await development.certificatePem());
    expect(check).toMatchObject({ ok: false, problem: expect.stringContaining('changed') });
  });

  it.each([
    ['an EC P-256', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
    ['an RSA 3072', ['rsa:3072']],
  ])('signs with %s certificate from configuration, named after it', async (_, newKey) => {
    const pair = opensslCertificate('/CN=Aftale ApS Evidens/O=Aftale ApS', ...newKey);
    const sealer = PdfSealer.fromConfig(pair);
    const signed = await sealer.seal(await samplePdf());
    const report = pdfsig(signed);
    expect(report.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(report.stdout).toContain('Signer Certificate Common Name: Aftale ApS Evidens');
    expect(await sealer.certificatePem()).toBe(`${pair.certificatePem.trim()}\n`);
    // Not the development certificate's signature.
    expect(verifyPdfSignature(signed, await development.certificatePem())).toMatchObject({
      ok: false,
    });
  });

  it('refuses a certificate with a key that is not its own at creation, not at the first PDF', () => {
    const a = opensslCertificate('/CN=A', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256');
    const b = opensslCertificate('/CN=B', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256');
    expect(() =>
      PdfSealer.fromPem({ certificatePem: a.certificatePem, privateKeyPem: b.privateKeyPem }),
    ).toThrow(PdfSigningKeyError);
  });

  it('refuses bytes that are not a PDF with an error, not a signature', async () => {
    await expect(development.seal(new TextEncoder().encode('<html>'))).rejects.toThrow();
  });
});
