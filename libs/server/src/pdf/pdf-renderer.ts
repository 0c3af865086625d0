import { mkdtempSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { AftaleError } from '@aftale/domain';
import { chromiumExecutablePath, launchChromium, reapProcessesMentioning } from './chromium';
import {
  PDF_MARGINS,
  pdfFooterTemplate,
  pdfHeaderTemplate,
  type PdfHeader,
  type PdfLocale,
} from './pdf-html';

export interface RenderPdfInput {
  /** A complete HTML document, normally from `wrapDocumentHtml`. */
  html: string;
  header: PdfHeader;
  locale: PdfLocale;
}

/** Anything with pino's `warn(obj, msg)`. */
export interface PdfLogger {
  warn(obj: object, msg: string): void;
}

export interface PdfRendererOptions {
  /** Jobs rendered at once, one browser each. Default: the number of cores. */
  concurrency?: number;
  /** Jobs allowed to wait; beyond it `renderPdf` rejects with BUSY. Default 2 × concurrency. */
  queueCapacity?: number;
  /** A browser is replaced after this many PDFs, bounding leaks. Default 50. */
  maxJobsPerBrowser?: number;
  /** Per PDF, from opening the page to the finished PDF. Default 30 s. */
  timeoutMs?: number;
  /** Starting Chromium. Default 30 s. */
  launchTimeoutMs?: number;
  /** Default: env CHROMIUM_PATH, else /usr/bin/chromium. */
  executablePath?: string;
  /** Where the per-browser user-data-dirs are made. Default: the OS temp dir. */
  tmpDir?: string;
  /** Larger documents are refused as bad input. Default 10 MB. */
  maxHtmlBytes?: number;
  /** Tagged (accessible) PDF structure; costs about 10% more CPU. Default true. */
  taggedPdf?: boolean;
  logger?: PdfLogger;
}

export interface RenderPdfOptions {
  /** Overrides the renderer's timeout for this PDF. */
  timeoutMs?: number;
}

export interface PdfRendererStats {
  concurrency: number;
  queueCapacity: number;
  /** Browsers started since creation (recycling and crashes start new ones). */
  launches: number;
  /** Browsers alive now. */
  browsers: number;
  active: number;
  queued: number;
  rendered: number;
  failed: number;
  rejectedBusy: number;
  /** Requests a document tried to make and that were aborted. */
  blockedRequests: number;
}

export type PdfRenderFailure = 'TIMEOUT' | 'CRASHED' | 'LAUNCH_FAILED' | 'CLOSED' | 'FAILED';

/** A server-side failure to render (not the caller's fault); the job may be retried. */
export class PdfRenderError extends Error {
  constructor(
    readonly reason: PdfRenderFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PdfRenderError';
  }
}

const DEFAULTS = {
  maxJobsPerBrowser: 50,
  timeoutMs: 30_000,
  launchTimeoutMs: 30_000,
  maxHtmlBytes: 10 * 1024 * 1024,
};
const PUPPETEER_SLACK_MS = 5_000;

/** Documents are self-contained: only inline data and the blank page may load. */
export function isAllowedDocumentUrl(url: string): boolean {
  return url.startsWith('data:') || url.startsWith('about:');
}

function validateInput(input: RenderPdfInput, maxHtmlBytes: number): AftaleError | null {
  if (typeof input?.html !== 'string') return AftaleError.field('html', 'must be a string');
  if (Buffer.byteLength(input.html) > maxHtmlBytes) {
    return AftaleError.field('html', `the document is larger than ${maxHtmlBytes} bytes`);
  }
  if (input.locale !== 'da' && input.locale !== 'en') {
    return AftaleError.field('locale', 'must be "da" or "en"');
  }
  for (const key of ['vendor', 'customer', 'documentVersion'] as const) {
    if (typeof input.header?.[key] !== 'string') {
      return AftaleError.field(`header.${key}`, 'must be a string');
    }
  }
  return null;
}

/**
 * Locks a page down for untrusted documents: JavaScript off and every request that is
 * not data:/about: aborted, so a document can never make the server fetch a URL.
 */
export async function preparePage(
  page: Page,
  onBlocked: (url: string) => void = () => undefined,
): Promise<Page> {
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    // continue/abort reject once the page is gone; nothing to do about that.
    if (isAllowedDocumentUrl(request.url())) {
      request.continue().catch(() => undefined);
    } else {
      onBlocked(request.url());
      // 'aborted' (net::ERR_ABORTED) cancels a navigation without an error page, so a
      // <meta http-equiv=refresh> to a URL leaves the document in place.
      request.abort('aborted').catch(() => undefined);
    }
  });
  return page;
}

