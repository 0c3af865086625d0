import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import {
  DOCUMENT_PDF_QUEUE,
  JobWorker,
  PdfRenderer,
  documentPdfJob,
  pdfRenderFn,
  seedDemo,
  type Services,
} from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';

jest.setTimeout(60_000);

describe('document PDFs through the queue, over HTTP', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let renderer: PdfRenderer;
  let worker: JobWorker;
  let owner: Client;
  let sk: string;
  let dpaVersionId: string;
  const dir = mkdtempSync(join(tmpdir(), 'aftale-pdf-e2e-'));

  const values = {
    client: {
      name: '<script>alert(1)</script> ApS',
      address: 'Søndergade 7',
      zipCity: '8000 Aarhus C',
      cvr: '45629627',
      contact: 'Åse Ærø',
      contactEmail: 'aase@mindag.dk',
    },
    plan: { name: 'Standard' },
    acceptance: { date: '2026-11-22' },
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    renderer = new PdfRenderer({ concurrency: 1 });
    worker = new JobWorker(
      services.db,
      db.appUrl,
      { [DOCUMENT_PDF_QUEUE]: documentPdfJob(services.documents, pdfRenderFn(renderer)) },
      { concurrency: 1, pollMs: 50 },
      pino({ level: 'silent' }),
    );
    await worker.start();
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
    dpaVersionId = (await services.documents.current({ tenantId: seeded.tenantId }, 'dpa'))!.id;
  });
  afterAll(async () => {
    await worker?.stop();
    await renderer?.close();
    await api?.close();
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  const words = (text: string) => text.replace(/\s+/g, ' ').trim();

  it('renders the filled DPA to a PDF with the same text as the HTML, customer input printed literally', async () => {
    const requested = await api.gql(
      'mutation($id: ID!, $values: JSONObject!) { requestDocumentPdf(versionId: $id, values: $values) { id status downloadPath } }',
      {
        key: sk,
        variables: { id: dpaVersionId, values },
      },
    );
    expect(requested.body.errors).toBeUndefined();
    const pdf = requested.body.data?.requestDocumentPdf;
    expect(pdf.status).toBe('pending');
    for (let i = 0; i < 400; i++) {
      const s = await api.gql('query($id: ID!) { documentPdf(id: $id) { status error } }', {
        key: sk,
        variables: { id: pdf.id },
      });
      if (s.body.data?.documentPdf.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const download = await fetch(`${api.url}${pdf.downloadPath}`, {
      headers: { authorization: `Bearer ${sk}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(dir, 'dpa.pdf');
    writeFileSync(file, bytes);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59[56](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const pdfText = words(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
    expect(pdfText).toContain('<script>alert(1)</script> ApS');
    expect(pdfText).toContain('Åse Ærø');
    expect(pdfText).toMatch(/Side 1 af \d+/);
    expect(pdfText).toContain('Nordlys Intranet');

    // Same text as the HTML the widget shows: every word of the rendering, as often as it
    // occurs there, is in the PDF (which adds only the header and footer). Layout may wrap
    // table cells, so words, not lines, are compared.
    const rendered = await services.documents.render(
      { tenantId: (await services.tenants.resolveSlug('demo')).tenantId },
      dpaVersionId,
      values,
    );
    const count = (text: string) => {
      const map = new Map<string, number>();
      // pdftotext joins a word broken after a hyphen at a line end ("2026-11-" + "22"),
      // dropping that hyphen: compare words without hyphens.
      for (const w of text.replace(/-/g, '').split(/\s+/).filter(Boolean))
        map.set(w, (map.get(w) ?? 0) + 1);
      return map;
    };
    const inPdf = count(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }));
    const short = [...count(rendered.text)].filter(([w, n]) => (inPdf.get(w) ?? 0) < n);
    expect(short).toEqual([]);

    // Cached by (version, values): asking again returns the same PDF, no new job.
    const again = await api.gql(
      'mutation($id: ID!, $values: JSONObject!) { requestDocumentPdf(versionId: $id, values: $values) { id status } }',
      {
        key: sk,
        variables: { id: dpaVersionId, values },
      },
    );
    expect(again.body.data?.requestDocumentPdf).toEqual({ id: pdf.id, status: 'ready' });
    const jobs = await owner.query(`SELECT count(*)::int AS n FROM job_queue WHERE queue = $1`, [
      DOCUMENT_PDF_QUEUE,
    ]);
    expect(jobs.rows[0].n).toBe(1);
  });

  it('refuses a PDF request with missing values before queueing anything', async () => {
    const before = (await owner.query('SELECT count(*)::int AS n FROM document_pdfs')).rows[0].n;
    const res = await api.gql(
      'mutation($id: ID!, $values: JSONObject!) { requestDocumentPdf(versionId: $id, values: $values) { id } }',
      {
        key: sk,
        variables: { id: dpaVersionId, values: { client: { name: 'Kun Navn ApS' } } },
      },
    );
    expect(res.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect((await owner.query('SELECT count(*)::int AS n FROM document_pdfs')).rows[0].n).toBe(
      before,
    );
  });

  it('does not serve a PDF to another tenant or without a secret key', async () => {
    const row = (await owner.query('SELECT id FROM document_pdfs LIMIT 1')).rows[0];
    const other = await services.tenants.create(
      { name: 'Other', slug: 'other-vendor' },
      { type: 'cli' },
    );
    const foreign = await fetch(`${api.url}/documents/pdfs/${row.id}`, {
      headers: { authorization: `Bearer ${other.secretKey.plaintext}` },
    });
    expect(foreign.status).toBe(404);
    const anonymous = await fetch(`${api.url}/documents/pdfs/${row.id}`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');
  });
});
