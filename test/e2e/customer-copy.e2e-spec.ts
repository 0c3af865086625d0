import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { verifyPdfSignature } from '@aftale/evidence';
import {
  CUSTOMER_COPY_QUEUE,
  JobWorker,
  PdfRenderer,
  seedDemo,
  type AppConfig,
  type Services,
} from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { signUpInput } from '../support/sign-up';
import { startApi, type RunningApi } from '../support/api-harness';
import { handlersFor } from '../../apps/worker/src/worker';

jest.setTimeout(60_000);

describe("the customer's copy: PDF over real SMTP and a durable link", () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let smtp: SMTPServer;
  let renderer: PdfRenderer;
  let worker: JobWorker;
  const mails: Buffer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const port = (smtp.server.address() as AddressInfo).port;
    api = await startApi(db.config, services);
    const config: AppConfig = {
      ...db.config,
      http: { ...db.config.http, publicUrl: api.url },
      mail: { ...db.config.mail, smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true` },
    };
    renderer = new PdfRenderer({ concurrency: 1 });
    const handlers = handlersFor(services, renderer, config);
    worker = new JobWorker(
      services.db,
      db.appUrl,
      { [CUSTOMER_COPY_QUEUE]: handlers[CUSTOMER_COPY_QUEUE]! },
      { concurrency: 1, pollMs: 50 },
      pino({ level: 'silent' }),
    );
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await renderer?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await api?.close();
    await services?.close();
    await db?.drop();
  });

  it('e-mails the signer its filled DPA as PDF, with a link that shows it again', async () => {
    const ctx = {
      tenantId: (await seedDemo(services.tenants, services.plans, services.documents)).tenantId,
    };
    const config = await services.acceptances.widgetConfig(ctx);
    await services.acceptances.accept(
      ctx,
      signUpInput(
        config.documents.map((d) => d.versionId),
        {
          company: { name: '<i>Min Dag</i> ApS' },
          users: 5,
        },
      ),
      {
        idempotencyKey: 'copy-e2e-0001',
        ip: '203.0.113.1',
        ipSource: 'socket',
        userAgent: 'jest',
        origin: 'http://localhost:3000',
      },
      { type: 'cli' },
    );
    for (let i = 0; i < 300 && mails.length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('aase@mindag.dk');
    expect(mail.subject).toBe('Jeres databehandleraftale med Nordlys Intranet');
    expect(mail.html).toContain('Åse Ærø');
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(mkdtempSync(join(tmpdir(), 'aftale-copy-')), 'copy.pdf');
    writeFileSync(file, pdf.content);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain('<i>Min Dag</i> ApS');
    expect(text).toContain('Acceptcertifikat');
    // Signed with the platform certificate (PAdES), as the proof bundle's PDF is.
    const pdfsig = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    if (pdfsig.error) throw new Error('pdfsig is needed: run tools/scripts/ensure-chromium.sh');
    expect(pdfsig.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(pdfsig.stdout).toContain('Total document signed');
    expect(
      verifyPdfSignature(pdf.content, await services.pdfSealer.certificatePem()),
    ).toMatchObject({ ok: true });

    const link = /http:\/\/127\.0\.0\.1:\d+\/v1\/customer\/copies\/\S+/.exec(mail.text ?? '')![0];
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('&lt;i&gt;Min Dag&lt;/i&gt; ApS');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const forged = await fetch(link.slice(0, -4) + 'AAAA');
    expect(forged.status).toBe(404);
  });
});