/** Renders `input` as an A4 PDF with the header and page-numbered footer on a prepared page. */
export async function printPdf(
  page: Page,
  input: RenderPdfInput,
  timeoutMs: number,
  tagged = true,
): Promise<Buffer> {
  // A new document per job: setContent writes into the current one, which keeps state
  // such as a previous document's CSP (one tenant's document could break the next PDF).
  await page.goto('about:blank', { waitUntil: 'load', timeout: timeoutMs });
  await page.setContent(input.html, { waitUntil: 'load', timeout: timeoutMs });
  const pdf = await page.pdf({
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: pdfHeaderTemplate(input.header, input.locale),
    footerTemplate: pdfFooterTemplate(input.locale),
    margin: PDF_MARGINS,
    timeout: timeoutMs,
    tagged,
  });
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
}

interface Instance {
  browser: Browser;
  /** Reused across jobs: a new page costs a new renderer process, about half the CPU of a PDF. */
  page: Page | null;
  userDataDir: string;
  jobs: number;
  retired: boolean;
}

interface Slot {
  instance: Instance | null;
  launching: Promise<Instance> | null;
  busy: boolean;
}

interface Job {
  input: RenderPdfInput;
  timeoutMs: number;
  resolve: (pdf: Buffer) => void;
  reject: (error: unknown) => void;
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(
        new PdfRenderError(
          'TIMEOUT',
          `PDF rendering did not finish within ${ms} ms; the browser was restarted`,
        ),
      );
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

class PageCrashedError extends Error {}

/** `work`, failing fast if the page's renderer process crashes (it would otherwise hang). */
function untilPageCrash<T>(page: Page, work: Promise<T>): Promise<T> {
  let onError: (error: Error) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => {
    onError = (error) => reject(new PageCrashedError(error.message));
    page.once('error', onError);
  });
  return Promise.race([work, crashed]).finally(() => page.off('error', onError));
}

/**
 * A pool of headless Chromium browsers turning HTML into PDFs. One browser per
 * concurrency slot (a crash costs one job) with one locked-down page that every job
 * reuses with a fresh document; recycled after `maxJobsPerBrowser` PDFs, replaced when
 * it dies or hangs (a job that lost its browser is retried once). Waiting is bounded: when the queue is full, callers
 * get BUSY at once rather than piling up memory and latency.
 */
