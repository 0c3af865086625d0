/**
 * PDF rendering benchmark: a ~5-page Danish DPA through the browser pool at concurrency
 * 1 and 2, against a fresh browser per PDF (the naive way), in the same run.
 * Run: node tools/scripts/run-ts.js tools/bench/pdf.bench.ts [--pdfs 40]
 * Needs Chromium (tools/scripts/ensure-chromium.sh). Writes tools/bench/results/pdf-<date>.json.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  PdfRenderer,
  chromiumExecutablePath,
  escapeHtml,
  renderPdfOnce,
  wrapDocumentHtml,
  type RenderPdfInput,
} from '../../libs/server/src/pdf';

const run = promisify(execFile);
const CLOCK_TICKS = 100; // USER_HZ on Linux

// --- the document -------------------------------------------------------------------

const SUB_PROCESSORS: Array<[string, string, string, string]> = [
  ['Amazon Web Services EMEA SARL', 'Luxembourg (EU)', 'Hosting og drift af servere', 'EU'],
  ['Microsoft Ireland Operations Ltd.', 'Irland (EU)', 'E-mail og kontorprogrammer', 'EU'],
  ['Twilio Ireland Ltd. (SendGrid)', 'Irland (EU)', 'Udsendelse af systemmails', 'USA (SCC)'],
  ['Zendesk Inc.', 'USA', 'Kundeservice og supportsager', 'USA (DPF)'],
  ['Atlassian Pty Ltd.', 'Australien', 'Fejlrapporter og opgavestyring', 'USA (SCC)'],
  ['Cloudflare Inc.', 'USA', 'CDN og beskyttelse mod angreb', 'EU/USA (DPF)'],
  ['Hetzner Online GmbH', 'Tyskland (EU)', 'Backup og katastrofeberedskab', 'EU'],
  ['Stripe Payments Europe Ltd.', 'Irland (EU)', 'Betaling og fakturering', 'EU/USA (DPF)'],
  ['Sentry (Functional Software Inc.)', 'USA', 'Fejlovervågning', 'USA (SCC)'],
  ['Intercom R&D Unlimited Co.', 'Irland (EU)', 'Chat i produktet', 'EU/USA (DPF)'],
  ['Netcompany A/S', 'Danmark (EU)', 'Udvikling og 2. level-support', 'EU'],
  ['e-Boks A/S', 'Danmark (EU)', 'Digital post til kunder', 'EU'],
  ['Datadog Inc.', 'USA', 'Logning og overvågning', 'EU (Frankfurt)'],
];

const FILLER = [
  'Databehandleren behandler alene personoplysninger efter dokumenteret instruks fra den dataansvarlige, herunder for så vidt angår overførsel af personoplysninger til tredjelande eller internationale organisationer, medmindre det kræves i henhold til EU-retten eller national ret, som databehandleren er underlagt.',
  'Databehandleren sikrer, at de personer, der er autoriseret til at behandle personoplysninger, har forpligtet sig til fortrolighed eller er underlagt en passende lovbestemt tavshedspligt. Adgangen begrænses til de medarbejdere, for hvem det er nødvendigt af hensyn til opgaveløsningen.',
  'Under hensyntagen til det aktuelle tekniske niveau, implementeringsomkostningerne og den pågældende behandlings karakter, omfang, sammenhæng og formål samt risiciene af varierende sandsynlighed og alvor for fysiske personers rettigheder og frihedsrettigheder gennemfører databehandleren passende tekniske og organisatoriske foranstaltninger.',
  'Databehandleren underretter uden unødig forsinkelse den dataansvarlige efter at være blevet opmærksom på, at der er sket brud på persondatasikkerheden. Underretningen skal så vidt muligt ske senest 24 timer efter, at databehandleren er blevet bekendt med bruddet, så den dataansvarlige kan overholde sin anmeldelsespligt over for Datatilsynet.',
  'Ved ophør af tjenesterne vedrørende behandling forpligtes databehandleren til at slette eller tilbagelevere alle personoplysninger til den dataansvarlige samt at slette eksisterende kopier, medmindre EU-retten eller national ret foreskriver opbevaring af personoplysningerne. Sletning dokumenteres skriftligt på forlangende.',
];

const CLAUSES = [
  'Baggrund for databehandleraftalen',
  'Den dataansvarliges forpligtelser og rettigheder',
  'Databehandleren handler efter instruks',
  'Fortrolighed',
  'Behandlingssikkerhed',
  'Anvendelse af underdatabehandlere',
  'Overførsel af oplysninger til tredjelande',
  'Bistand til den dataansvarlige',
  'Underretning om brud på persondatasikkerheden',
  'Sletning og returnering af oplysninger',
  'Revision, herunder inspektion',
  'Parternes aftaler om andre forhold',
  'Ikrafttræden og ophør',
];

function sampleDpaHtml(customer: string): string {
  const parts: string[] = [
    `<h1>Databehandleraftale</h1>`,
    `<p>i henhold til artikel 28, stk. 3, i forordning 2016/679 (databeskyttelsesforordningen) mellem <strong>${escapeHtml(customer)}</strong>, CVR 45629627, Søndergade 12, 8000 Aarhus C (den dataansvarlige) og <strong>Intranetværket ApS</strong>, CVR 12345678, Åboulevarden 7, 8000 Aarhus C (databehandleren).</p>`,
  ];
  CLAUSES.forEach((title, i) => {
    parts.push(`<h2>${i + 1}. ${title}</h2>`);
    for (let j = 0; j < 2 + (i % 2); j++) {
      parts.push(`<p>${i + 1}.${j + 1}. ${FILLER[(i + j) % FILLER.length]}</p>`);
    }
    if (i === 4) {
      parts.push(
        '<ul><li>kryptering af data under transport (TLS 1.2 eller nyere) og i hvile (AES-256);</li><li>to-faktor-godkendelse for alle administrative adgange;</li><li>logning af adgang til personoplysninger, opbevaret i 13 måneder;</li><li>daglig backup med gendannelsestest hvert kvartal.</li></ul>',
      );
    }
  });
  parts.push('<h2>Bilag A. Oplysninger om behandlingen</h2>');
  parts.push(`<p>${FILLER[0]}</p><p>${FILLER[2]}</p>`);
  parts.push('<h2>Bilag B. Underdatabehandlere</h2>');
  parts.push(
    '<table><thead><tr><th>Navn</th><th>Adresse / land</th><th>Behandling</th><th>Lokation og overførselsgrundlag</th></tr></thead><tbody>' +
      SUB_PROCESSORS.map(
        (row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`,
      ).join('') +
      '</tbody></table>',
  );
  parts.push('<h2>Bilag C. Instruks vedrørende behandling af personoplysninger</h2>');
  parts.push(`<p>${FILLER[1]}</p><p>${FILLER[3]}</p><p>${FILLER[4]}</p>`);
  return wrapDocumentHtml(parts.join('\n'), { title: 'Databehandleraftale', locale: 'da' });
}

// --- measuring ----------------------------------------------------------------------

interface ProcessInfo {
  pid: number;
  ppid: number;
  rssKb: number;
}

/** This process and all its descendants (the Chromium trees), from `ps`. */
async function processTree(): Promise<ProcessInfo[]> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=,rss=']);
  const all = stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [pid, ppid, rssKb] = line.trim().split(/\s+/).map(Number) as [number, number, number];
      return { pid, ppid, rssKb };
    });
  const tree: ProcessInfo[] = [];
  const stack = [process.pid];
  while (stack.length) {
    const pid = stack.pop()!;
    const info = all.find((p) => p.pid === pid);
    if (info) tree.push(info);
    for (const child of all) if (child.ppid === pid) stack.push(child.pid);
  }
  return tree;
}

