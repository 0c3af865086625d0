import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { AftaleError } from '@aftale/domain';
import {
  PdfRenderError,
  PdfRenderer,
  chromiumExecutablePath,
  wrapDocumentHtml,
  type RenderPdfInput,
} from '@aftale/server';

// Chromium renders for real here; no database is used.
jest.setTimeout(30_000);

const run = promisify(execFile);

function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

function pdfInfo(pdf: Buffer): { pages: number; width: number; height: number; raw: string } {
  const raw = execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8');
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(raw);
  return {
    pages: Number(/Pages:\s+(\d+)/.exec(raw)?.[1]),
    width: Number(size?.[1]),
    height: Number(size?.[2]),
    raw,
  };
}

/** Pids whose command line mentions `marker`, via pgrep (exit status 1 = none). */
async function pgrep(marker: string): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-f', marker]);
    return stdout.trim().split('\n').filter(Boolean).map(Number);
  } catch (error: any) {
    if (error.code === 1) return [];
    throw error;
  }
}

/** The browsers' main processes (children carry `--type=`; crashpad has no user-data-dir). */
async function browserMainPids(renderer: PdfRenderer): Promise<number[]> {
  const pids = await pgrep(renderer.userDataRoot);
  return pids.filter((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes('--user-data-dir=') && !cmdline.includes('--type=');
    } catch {
      return false;
    }
  });
}

function input(html: string, overrides: Partial<RenderPdfInput['header']> = {}): RenderPdfInput {
  return {
    html,
    locale: 'da',
    header: {
      vendor: 'Intranetværket ApS',
      customer: 'Min Dag Min Energi ApS',
      documentVersion: '7',
      ...overrides,
    },
  };
}

const small = wrapDocumentHtml('<p>Kort dokument.</p>', { title: 'Test', locale: 'da' });