export class PdfRenderer {
  /** Parent of every user-data-dir this pool creates; its name marks our processes. */
  readonly userDataRoot: string;
  private readonly concurrency: number;
  private readonly queueCapacity: number;
  private readonly maxJobsPerBrowser: number;
  private readonly timeoutMs: number;
  private readonly launchTimeoutMs: number;
  private readonly executablePath: string;
  private readonly maxHtmlBytes: number;
  private readonly taggedPdf: boolean;
  private readonly logger: PdfLogger | undefined;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly retiring = new Set<Promise<void>>();
  private launchCounter = 0;
  private counters = { launches: 0, rendered: 0, failed: 0, rejectedBusy: 0, blockedRequests: 0 };
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(options: PdfRendererOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
    this.queueCapacity = Math.max(0, Math.floor(options.queueCapacity ?? 2 * this.concurrency));
    this.maxJobsPerBrowser = Math.max(1, options.maxJobsPerBrowser ?? DEFAULTS.maxJobsPerBrowser);
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.launchTimeoutMs = options.launchTimeoutMs ?? DEFAULTS.launchTimeoutMs;
    this.executablePath = options.executablePath ?? chromiumExecutablePath();
    this.maxHtmlBytes = options.maxHtmlBytes ?? DEFAULTS.maxHtmlBytes;
    this.taggedPdf = options.taggedPdf ?? true;
    this.logger = options.logger;
    this.userDataRoot = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'aftale-pdf-'));
    this.slots = Array.from({ length: this.concurrency }, () => ({
      instance: null,
      launching: null,
      busy: false,
    }));
  }

  renderPdf(input: RenderPdfInput, options: RenderPdfOptions = {}): Promise<Buffer> {
    if (this.closed) {
      return Promise.reject(new PdfRenderError('CLOSED', 'The PDF renderer has been shut down'));
    }
    const invalid = validateInput(input, this.maxHtmlBytes);
    if (invalid) return Promise.reject(invalid);
    return new Promise<Buffer>((resolve, reject) => {
      const job: Job = { input, timeoutMs: options.timeoutMs ?? this.timeoutMs, resolve, reject };
      const slot = this.slots.find((s) => !s.busy);
      if (slot) {
        this.start(slot, job);
      } else if (this.queue.length < this.queueCapacity) {
        this.queue.push(job);
      } else {
        this.counters.rejectedBusy++;
        reject(new AftaleError('BUSY', 'PDF renderer is busy; retry shortly'));
      }
    });
  }

  /** Starts every browser now, so the first PDFs do not pay for launching. */
  async warmUp(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.instanceFor(slot)));
  }

  stats(): PdfRendererStats {
    return {
      concurrency: this.concurrency,
      queueCapacity: this.queueCapacity,
      ...this.counters,
      browsers: this.slots.filter((s) => s.instance).length,
      active: this.slots.filter((s) => s.busy).length,
      queued: this.queue.length,
    };
  }

  /**
   * Refuses new work, fails queued jobs, lets running ones finish (each bounded by its
   * timeout), then shuts every browser down and removes their directories.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.reject(
        new PdfRenderError('CLOSED', 'The PDF renderer was shut down before this job ran'),
      );
    }
    await Promise.allSettled([...this.running]);
    await Promise.allSettled(this.slots.map((s) => s.launching));
    for (const slot of this.slots) if (slot.instance) this.retire(slot, slot.instance, 'close');
    await Promise.allSettled([...this.retiring]);
    await reapProcessesMentioning(this.userDataRoot, 0);
    await rm(this.userDataRoot, { recursive: true, force: true });
  }

  private start(slot: Slot, job: Job): void {
    slot.busy = true;
    const run = (async () => {
      let outcome: { pdf: Buffer } | { error: unknown };
      try {
        outcome = { pdf: await this.execute(slot, job) };
        this.counters.rendered++;
      } catch (error) {
        outcome = { error };
        this.counters.failed++;
      }
      // Free the slot before settling, so the caller sees accurate stats and the next
      // queued job starts without waiting on the caller.
      slot.busy = false;
      const next = this.closed ? undefined : this.queue.shift();
      if (next) this.start(slot, next);
      if ('pdf' in outcome) job.resolve(outcome.pdf);
      else job.reject(outcome.error);
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async execute(slot: Slot, job: Job): Promise<Buffer> {
    // A PDF is a pure function of its input, so a job that lost its browser is retried
    // once on a fresh one: the caller sees a crash only if it happens twice.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(slot, job);
      } catch (error) {
        if (!(error instanceof PdfRenderError && error.reason === 'CRASHED') || attempt >= 2) {
          throw error;
        }
      }
    }
  }

  private async attempt(slot: Slot, job: Job): Promise<Buffer> {
    const instance = await this.instanceFor(slot);
    let page: Page;
    try {
      instance.page ??= await preparePage(
        await instance.browser.newPage(),
        () => this.counters.blockedRequests++,
      );
      page = instance.page;
    } catch (error) {
      this.retire(slot, instance, 'kill');
      throw new PdfRenderError('CRASHED', 'The PDF browser could not open a page', {
        cause: error,
      });
    }
    try {
      const pdf = await withTimeout(
        // Puppeteer's own timeouts get slack, so ours fires first and kills the browser.
        untilPageCrash(
          page,
          printPdf(page, job.input, job.timeoutMs + PUPPETEER_SLACK_MS, this.taggedPdf),
        ),
        job.timeoutMs,
        () => {
          this.logger?.warn({ timeoutMs: job.timeoutMs }, 'PDF render timed out; killing browser');
          this.retire(slot, instance, 'kill');
        },
      );
      instance.jobs++;
      if (instance.jobs >= this.maxJobsPerBrowser) this.retire(slot, instance, 'close');
      return pdf;
    } catch (error) {
      if (error instanceof PdfRenderError) throw error;
      if (!instance.browser.connected || instance.retired || error instanceof PageCrashedError) {
        this.logger?.warn({ err: String(error) }, 'PDF browser died while rendering');
        this.retire(slot, instance, 'kill');
        throw new PdfRenderError(
          'CRASHED',
          'The PDF browser crashed while rendering; it has been replaced',
          { cause: error },
        );
      }
      // The page may be in any state now; the next job gets a new one.
      instance.page = null;
      await page.close().catch(() => undefined);
      throw new PdfRenderError('FAILED', `PDF rendering failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  private instanceFor(slot: Slot): Promise<Instance> {
    if (slot.instance && !slot.instance.retired && slot.instance.browser.connected) {
      return Promise.resolve(slot.instance);
    }
    if (slot.instance) this.retire(slot, slot.instance, 'kill');
    slot.launching ??= this.launch(slot).finally(() => {
      slot.launching = null;
    });
    return slot.launching;
  }

  private async launch(slot: Slot): Promise<Instance> {
    const userDataDir = join(this.userDataRoot, `browser-${++this.launchCounter}`);
    await mkdir(userDataDir);
    this.counters.launches++;
    let browser: Browser;
    try {
      browser = await launchChromium({
        executablePath: this.executablePath,
        userDataDir,
        launchTimeoutMs: this.launchTimeoutMs,
        protocolTimeoutMs: this.timeoutMs + 2 * PUPPETEER_SLACK_MS,
      });
    } catch (error) {
      await reapProcessesMentioning(userDataDir, 0);
      await rm(userDataDir, { recursive: true, force: true });
      throw new PdfRenderError(
        'LAUNCH_FAILED',
        `Could not start Chromium at ${this.executablePath}: ${error instanceof Error ? error.message : String(error)}. ` +
          'Run tools/scripts/ensure-chromium.sh or set CHROMIUM_PATH.',
        { cause: error },
      );
    }
    const instance: Instance = { browser, page: null, userDataDir, jobs: 0, retired: false };
    browser.once('disconnected', () => {
      if (!instance.retired) {
        this.logger?.warn({ userDataDir }, 'PDF browser disconnected; it will be replaced');
        this.retire(slot, instance, 'kill');
      }
    });
    slot.instance = instance;
    return instance;
  }

  /** Detaches the browser from its slot at once; shutting it down happens in the background. */
  private retire(slot: Slot, instance: Instance, how: 'close' | 'kill'): void {
    if (instance.retired) return;
    instance.retired = true;
    if (slot.instance === instance) slot.instance = null;
    const done = (async () => {
      const { browser, userDataDir } = instance;
      if (how === 'close') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          browser.close().catch(() => undefined),
          new Promise((r) => (timer = setTimeout(r, 5_000))),
        ]);
        clearTimeout(timer);
      }
      try {
        browser.process()?.kill('SIGKILL');
      } catch {
        // Already gone.
      }
      // Children (zygotes, renderers) follow the main process; kill any that linger.
      await reapProcessesMentioning(userDataDir, 2_000);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    })();
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }
}

