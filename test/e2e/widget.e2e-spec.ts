import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { formatMinor } from '@aftale/pricing';
import pino from 'pino';
import {
  DOCUMENT_PDF_QUEUE,
  JobWorker,
  PdfRenderer,
  chromiumExecutablePath,
  documentPdfJob,
  pdfRenderFn,
  seedDemo,
  type AppConfig,
  type Services,
} from '@aftale/server';
import { buildWidget, type WidgetBuild } from '../../apps/widget/build';
import { startApi, type RunningApi } from '../support/api-harness';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';

/*
 * The sign-up widget end to end: the built bundle, in real Chromium, on the demo checkout
 * page the API serves (and on vendor pages of other origins), against the real API and
 * PostgreSQL. Selectors pierce the shadow root with Puppeteer's `>>>`.
 */
jest.setTimeout(120_000);

const W = 'aftale-signup >>> ';
const AXE = require.resolve('axe-core/axe.min.js');

interface Company {
  name: string;
  address: string;
  postalCode: string;
  city: string;
  cvr: string;
  contactName: string;
  contactEmail: string;
}

const company = (name: string, over: Partial<Company> = {}): Company => ({
  name,
  address: 'Søndergade 7, 2. th.',
  postalCode: '8000',
  city: 'Aarhus C',
  cvr: '45629627',
  contactName: 'Åse Ærø',
  contactEmail: 'aase@mindag.dk',
  ...over,
});

/** The element focused right now, looking through shadow roots. */
const focusedId = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    return el.id || `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 30)}`;
  });

