import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { sha256Hex } from '@aftale/evidence';
import { seedDemo, type Services } from '@aftale/server';
import { runAftale } from '../support/cli';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { signUpInput } from '../support/sign-up';

jest.setTimeout(90_000);

/** poppler's pdfsig on a file: the independent check of the PDF signature (never skipped). */
function pdfsig(file: string): string {
  const run = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  if (run.error) throw new Error('pdfsig is needed: run tools/scripts/ensure-chromium.sh');
  return run.stdout;
}

/** SHA256SUMS for the files, as a careful forger would recompute it. */
function resum(files: Record<string, Uint8Array>): void {
  files['SHA256SUMS'] = new TextEncoder().encode(
    Object.keys(files)
      .filter((n) => n !== 'SHA256SUMS')
      .sort()
      .map((n) => `${sha256Hex(files[n]!)}  ${n}\n`)
      .join(''),
  );
}

describe('aftale proof export | verify', () => {
  let db: TestDatabase;
  let services: Services;
  let acceptanceId: string;
  const dir = mkdtempSync(join(tmpdir(), 'aftale-proof-'));
  const aftale = (...args: string[]) => runAftale(db, ...args);

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    const ctx = {
      tenantId: (await seedDemo(services.tenants, services.plans, services.documents)).tenantId,
    };
    const config = await services.acceptances.widgetConfig(ctx);
    const accepted = await services.acceptances.accept(
      ctx,
      signUpInput(
        config.documents.map((d) => d.versionId),
        {
          company: { name: 'Min Dag Min Energi ApS' },
          planCode: 'premium',
          users: 31,
        },
      ),
      {
        idempotencyKey: 'proof-e2e-0001',
        ip: '203.0.113.9',
        ipSource: 'socket',
        userAgent: 'Mozilla/5.0 test',
        origin: 'http://localhost:3000',
      },
      { type: 'cli' },
    );
    acceptanceId = accepted.acceptanceId;
    await services.evidenceLog.sequence(ctx);
  });
  afterAll(async () => {
    await services?.close();
    await db?.drop();
  });

  it('exports a bundle that verifies offline, with the filled DPA as PDF', () => {
    const out = join(dir, 'proof.zip');
    const exported = aftale(
      'proof',
      'export',
      '--tenant',
      'demo',
      '--acceptance',
      acceptanceId,
      '--out',
      out,
      '--json',
    );
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'evidence.json',
        'proof.json',
        'tree-head.json',
        'public-key.pem',
        'SHA256SUMS',
        'README.txt',
        'acceptance.pdf',
        'pdf-signing-certificate.pem',
        'documents/dpa.html',
        'documents/terms.html',
      ]),
    );
    expect(Buffer.from(files['documents/dpa.html']!).toString()).toContain(
      'Min Dag Min Energi ApS',
    );
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, services.evidenceLog.publicKeys()[0]!.publicKeyPem);
    const verified = aftale('proof', 'verify', out, '--trusted-key', keyFile);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/VALID/);
    expect(verified.stdout).toMatch(/ok {3}pdf-signature: acceptance\.pdf is signed by/);
    // Standard tools agree: every file matches SHA256SUMS.
    const unpacked = join(dir, 'unpacked');
    spawnSync('mkdir', ['-p', join(unpacked, 'documents')]);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(unpacked, name), bytes);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: unpacked, encoding: 'utf8' });
    expect(sums.status).toBe(0);
  });

  it('signs the PDF (PAdES) with the platform certificate, and pdfsig agrees', async () => {
    const files = unzipSync(new Uint8Array(readFileSync(join(dir, 'proof.zip'))));
    expect(Buffer.from(files['pdf-signing-certificate.pem']!).toString()).toBe(
      await services.pdfSealer.certificatePem(),
    );
    const file = join(dir, 'unpacked', 'acceptance.pdf');
    const report = pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain(
      'Signer Certificate Common Name: Aftale development PDF signing (not for production)',
    );
    expect(spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout).toContain(
      'Acceptcertifikat',
    );
  });

  it("the README's openssl steps check the PDF signature by hand", () => {
    const unpacked = join(dir, 'unpacked');
    const readme = readFileSync(join(unpacked, 'README.txt'), 'utf8');
    const steps = readme
      .split('\n')
      .filter((l) => /^ {3}(head|tail|openssl cms|  -certfile)/.test(l))
      .join('\n');
    const run = spawnSync('bash', ['-c', steps], { cwd: unpacked, encoding: 'utf8' });
    expect(run.stderr).toContain('CMS Verification successful');
    expect(run.status).toBe(0);
  });

  it('a byte flipped inside the signed range: pdfsig and verify both say invalid', () => {
    const files = unzipSync(new Uint8Array(readFileSync(join(dir, 'proof.zip'))));
    const pdf = Buffer.from(files['acceptance.pdf']!);
    const at = pdf.indexOf('/Type /Page') + 2; // inside the first signed range
    pdf[at] = pdf[at]! ^ 0x01;
    const tamperedPdf = join(dir, 'tampered.pdf');
    writeFileSync(tamperedPdf, pdf);
    const report = pdfsig(tamperedPdf);
    expect(report).not.toContain('Signature is Valid');
    expect(report).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);

    // Even with SHA256SUMS recomputed, verify names the PDF signature.
    files['acceptance.pdf'] = new Uint8Array(pdf);
    resum(files);
    const zip = join(dir, 'tampered-pdf.zip');
    writeFileSync(zip, zipSync(files));
    const run = aftale('proof', 'verify', zip);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL pdf-signature: PDF signature invalid: the signed bytes/);
    expect(run.stdout).not.toMatch(/FAIL sha256sums/);
    expect(run.stdout).toMatch(/INVALID/);
  });

  it('fails verification when any byte of any file is flipped', () => {
    const original = unzipSync(new Uint8Array(readFileSync(join(dir, 'proof.zip'))));
    expect(Object.keys(original)).toEqual(
      expect.arrayContaining(['acceptance.pdf', 'pdf-signing-certificate.pem']),
    );
    for (const name of Object.keys(original)) {
      const files = { ...original, [name]: Uint8Array.from(original[name]!) };
      const at = Math.floor(files[name]!.length / 2);
      files[name]![at] = files[name]![at]! ^ 0x01;
      const tampered = join(dir, `tampered-${name.replace('/', '_')}.zip`);
      writeFileSync(tampered, zipSync(files));
      const run = aftale('proof', 'verify', tampered);
      expect({ name, code: run.code }).toEqual({ name, code: 1 });
      expect(run.stdout).toMatch(/FAIL/);
    }
  });

  it('exports acceptances as CSV and NDJSON for an audit', () => {
    const csv = join(dir, 'acceptances.csv');
    const run = aftale(
      'acceptance',
      'export',
      '--tenant',
      'demo',
      '--format',
      'csv',
      '--out',
      csv,
      '--from',
      '2020-01-01',
      '--json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 1, format: 'csv' });
    expect(run.stderr).toMatch(/1 acceptances exported/);
    const lines = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,source,company_cvr,company_name,contact_email,plan,users,period,total_incl_vat,dpa_version_id,terms_version_id,evidence_sha256',
    );
    expect(lines[1]).toContain(`${acceptanceId},`);
    expect(lines[1]).toContain(
      ',45629627,Min Dag Min Energi ApS,aase@mindag.dk,premium,31,month,144500,',
    );
    const ndjson = join(dir, 'acceptances.ndjson');
    expect(
      aftale('acceptance', 'export', '--tenant', 'demo', '--format', 'ndjson', '--out', ndjson)
        .code,
    ).toBe(0);
    const records = readFileSync(ndjson, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(1);
    expect(records[0].evidence.company.cvr).toBe('45629627');
    const none = join(dir, 'none.csv');
    expect(
      JSON.parse(
        aftale(
          'acceptance',
          'export',
          '--tenant',
          'demo',
          '--out',
          none,
          '--to',
          '2020-01-01',
          '--json',
        ).stdout,
      ).rows,
    ).toBe(0);
    const bad = aftale(
      'acceptance',
      'export',
      '--tenant',
      'demo',
      '--out',
      none,
      '--format',
      'xml',
      '--json',
    );
    expect(bad.code).toBe(2);
  });
});