/**
 * Memory of the tree in MB: RSS summed over processes (what `ps` says; counts pages
 * Chromium's processes share once per process, so it overstates) and PSS (shared pages
 * split between sharers: the honest total).
 */
async function treeMemoryMb(): Promise<{ rss: number; pss: number }> {
  const tree = await processTree();
  let pssKb = 0;
  await Promise.all(
    tree.map(async ({ pid }) => {
      try {
        const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
        pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      } catch {
        // exited
      }
    }),
  );
  return {
    rss: tree.reduce((sum, p) => sum + p.rssKb, 0) / 1024,
    pss: pssKb / 1024,
  };
}

/**
 * CPU seconds used by the tree so far: utime+stime of each live process plus the
 * cutime+cstime of children it has reaped (how finished fresh browsers are counted).
 */
async function treeCpuSeconds(): Promise<number> {
  const tree = await processTree();
  let ticks = 0;
  await Promise.all(
    tree.map(async ({ pid }) => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const fields = stat
          .slice(stat.lastIndexOf(')') + 2)
          .split(' ')
          .map(Number);
        // fields[11..14]: utime, stime, cutime, cstime (man 5 proc), in clock ticks
        ticks += (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
      } catch {
        // exited
      }
    }),
  );
  return ticks / CLOCK_TICKS;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

