/**
 * Document render throughput: a ~25 KB Danish DPA rendered to HTML with customer values,
 * with the compiled-template cache (what the product does) against a reference that
 * compiles on every render (cache cleared each time), measured in the same run.
 * Run: node tools/scripts/run-ts.js tools/bench/render.bench.ts [--seconds 3]
 * Writes tools/bench/results/render-<date>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  DEMO_DPA_MARKDOWN,
  clearRenderCache,
  hashDocument,
  importMarkdown,
  renderDocument,
  type DocumentValues,
} from '../../libs/documents/src';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

// Grow the demo DPA to ~25 KB by repeating its clauses as extra sections.
function dpaOf(targetBytes: number): string {
  let md = DEMO_DPA_MARKDOWN;
  let n = 0;
  while (Buffer.byteLength(md) < targetBytes) {
    n += 1;
    md += `\n\n## Tillæg ${n}\n\nDatabehandleren, {{vendor.name}}, behandler oplysninger for {{client.name}} (CVR {{client.cvr}}) efter instruks. Den dataansvarlige kontaktes på {{client.contactEmail}}. Denne bestemmelse gælder fra {{acceptance.date}} og følger af aftalens punkt ${n}.\n`;
  }
  return md;
}

const values: DocumentValues = {
  client: {
    name: 'Min Dag Min Energi ApS',
    address: 'Søndergade 7',
    zipCity: '8000 Aarhus C',
    cvr: '45629627',
    contact: 'Åse Ærø',
    contactEmail: 'aase@mindag.dk',
  },
  vendor: {
    name: 'Nordlys Intranet',
    legalName: 'Nordlys Intranet ApS',
    cvr: '41234563',
    address: 'Eksempelvej 12, 8000 Aarhus C',
  },
  plan: { name: 'Standard' },
  acceptance: { date: '2026-11-22' },
  subprocessors: Array.from({ length: 13 }, (_, i) => ({
    name: `Underdatabehandler ${i + 1} ApS`,
    location: 'DK',
    purpose: 'Hosting',
  })),
};

function measure(
  label: string,
  render: () => string,
): { label: string; renders: number; perSecond: number; meanMs: number } {
  const end = Date.now() + seconds * 1000;
  let renders = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  while (Date.now() < end) {
    bytes += render().length;
    renders++;
  }
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (bytes === 0) throw new Error('rendered nothing');
  return { label, renders, perSecond: (renders / elapsedMs) * 1000, meanMs: elapsedMs / renders };
}

async function main() {
  const markdown = dpaOf(25 * 1024);
  const { model } = importMarkdown(markdown);
  const hash = hashDocument(model);
  // Warm up both paths so the JIT is fair to each.
  for (let i = 0; i < 50; i++) renderDocument(model, values, { hash });
  const cached = measure('cached (product)', () => renderDocument(model, values, { hash }));
  const uncached = measure('compile every render (reference)', () => {
    clearRenderCache();
    return renderDocument(model, values, { hash });
  });
  const rows = [cached, uncached];
  console.log(
    `Document: ${(Buffer.byteLength(markdown) / 1024).toFixed(1)} KB Markdown, ${model.blocks.length} blocks; ${seconds} s per mode`,
  );
  console.table(
    rows.map((r) => ({
      mode: r.label,
      'renders/s': r.perSecond.toFixed(0),
      'mean ms': r.meanMs.toFixed(3),
    })),
  );
  const ratio = cached.perSecond / uncached.perSecond;
  console.log(`cached / reference: ${ratio.toFixed(2)}x`);
  const dir = resolve(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `render-${new Date().toISOString().slice(0, 10)}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        documentBytes: Buffer.byteLength(markdown),
        seconds,
        rows,
        ratio,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${file}`);
}

void main();