describe('sign-up widget in Chromium against the real API', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let owner: Client;
  let browser: Browser;
  let built: WidgetBuild;
  let tenantId: string;
  let pk: string;
  let vendor: { server: Server; origin: string };
  let foreign: { server: Server; origin: string };
  const profile = mkdtempSync(join(tmpdir(), 'aftale-widget-e2e-'));
  let pageErrors: string[] = [];
  const pages: Page[] = [];

  /** A vendor's own checkout on another origin, embedding the snippet from the README. */
  const vendorPage = (attrs: {
    key?: string;
    apiUrl?: string;
    element?: string;
    esm?: boolean;
  }) => {
    const embed = attrs.esm
      ? `<script type="module">
  import { defineAftaleSignup } from '${api.url}/widget/v1/widget.mjs';
  defineAftaleSignup({ publishableKey: '${attrs.key ?? pk}' });
</script>`
      : `<script src="${api.url}/widget/v1/widget.js" integrity="${built.files['widget.js'].sri}"
  crossorigin="anonymous" data-publishable-key="${attrs.key ?? pk}"
  ${attrs.apiUrl ? `data-api-url="${attrs.apiUrl}"` : ''} async></script>`;
    return `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Butik</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Butik</h1>
${embed}
<aftale-signup ${attrs.element ?? ''}></aftale-signup>
</main></body></html>`;
  };

  async function serve(): Promise<{ server: Server; origin: string }> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const html = vendorPage({
        key: url.searchParams.get('key') ?? undefined,
        apiUrl: url.searchParams.get('api') ?? undefined,
        element: url.searchParams.get('el') ?? undefined,
        esm: url.searchParams.has('esm'),
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { server, origin: `http://127.0.0.1:${port}` };
  }

  async function open(url: string, width = 1280, height = 900): Promise<Page> {
    const page = await browser.newPage();
    pages.push(page);
    await page.setViewport({ width, height });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    if (process.env.WIDGET_E2E_DEBUG) {
      page.on('console', (m) => console.log(`[console] ${m.text()}`));
      page.on('requestfailed', (r) => console.log(`[failed] ${r.url()} ${r.failure()?.errorText}`));
      page.on('response', (r) => console.log(`[${r.status()}] ${r.url()}`));
    }
    // The vendor's view of the event, whatever the page itself does with it.
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { __accepted: unknown[] };
      w.__accepted = [];
      document.addEventListener('aftale:accepted', (e) =>
        w.__accepted.push((e as CustomEvent).detail),
      );
    });
    await page.goto(url, { waitUntil: 'load' });
    return page;
  }

  /**
   * Polls for a selector: waitForSelector's mutation observer watches the light DOM and
   * misses changes inside the shadow root.
   */
  async function until(page: Page, selector: string, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!(await page.$(selector))) {
      if (Date.now() > deadline) {
        const inside = await page.evaluate(
          () => document.querySelector('aftale-signup')?.shadowRoot?.textContent ?? '',
        );
        throw new Error(`no ${selector} within ${timeout} ms; the widget shows: ${inside}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const ready = (page: Page) => until(page, `${W}#p0`);
  const text = (page: Page, selector: string) =>
    page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());

  async function axe(page: Page, label: string): Promise<void> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as { axe: { run(c: Document): Promise<any> } }
      ).axe.run(document);
      return result.violations.map(
        (v: any) =>
          `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`,
      );
    });
    expect({ at: label, violations }).toEqual({ at: label, violations: [] });
  }

  async function fillCompany(page: Page, c: Company): Promise<void> {
    for (const [name, value] of Object.entries(c)) await page.type(`${W}#f-${name}`, value);
  }

  async function setUsers(page: Page, users: number): Promise<void> {
    await page.focus(`${W}#f-users`);
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type(String(users));
  }

  /** Plans → company → review, with the pointer; leaves the consent box unticked. */
  async function toReview(page: Page, c: Company, plan = 'standard', users = 12): Promise<void> {
    await ready(page);
    await page.click(`${W}.plan[data-code=${plan}] label`);
    await setUsers(page, users);
    await page.click(`${W}button[type=submit]`);
    await until(page, `${W}#f-name`);
    await fillCompany(page, c);
    await page.click(`${W}button[type=submit]`);
    await until(page, `${W}.doc`);
  }

  const acceptancesOf = async (name: string) =>
    (
      await owner.query(
        `SELECT id, idempotency_key, company, subscription_id, evidence FROM acceptances
          WHERE tenant_id = $1 AND company->>'name' = $2`,
        [tenantId, name],
      )
    ).rows;

  beforeAll(async () => {
    built = await buildWidget();
    db = await createTestDatabase();
    services = await createTestServices(db);
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    tenantId = seeded.tenantId;
    pk = seeded.publishableKey;
    const config: AppConfig = {
      ...db.config,
      http: { ...db.config.http },
      rateLimit: { ...db.config.rateLimit, perIpPerMinute: 10_000 },
      demoPublishableKey: pk,
    };
    api = await startApi(config, services);
    // The demo page points its snippet at the public URL, known once the port is.
    config.http.publicUrl = api.url;
    vendor = await serve();
    foreign = await serve();
    await services.tenants.update(
      { tenantId },
      { allowedOrigins: [api.url, vendor.origin] },
      { type: 'cli' },
    );
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    browser = await puppeteer.launch({
      executablePath: chromiumExecutablePath(),
      headless: true,
      userDataDir: profile,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
  });

  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
    // The widget never throws into the host page.
    const errors = pageErrors;
    pageErrors = [];
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (vendor ? vendor.server.close(r) : r(null)));
    await new Promise((r) => (foreign ? foreign.server.close(r) : r(null)));
    await api?.close();
    await services?.close();
    await owner?.end();
    await db?.drop();
    rmSync(profile, { recursive: true, force: true });
  });

  it('serves the demo checkout with the README snippet: versioned, immutable, SRI-pinned', async () => {
    const html = await (await fetch(`${api.url}/demo`)).text();
    // A content-addressed release URL: an SRI-pinned snippet keeps loading after later builds.
    const release = Buffer.from(built.files['widget.js'].sri.replace(/^sha384-/, ''), 'base64')
      .toString('hex')
      .slice(0, 12);
    expect(html).toContain(`src="${api.url}/widget/${release}/widget.js"`);
    expect(html).toContain(`integrity="${built.files['widget.js'].sri}"`);
    expect(html).toContain('crossorigin="anonymous"');
    expect(html).toContain(`data-publishable-key="${pk}"`);
    expect(html).toContain('<aftale-signup></aftale-signup>');
    const js = await fetch(`${api.url}/widget/${release}/widget.js`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await js.arrayBuffer()).length).toBe(built.files['widget.js'].bytes);
    // The moving "latest 1.x" URL is cached briefly; an unknown release is a 404.
    expect((await fetch(`${api.url}/widget/v1/widget.js`)).headers.get('cache-control')).toBe(
      'public, max-age=300',
    );
    expect((await fetch(`${api.url}/widget/0123456789ab/widget.js`)).status).toBe(404);
  });

  it('completes the sign-up on the demo page: plan, form, own DPA, tick, accept', async () => {
    const c = company('Min Dag Min Energi ApS');
    const page = await open(`${api.url}/demo`);
    await ready(page);
    // The three demo plans with their modules and live prices.
    // (In the order the API lists them.)
    const names = await page.$$eval(`${W}.plan label`, (els) => els.map((e) => e.textContent));
    expect(names.sort()).toEqual(['Essentiel', 'Premium', 'Standard']);
    expect(await text(page, `${W}.plan[data-code=essentiel] summary`)).toBe('8 moduler');
    expect(await text(page, `${W}.plan[data-code=premium] summary`)).toBe('24 moduler');
    await axe(page, 'plans');

    await page.click(`${W}.plan[data-code=standard] label`);
    await setUsers(page, 12);
    await page.select(`${W}#period`, 'quarter');
    // (85 + 12 x 35) kr x 3 months, incl. VAT, from the shared pricing engine.
    const total = formatMinor((8500 + 12 * 3500) * 3, 'DKK', 'da');
    expect(await text(page, `${W}#sum`)).toContain(
      `Standard til 12 brugere: ${total.replace(/\u00a0/g, ' ')} pr. kvartal inkl. moms (heraf moms`,
    );
    await page.click(`${W}button[type=submit]`);

    await until(page, `${W}#f-name`);
    await fillCompany(page, c);
    await axe(page, 'company form');
    await page.click(`${W}button[type=submit]`);

    // The customer's own DPA, filled in with what was just typed, scrollable.
    await page.waitForFunction(
      (sel) => {
        const host = document.querySelector('aftale-signup');
        return host?.shadowRoot?.querySelector(sel)?.textContent?.includes('45629627');
      },
      {},
      '.doc',
    );
    const dpa = await text(page, `${W}.doc`);
    expect(dpa).toContain(c.name);
    expect(dpa).toContain(c.address);
    const scrolled = await page.$eval(`${W}.doc`, (el) => {
      el.scrollTop = el.scrollHeight;
      return { scrollable: el.scrollHeight > el.clientHeight, top: el.scrollTop };
    });
    expect(scrolled.scrollable).toBe(true);
    expect(scrolled.top).toBeGreaterThan(0);

    // One unticked box with the vendor's exact text; Accept disabled until it is ticked.
    expect(await page.$eval(`${W}#consent`, (el) => (el as HTMLInputElement).checked)).toBe(false);
    expect(await text(page, `${W}label[for=consent]`)).toBe(
      'Jeg accepterer handelsbetingelser og databehandleraftale',
    );
    expect(await page.$eval(`${W}#accept`, (el) => (el as HTMLButtonElement).disabled)).toBe(true);
    await axe(page, 'review');
    await page.click(`${W}#consent`);
    expect(await page.$eval(`${W}#accept`, (el) => (el as HTMLButtonElement).disabled)).toBe(false);
    await page.click(`${W}#accept`);

    // The host page got the event and shows the acceptance id.
    await until(page, '#acceptance-result[data-acceptance-id]');
    const events = (await page.evaluate(() => (window as any).__accepted)) as Array<{
      acceptanceId: string;
      token: string;
    }>;
    expect(events).toHaveLength(1);
    const { acceptanceId, token } = events[0]!;
    expect(await text(page, '#acceptance-result')).toContain(acceptanceId);
    expect(await text(page, `${W}h2`)).toBe('Tak! I er tilmeldt');
    await axe(page, 'done');

    // In the database: the acceptance, its subscription, the typed values in the stored DPA.
    const [row] = await acceptancesOf(c.name);
    expect(row.id).toBe(acceptanceId);
    expect(row.company).toMatchObject(c);
    expect(row.subscription_id).toBeTruthy();
    expect(row.evidence.quote.totalInclVat).toBe((8500 + 12 * 3500) * 3);
    expect(row.evidence.request.origin).toBe(api.url);
    const docs = (
      await owner.query(
        `SELECT kind, html, html_sha256 FROM acceptance_documents WHERE acceptance_id = $1`,
        [acceptanceId],
      )
    ).rows;
    const stored = docs.find((d) => d.kind === 'dpa');
    for (const value of [c.name, c.cvr, c.contactEmail, 'Søndergade 7', '8000 Aarhus C']) {
      expect(stored.html).toContain(value);
    }
    // The token verifies for the vendor (its backend holds the secret key).
    expect((await services.acceptances.verifyToken({ tenantId }, token)).id).toBe(acceptanceId);
  });

  it('shows an invalid CVR inline, in Danish, on blur, announced and focused on submit', async () => {
    const page = await open(`${api.url}/demo`);
    await ready(page);
    await page.click(`${W}button[type=submit]`);
    await until(page, `${W}#f-name`);
    await page.type(`${W}#f-cvr`, '12345678');
    await page.keyboard.press('Tab');
    const message =
      'CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke). Tjek for tastefejl.';
    expect(await text(page, `${W}#f-cvr-e`)).toBe(message);
    expect(await page.$eval(`${W}#f-cvr`, (el) => el.getAttribute('aria-invalid'))).toBe('true');
    expect(await page.$eval(`${W}#f-cvr-e`, (el) => el.getAttribute('aria-live'))).toBe('polite');
    expect(await page.$eval(`${W}#f-cvr`, (el) => el.getAttribute('aria-describedby'))).toBe(
      'f-cvr-e',
    );
    await axe(page, 'form with an error');

    await fillCompany(page, { ...company('Fejl ApS'), cvr: '' });
    await page.click(`${W}button[type=submit]`);
    expect(await text(page, `${W}[role=alert]`)).toBe('Ret 1 felt(er), før I fortsætter.');
    expect(await focusedId(page)).toBe('f-cvr');
    // Corrected, the error goes away while typing.
    await page.click(`${W}#f-cvr`, { clickCount: 3 });
    await page.keyboard.type('37308838');
    expect(await text(page, `${W}#f-cvr-e`)).toBe('');
    expect(await acceptancesOf('Fejl ApS')).toHaveLength(0);
  });

  it('can be completed by keyboard alone, in a sensible focus order', async () => {
    const c = company('Tastatur ApS', { cvr: '37308838' });
    const page = await open(`${api.url}/demo`);
    await ready(page);
    const visited: string[] = [];
    const tabTo = async (id: string, max = 30) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const now = await focusedId(page);
        visited.push(now);
        if (now === id) return;
      }
      throw new Error(`never reached ${id}; visited ${visited.join(' > ')}`);
    };
    const order = (...ids: string[]) =>
      expect(ids.map((id) => visited.indexOf(id))).toEqual(
        [...ids.map((id) => visited.indexOf(id))].sort((a, b) => a - b),
      );

    await tabTo('p0');
    // Arrow keys move through the plans (in the API's order); stop on Standard.
    const checked = () =>
      page.$eval(`${W}input[name=plan]:checked`, (el) => (el as HTMLInputElement).value);
    for (let i = 0; i < 3 && (await checked()) !== 'standard'; i++) {
      await page.keyboard.press('ArrowRight');
    }
    expect(await checked()).toBe('standard');
    await tabTo('f-users');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('3');
    await tabTo('period');
    await tabTo('button:Fortsæt');
    order('p0', 'f-users', 'period', 'button:Fortsæt');
    await page.keyboard.press('Enter');

    await until(page, `${W}#f-name`);
    expect(await focusedId(page)).toBe('h2:Virksomhedens oplysninger');
    for (const [name, value] of Object.entries(c)) {
      await tabTo(`f-${name}`);
      await page.keyboard.type(value);
    }
    order(...Object.keys(c).map((n) => `f-${n}`));
    await tabTo('button:Fortsæt');
    await page.keyboard.press('Enter');

    await until(page, `${W}.doc`);
    expect(await focusedId(page)).toBe('h2:Læs og accepter');
    await tabTo('consent');
    // The documents come first: each scrollable region is reachable and scrolls by keys.
    const regions = visited.filter((id) => id.startsWith('div:'));
    expect(regions.length).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Space');
    await tabTo('accept');
    await page.keyboard.press('Enter');

    await until(page, '#acceptance-result[data-acceptance-id]');
    expect(await focusedId(page)).toBe('h2:Tak! I er tilmeldt');
    const [row] = await acceptancesOf(c.name);
    expect(row.company.cvr).toBe('37308838');
    expect(row.evidence.plan).toMatchObject({ code: 'standard', users: 3, period: 'month' });
  });

  it('lets the customer download its own filled DPA as a PDF', async () => {
    const renderer = new PdfRenderer({ concurrency: 1 });
    const worker = new JobWorker(
      services.db,
      db.appUrl,
      { [DOCUMENT_PDF_QUEUE]: documentPdfJob(services.documents, pdfRenderFn(renderer)) },
      { concurrency: 1, pollMs: 50 },
      pino({ level: 'silent' }),
    );
    await worker.start();
    const downloads = mkdtempSync(join(tmpdir(), 'aftale-widget-pdf-'));
    try {
      const c = company('PDF-læser ApS', { cvr: '38790080' });
      const page = await open(`${api.url}/demo`);
      const cdp = await page.createCDPSession();
      await cdp.send('Browser.setDownloadBehavior', {
        behavior: 'allow',
        downloadPath: downloads,
      });
      await toReview(page, c);
      const buttons = await page.$$(`${W}.doc + button`);
      expect(await buttons[0]!.evaluate((b) => b.textContent)).toBe(
        'Hent Databehandleraftale som PDF',
      );
      await buttons[0]!.click();
      const deadline = Date.now() + 60_000;
      let file: string | undefined;
      while (!file && Date.now() < deadline) {
        file = readdirSync(downloads).find((f) => f.endsWith('.pdf'));
        if (!file) await new Promise((r) => setTimeout(r, 200));
      }
      expect(file).toBe('Databehandleraftale.pdf');
      const pdfText = execFileSync('pdftotext', [join(downloads, file!), '-'], {
        encoding: 'utf8',
      });
      expect(pdfText).toContain(c.name);
      expect(pdfText).toContain('38790080');
      expect(await text(page, `${W}[role=status]`)).toBe('PDF-filen er hentet.');
    } finally {
      await worker.stop();
      await renderer.close();
      rmSync(downloads, { recursive: true, force: true });
    }
  });

  it('makes one acceptance from a double click', async () => {
    const c = company('Dobbeltklik ApS');
    const page = await open(`${api.url}/demo`);
    await toReview(page, c);
    await page.click(`${W}#consent`);
    // Two clicks in the same task, then a real double click for good measure.
    await page.$eval(`${W}#accept`, (el) => {
      (el as HTMLButtonElement).click();
      (el as HTMLButtonElement).click();
    });
    await page.click(`${W}#accept`, { clickCount: 2 }).catch(() => undefined);
    await until(page, '#acceptance-result[data-acceptance-id]');
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.evaluate(() => (window as any).__accepted.length)).toBe(1);
    expect(await acceptancesOf(c.name)).toHaveLength(1);
  });

  it('retries a lost response with the same idempotency key and makes no second acceptance', async () => {
    const c = company('Netværksfejl ApS');
    const page = await open(`${api.url}/demo`);
    await toReview(page, c);
    await page.click(`${W}#consent`);

    // The first attempt reaches the server (sent by us, as the browser would have) but its
    // answer is lost; the widget must retry with the same key and get the same acceptance.
    const keys: string[] = [];
    let firstId: string | undefined;
    await page.setRequestInterception(true);
    page.on('request', (req: HTTPRequest) => {
      void (async () => {
        if (req.method() !== 'POST' || !req.url().includes('/v1/widget/acceptances')) {
          return req.continue();
        }
        const key = req.headers()['idempotency-key']!;
        keys.push(key);
        if (keys.length > 1) return req.continue();
        const res = await fetch(req.url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, origin: api.url },
          body: req.postData(),
        });
        firstId = ((await res.json()) as { acceptanceId: string }).acceptanceId;
        return req.abort('connectionreset');
      })();
    });
    await page.click(`${W}#accept`);
    await until(page, '#acceptance-result[data-acceptance-id]', 20_000);

    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(firstId).toBeTruthy();
    const events = (await page.evaluate(() => (window as any).__accepted)) as Array<{
      acceptanceId: string;
    }>;
    expect(events.map((e) => e.acceptanceId)).toEqual([firstId]);
    const rows = await acceptancesOf(c.name);
    expect(rows).toHaveLength(1);
    expect(rows[0].idempotency_key).toBe(keys[0]);
  });

  it('signs up from a vendor page on its own allowed origin, in English', async () => {
    const c = company('Cross Origin Ltd');
    const page = await open(`${vendor.origin}/?el=${encodeURIComponent('locale="en"')}`);
    await ready(page);
    expect(await text(page, `${W}h2`)).toBe('Choose a plan');
    await toReview(page, c, 'premium', 40);
    expect(await text(page, `${W}label[for=consent]`)).toBe(
      'I accept the terms and conditions and the data processing agreement',
    );
    await page.click(`${W}#consent`);
    await page.click(`${W}#accept`);
    await page.waitForFunction(() => (window as any).__accepted.length === 1, {
      timeout: 20_000,
    });
    expect(await text(page, `${W}h2`)).toBe('Thank you! You are signed up');
    const [row] = await acceptancesOf(c.name);
    expect(row.evidence.request.origin).toBe(vendor.origin);
    expect(row.evidence.quote.totalInclVat).toBe(8500 + 30 * 4500 + 10 * 1000);
  });

  it('refuses an origin that is not allowed, and says so inside the element', async () => {
    const page = await open(`${foreign.origin}/`);
    await until(page, `${W}[role=alert]:not(:empty)`, 15_000);
    expect(await text(page, `${W}h2`)).toBe('Tilmeldingen kan ikke vises lige nu');
    expect(await text(page, `${W}[role=alert]`)).toBe(
      'Denne side må ikke vise tilmeldingen. Leverandøren skal tilføje sidens adresse som tilladt.',
    );
    await axe(page, 'refused origin');

    // Nor can that origin create an acceptance directly.
    const res = await fetch(`${api.url}/v1/widget/acceptances?key=${pk}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'foreign-origin-attempt-1',
        origin: foreign.origin,
      },
      body: JSON.stringify({ company: company('Fremmed ApS'), planCode: 'standard' }),
    });
    expect(res.status).toBe(403);
    expect(await acceptancesOf('Fremmed ApS')).toHaveLength(0);
  });

  it('says clearly when the configuration cannot be fetched', async () => {
    const bad = await open(`${vendor.origin}/?key=pk_test_doesnotexist0000000000`);
    await until(bad, `${W}[role=alert]:not(:empty)`, 15_000);
    expect(await text(bad, `${W}[role=alert]`)).toBe(
      'Tilmeldingen er sat forkert op: nøglen er ugyldig.',
    );
    const down = await open(`${vendor.origin}/?api=${encodeURIComponent('http://127.0.0.1:9')}`);
    await until(down, `${W}[role=alert]:not(:empty)`, 30_000);
    expect(await text(down, `${W}[role=alert]`)).toBe(
      'Der er ingen forbindelse til serveren. Tjek internetforbindelsen, og prøv igen.',
    );
    expect(await down.$(`${W}button`)).not.toBeNull(); // "Prøv igen"
  });

  it('reports a broken configuration inside the element, never to the host page', async () => {
    for (const body of [
      '<html>not json</html>',
      '{"apiVersion":1,"plans":[{"code":"x","definition":{}}],"documents":[{"kind":"dpa"}]}',
    ]) {
      const page = await browser.newPage();
      pages.push(page);
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      await page.setRequestInterception(true);
      page.on('request', (req) =>
        req.url().includes('/v1/widget/config')
          ? void req.respond({ status: 200, contentType: 'application/json', body })
          : void req.continue(),
      );
      await page.goto(`${api.url}/demo`, { waitUntil: 'load' });
      await until(page, `${W}[role=alert]:not(:empty)`);
      expect(await text(page, `${W}[role=alert]`)).toBe(
        'Der skete en fejl hos os. Prøv igen om lidt.',
      );
      expect(await text(page, `${W}h2`)).toBe('Tilmeldingen kan ikke vises lige nu');
    }
  });

  it('also works as an ES module for vendors who bundle', async () => {
    const page = await open(`${vendor.origin}/?esm=1`);
    await ready(page);
    expect(await page.evaluate(() => typeof customElements.get('aftale-signup'))).toBe('function');
    expect(await text(page, `${W}h2`)).toBe('Vælg abonnement');
  });

  it('works at 320 px wide without horizontal scrolling, and passes axe there', async () => {
    const page = await open(`${api.url}/demo`, 320, 640);
    const overflow = () =>
      page.evaluate(() => {
        const host = document.querySelector('aftale-signup')!;
        return {
          page: document.documentElement.scrollWidth,
          widget: host.getBoundingClientRect().right,
        };
      });
    await ready(page);
    for (const step of ['plans', 'company', 'review']) {
      const o = await overflow();
      expect({ step, ...o, page: o.page <= 320, widget: o.widget <= 320 }).toEqual({
        step,
        ...o,
        page: true,
        widget: true,
      });
      await axe(page, `320px ${step}`);
      if (step === 'plans') {
        await page.click(`${W}button[type=submit]`);
        await until(page, `${W}#f-name`);
        await fillCompany(page, company('Smal Skærm ApS'));
      } else if (step === 'company') {
        await page.click(`${W}button[type=submit]`);
        await until(page, `${W}.doc`);
      }
    }
  });

  it('causes no layout shift when it loads async', async () => {
    for (const [width, height] of [
      [1280, 900],
      [360, 740],
    ] as const) {
      const page = await browser.newPage();
      pages.push(page);
      await page.setViewport({ width, height });
      // A slow network: the page paints, the script and the configuration arrive later.
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const slow = /widget\.js|\/v1\/widget\/config/.test(req.url());
        setTimeout(() => void req.continue(), slow ? 400 : 0);
      });
      await page.evaluateOnNewDocument(() => {
        const w = window as unknown as { __cls: number };
        w.__cls = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) w.__cls += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(`${api.url}/demo`, { waitUntil: 'domcontentloaded' });
      await ready(page);
      await new Promise((r) => setTimeout(r, 500));
      expect({ width, cls: await page.evaluate(() => (window as any).__cls) }).toEqual({
        width,
        cls: 0,
      });
    }
  });

  it('keeps the bundle within budget and loads nothing but the widget and its API', async () => {
    expect(built.files['widget.js'].gzipBytes).toBeLessThanOrEqual(built.budgetGzipBytes);
    const page = await browser.newPage();
    pages.push(page);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).origin));
    await page.goto(`${vendor.origin}/`, { waitUntil: 'load' });
    await ready(page);
    expect([...new Set(requested)].sort()).toEqual([api.url, vendor.origin].sort());
  });

  it('re-acceptance: an invalid customer token is reported inside the element', async () => {
    const page = await open(
      `${vendor.origin}/?el=${encodeURIComponent('customer-token="v1.forged.token"')}`,
    );
    await until(page, `${W}[role=alert]:not(:empty)`);
    expect(await text(page, `${W}h2`)).toBe('Tilmeldingen kan ikke vises lige nu');
    expect(await text(page, `${W}[role=alert]`)).toBe(
      'Jeres tidligere accept kunne ikke findes (ugyldigt kunde-token). Kontakt leverandøren.',
    );
    expect(await page.$(`${W}#accept`)).toBeNull();
    await axe(page, 'invalid customer token');
  });

  // Publishes a new DPA version for the demo tenant, so it runs last: the tests above read
  // the demo's original documents.
  it('re-acceptance: shows what changed, prefills, and collects a new acceptance', async () => {
    const c = company('Genaccept ApS', { cvr: '37308838' });
    const first = await open(`${api.url}/demo`);
    await toReview(first, c, 'standard', 12);
    await first.click(`${W}#consent`);
    await first.click(`${W}#accept`);
    await until(first, '#acceptance-result[data-acceptance-id]');
    const [accepted] = (await first.evaluate(() => (window as any).__accepted)) as Array<{
      acceptanceId: string;
      token: string;
    }>;
    const withToken = (token: string) =>
      `${vendor.origin}/?el=${encodeURIComponent(`customer-token="${token}"`)}`;

    // Nothing has changed yet: the customer is told so, and there is nothing to submit.
    const unchanged = await open(withToken(accepted!.token));
    await until(unchanged, `${W}#re`);
    expect(await text(unchanged, `${W}h2`)).toBe('Intet nyt at acceptere');
    expect(await text(unchanged, `${W}#re`)).toBe(
      'I har allerede accepteret de gældende versioner af aftalerne.',
    );
    expect(await unchanged.$(`${W}button`)).toBeNull();
    await axe(unchanged, 're-acceptance, nothing changed');

    // The vendor publishes a new DPA version.
    const ctx = { tenantId };
    const old = (await services.documents.current(ctx, 'dpa'))!;
    const draft = await services.documents.import(
      ctx,
      { kind: 'dpa', format: 'markdown' },
      '# Databehandleraftale v2\n\nFor {{client.name}} (CVR {{client.cvr}}).',
      { type: 'cli' },
    );
    const published = await services.documents.publish(ctx, draft.version.id, { type: 'cli' });
    expect(published.version).toBeGreaterThan(old.version!);

    const page = await open(withToken(accepted!.token));
    await ready(page);
    const notice =
      `Databehandleraftalen er ændret: version ${old.version} → ${published.version}. ` +
      'Læs den nye version og accepter igen.';
    expect(await text(page, `${W}#re`)).toBe(notice);
    expect(await page.$eval(`${W}#re`, (el) => el.getAttribute('aria-live'))).toBe('polite');
    // The previous plan is chosen (not the cheapest, the usual default).
    expect(
      await page.$eval(`${W}input[name=plan]:checked`, (el) => (el as HTMLInputElement).value),
    ).toBe('standard');
    await page.click(`${W}button[type=submit]`);

    await until(page, `${W}#f-name`);
    const prefilled = await page.$$eval(`${W}form input`, (els) =>
      Object.fromEntries(
        els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value]),
      ),
    );
    expect(prefilled).toMatchObject(c);
    await page.click(`${W}button[type=submit]`);

    await page.waitForFunction(() =>
      document
        .querySelector('aftale-signup')
        ?.shadowRoot?.querySelector('.doc')
        ?.textContent?.includes('CVR 37308838'),
    );
    // The notice sits above the documents; the new DPA version is the one shown.
    expect(await text(page, `${W}#re`)).toBe(notice);
    expect(
      await page.$eval(`${W}#re`, (el) =>
        Boolean(
          el.compareDocumentPosition((el.getRootNode() as ShadowRoot).querySelector('.doc')!) &
          Node.DOCUMENT_POSITION_FOLLOWING,
        ),
      ),
    ).toBe(true);
    expect(await text(page, `${W}h3`)).toBe(`Databehandleraftale (version ${published.version})`);
    await axe(page, 're-acceptance review');
    await page.click(`${W}#consent`);
    await page.click(`${W}#accept`);
    await page.waitForFunction(() => (window as any).__accepted.length === 1, {
      timeout: 20_000,
    });
    expect(await text(page, `${W}h2`)).toBe('Tak! Jeres nye accept er registreret');
    const [again] = (await page.evaluate(() => (window as any).__accepted)) as Array<{
      acceptanceId: string;
    }>;

    // A second acceptance, with its own idempotency key, for the new DPA version.
    const rows = await acceptancesOf(c.name);
    expect(rows).toHaveLength(2);
    const second = rows.find((r) => r.id === again!.acceptanceId);
    const previous = rows.find((r) => r.id === accepted!.acceptanceId);
    expect(second).toBeTruthy();
    expect(previous).toBeTruthy();
    expect(second.idempotency_key).not.toBe(previous.idempotency_key);
    expect(second.company).toMatchObject(c);
    expect(second.evidence.plan.code).toBe('standard');
    const dpaOf = (row: { evidence: { documents: Array<{ kind: string; versionId: string }> } }) =>
      row.evidence.documents.find((d) => d.kind === 'dpa')!.versionId;
    expect(dpaOf(second)).toBe(published.id);
    expect(dpaOf(previous)).toBe(old.id);
  });
});