interface Result {
  mode: 'pool' | 'fresh-browser';
  concurrency: number;
  pdfs: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  pdfsPerSecond: number;
  /** CPU of node + Chromium per PDF: independent of what else runs on the machine. */
  cpuMsPerPdf: number;
  /** PDFs/s two otherwise idle cores could sustain at that CPU cost. */
  cpuBoundPdfsPerSecondOn2Cores: number;
  peakRssMb: number;
  peakPssMb: number;
}

async function measure(
  mode: Result['mode'],
  concurrency: number,
  total: number,
  render: () => Promise<Buffer>,
): Promise<Result> {
  const peak = await treeMemoryMb();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const now = await treeMemoryMb();
      peak.rss = Math.max(peak.rss, now.rss);
      peak.pss = Math.max(peak.pss, now.pss);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const cpuStart = await treeCpuSeconds();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  // Closed loop: `concurrency` callers, each sending its next PDF when the last is done.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        await render();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerPdf = (((await treeCpuSeconds()) - cpuStart) * 1000) / latencies.length;
  sampling = false;
  await sampler;
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    mode,
    concurrency,
    pdfs: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    pdfsPerSecond: Math.round((latencies.length / seconds) * 100) / 100,
    cpuMsPerPdf: Math.round(cpuMsPerPdf),
    cpuBoundPdfsPerSecondOn2Cores: Math.round((2000 / cpuMsPerPdf) * 100) / 100,
    peakRssMb: Math.round(peak.rss),
    peakPssMb: Math.round(peak.pss),
  };
}