describe('PdfRenderer (Chromium)', () => {
  const renderers: PdfRenderer[] = [];
  const make = (options: ConstructorParameters<typeof PdfRenderer>[0]) => {
    const renderer = new PdfRenderer(options);
    renderers.push(renderer);
    return renderer;
  };
  let shared: PdfRenderer;

  beforeAll(() => {
    const missing = [chromiumExecutablePath(), '/usr/bin/pdftotext', '/usr/bin/pdfinfo'].filter(
      (path) => !existsSync(path),
    );
    if (missing.length > 0) {
      throw new Error(`missing ${missing.join(', ')}: run tools/scripts/ensure-chromium.sh`);
    }
    shared = make({ concurrency: 2 });
  });

  afterAll(async () => {
    await Promise.all(renderers.map((r) => r.close()));
  });

  it('renders Danish text with æøå, the header and page numbers', async () => {
    const html = wrapDocumentHtml(
      '<h1>Databehandleraftale</h1><p>Blåbærgrød på Ærø, Øresund og Åbenrå: Æ Ø Å æ ø å.</p>',
      { title: 'Databehandleraftale', locale: 'da' },
    );
    const pdf = await shared.renderPdf(input(html));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Databehandleraftale');
    expect(text).toContain('Blåbærgrød på Ærø, Øresund og Åbenrå: Æ Ø Å æ ø å.');
    expect(text).toContain('Intranetværket ApS');
    expect(text).toContain('Min Dag Min Energi ApS');
    expect(text).toContain('Version 7');
    expect(text).toMatch(/Side 1 af 1\b/);
    // The glyphs come from the DejaVu fonts Debian installs, embedded in the PDF.
    const fonts = execFileSync('pdffonts', ['-'], { input: pdf }).toString();
    expect(fonts).toMatch(/DejaVuSans/);
  });

  it('prints A4 pages numbered "Page n of N" for a long English document', async () => {
    const sections = Array.from(
      { length: 6 },
      (_, i) => `<h2>Section ${i + 1}</h2><p>Clause text.</p>`,
    ).join('<div class="page-break"></div>');
    const pdf = await shared.renderPdf({
      ...input(wrapDocumentHtml(sections, { title: 'DPA', locale: 'en' })),
      locale: 'en',
    });
    const info = pdfInfo(pdf);
    expect(info.pages).toBe(6);
    expect(info.raw).toContain('(A4)');
    expect(Math.abs(info.width - 595)).toBeLessThan(1.5);
    expect(Math.abs(info.height - 842)).toBeLessThan(1.5);
    const text = pdfText(pdf);
    expect(text).toMatch(/Page 1 of 6\b/);
    expect(text).toMatch(/Page 6 of 6\b/);
  });

  it('prints a customer name that looks like HTML as literal text', async () => {
    const pdf = await shared.renderPdf(
      input(small, { customer: '<script>alert(1)</script> ApS', vendor: 'Bøg & Søn "A/S"' }),
    );
    const text = pdfText(pdf);
    expect(text).toContain('<script>alert(1)</script> ApS');
    expect(text).toContain('Bøg & Søn "A/S"');
  });

  it('makes no network request, whatever the document references', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const blockedBefore = shared.stats().blockedRequests;
      // Raw HTML, not wrapped: the wrapper's CSP must not be what stops these.
      const html = `<!DOCTYPE html><html><head>
        <meta http-equiv="refresh" content="0;url=${base}/refresh">
        <link rel=stylesheet href="${base}/style.css"><link rel=preload as=image href="${base}/pre.png">
        <style>@import url("${base}/import.css"); body { background: url("${base}/bg.png"); }
          @font-face { font-family: X; src: url("${base}/font.woff2"); } p { font-family: X; }</style>
        </head><body>
        <img src="http://127.0.0.1:1/x.png"><img src="${base}/img.png" srcset="${base}/2x.png 2x">
        <svg><image href="${base}/svg.png" width="10" height="10"/></svg>
        <video poster="${base}/poster.png"></video>
        <iframe src="${base}/frame.html"></iframe>
        <iframe src="data:text/html,<img src='${base}/nested.png'><iframe src='${base}/nested'></iframe>"></iframe>
        <iframe src="file:///etc/passwd"></iframe>
        <object data="${base}/object"></object>
        <script src="${base}/script.js"></script>
        <p>Intet netværk.</p></body></html>`;
      const pdf = await shared.renderPdf(input(html));
      const text = pdfText(pdf);
      expect(text).toContain('Intet netværk.');
      expect(text).not.toContain('root:');
      expect(hits).toBe(0);
      // Interception saw and aborted them (the dead proxy is only a second line). This also
      // shows each job gets a fresh document: the earlier wrapped documents' CSP is gone.
      expect(shared.stats().blockedRequests - blockedBefore).toBeGreaterThanOrEqual(5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects with BUSY at once when the queue is full, and serves the rest', async () => {
    const renderer = make({ concurrency: 1, queueCapacity: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => renderer.renderPdf(input(small))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const busy = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(ok).toHaveLength(2);
    expect(busy).toHaveLength(3);
    for (const error of busy) {
      expect(error).toBeInstanceOf(AftaleError);
      expect(error).toMatchObject({ code: 'BUSY', message: 'PDF renderer is busy; retry shortly' });
    }
    expect(renderer.stats()).toMatchObject({ rendered: 2, rejectedBusy: 3, queued: 0 });
  });

  it('recycles a browser after N jobs', async () => {
    const renderer = make({ concurrency: 1, maxJobsPerBrowser: 3 });
    for (let i = 0; i < 7; i++) await renderer.renderPdf(input(small));
    // Jobs 1-3, 4-6 and 7 ran on three browsers; the retired ones are gone.
    expect(renderer.stats()).toMatchObject({ launches: 3, rendered: 7, browsers: 1 });
    expect(await browserMainPids(renderer)).toHaveLength(1);
  });

  it('replaces a browser that died', async () => {
    const renderer = make({ concurrency: 1 });
    await renderer.renderPdf(input(small));
    const [main] = await browserMainPids(renderer);
    process.kill(main!, 'SIGKILL');
    const pdf = await renderer.renderPdf(input(small));
    expect(pdfText(pdf)).toContain('Kort dokument.');
    expect(renderer.stats()).toMatchObject({ launches: 2, rendered: 2, failed: 0 });
  });

  it('times out a page that takes too long, then renders again', async () => {
    const renderer = make({ concurrency: 1, timeoutMs: 20_000 });
    await renderer.renderPdf(input(small));
    const rows = Array.from({ length: 4000 }, (_, i) => `<tr><td>${i}</td><td>række</td></tr>`);
    const heavy = wrapDocumentHtml(`<table>${rows.join('')}</table>`, {
      title: 'Tung',
      locale: 'da',
    });
    const error = await renderer.renderPdf(input(heavy), { timeoutMs: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(PdfRenderError);
    expect(error).toMatchObject({ reason: 'TIMEOUT' });
    expect(error.message).toMatch(/did not finish within 100 ms/);
    const pdf = await renderer.renderPdf(input(small));
    expect(pdfText(pdf)).toContain('Kort dokument.');
    expect(renderer.stats()).toMatchObject({ launches: 2 });
  });

  it('close() leaves no Chromium process behind', async () => {
    const renderer = make({ concurrency: 2, maxJobsPerBrowser: 2 });
    await Promise.all(Array.from({ length: 5 }, () => renderer.renderPdf(input(small))));
    expect((await pgrep(renderer.userDataRoot)).length).toBeGreaterThan(0);
    await renderer.close();
    expect(await pgrep(renderer.userDataRoot)).toEqual([]);
    expect(existsSync(renderer.userDataRoot)).toBe(false);
    await expect(renderer.renderPdf(input(small))).rejects.toMatchObject({ reason: 'CLOSED' });
  });
});