/**
 * One PDF from a browser started for it and shut down after: slow (a launch per PDF),
 * for one-off use and as the benchmark's baseline.
 */
export async function renderPdfOnce(
  input: RenderPdfInput,
  options: Pick<PdfRendererOptions, 'executablePath' | 'timeoutMs' | 'tmpDir' | 'taggedPdf'> = {},
): Promise<Buffer> {
  const invalid = validateInput(input, DEFAULTS.maxHtmlBytes);
  if (invalid) throw invalid;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const userDataDir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'aftale-pdf-once-'));
  let browser: Browser | undefined;
  try {
    browser = await launchChromium({
      executablePath: options.executablePath ?? chromiumExecutablePath(),
      userDataDir,
      launchTimeoutMs: DEFAULTS.launchTimeoutMs,
      protocolTimeoutMs: timeoutMs + 2 * PUPPETEER_SLACK_MS,
    });
    const started = browser;
    return await withTimeout(
      started
        .newPage()
        .then((page) => preparePage(page))
        .then((page) =>
          printPdf(page, input, timeoutMs + PUPPETEER_SLACK_MS, options.taggedPdf ?? true),
        ),
      timeoutMs,
      () => started.process()?.kill('SIGKILL'),
    );
  } finally {
    await browser?.close().catch(() => undefined);
    await reapProcessesMentioning(userDataDir, 2_000);
    await rm(userDataDir, { recursive: true, force: true });
  }
}