async function pageCount(pdf: Buffer): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'aftale-bench-'));
  try {
    await writeFile(join(dir, 'a.pdf'), pdf);
    const { stdout } = await run('pdfinfo', [join(dir, 'a.pdf')]);
    return Number(/Pages:\s+(\d+)/.exec(stdout)?.[1] ?? NaN);
  } catch {
    return NaN; // pdfinfo missing: report without it
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--pdfs');
  const total = flag > 0 ? Number(process.argv[flag + 1]) : 40;
  const input: RenderPdfInput = {
    html: sampleDpaHtml('Min Dag Min Energi ApS'),
    locale: 'da',
    header: {
      vendor: 'Intranetværket ApS',
      customer: 'Min Dag Min Energi ApS',
      documentVersion: '4',
    },
  };
  const loadBefore = loadavg()[0] ?? NaN;
  const results: Result[] = [];
  let pages = NaN;
  let pdfBytes = 0;

  for (const concurrency of [1, 2]) {
    // The default recycling (50) stays in force, so launches are part of the steady state.
    const pool = new PdfRenderer({ concurrency });
    try {
      await pool.warmUp();
      for (let i = 0; i < 2 * concurrency; i++) {
        const pdf = await pool.renderPdf(input); // warm caches, not measured
        pages = await pageCount(pdf);
        pdfBytes = pdf.length;
      }
      results.push(await measure('pool', concurrency, total, () => pool.renderPdf(input)));
    } finally {
      await pool.close();
    }
    results.push(await measure('fresh-browser', concurrency, total, () => renderPdfOnce(input)));
  }

  const cores = availableParallelism();
  const byKey = (mode: Result['mode'], c: number) =>
    results.find((r) => r.mode === mode && r.concurrency === c)!;
  const ratios = [1, 2].map((c) => {
    const pool = byKey('pool', c);
    const base = byKey('fresh-browser', c);
    return {
      concurrency: c,
      throughput: Math.round((pool.pdfsPerSecond / base.pdfsPerSecond) * 100) / 100,
      p50Latency: Math.round((base.p50Ms / pool.p50Ms) * 100) / 100,
    };
  });
  const pools = results.filter((r) => r.mode === 'pool');
  const best = Math.max(...pools.map((r) => r.pdfsPerSecond));
  const bestCpuBound = Math.max(...pools.map((r) => r.cpuBoundPdfsPerSecondOn2Cores));
  const loadAfter = loadavg()[0] ?? NaN;
  const target = {
    pdfsPerSecond: 5,
    onCores: 2,
    /** Measured, on this machine as it was during the run. */
    met: cores <= 2 && best >= 5,
    bestPoolPdfsPerSecond: best,
    /** From CPU cost alone, as if the two cores were otherwise idle. */
    metOnIdleCores: bestCpuBound >= 5,
    bestPoolCpuBoundPdfsPerSecondOn2Cores: bestCpuBound,
  };

  const { stdout: chromeVersion } = await run(chromiumExecutablePath(), ['--version']).catch(
    () => ({ stdout: 'unknown' }),
  );
  console.log(
    `\nPDF benchmark: ${pages}-page Danish DPA (${Math.round(pdfBytes / 1024)} KiB), ${total} PDFs per row, ${cores} cores (${cpus()[0]?.model ?? '?'}), ${chromeVersion.trim()}\n`,
  );
  console.table(
    results.map((r) => ({
      mode: r.mode,
      concurrency: r.concurrency,
      'p50 ms': r.p50Ms,
      'p95 ms': r.p95Ms,
      'PDFs/s': r.pdfsPerSecond,
      'CPU ms/PDF': r.cpuMsPerPdf,
      'CPU-bound PDFs/s (2 cores)': r.cpuBoundPdfsPerSecondOn2Cores,
      'peak RSS MB (sum)': r.peakRssMb,
      'peak PSS MB': r.peakPssMb,
    })),
  );
  for (const r of ratios) {
    console.log(
      `concurrency ${r.concurrency}: pool is ${r.throughput}x the throughput of fresh-browser, p50 latency ${r.p50Latency}x lower`,
    );
  }
  console.log(
    `target ${target.pdfsPerSecond} PDFs/s on 2 cores: measured ${best} PDFs/s on ${cores} cores -> ${target.met ? 'MET' : 'NOT MET'}; ` +
      `CPU cost allows ${bestCpuBound} PDFs/s on 2 idle cores -> ${target.metOnIdleCores ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `1-minute load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (other work on the machine depresses the measured rates)\n`,
  );
  const date = new Date().toISOString().slice(0, 10);
  const dir = resolve(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `pdf-${date}.json`);
  const report = {
    date: new Date().toISOString(),
    machine: {
      cores,
      cpu: cpus()[0]?.model ?? null,
      node: process.version,
      loadAverage1m: { before: loadBefore, after: loadAfter },
    },
    chromium: chromeVersion.trim(),
    document: { pages, bytes: pdfBytes, subProcessorRows: SUB_PROCESSORS.length },
    pdfsPerConfiguration: total,
    results,
    ratios,
    target,
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
