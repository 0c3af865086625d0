/**
 * Widget size check: builds the widget (as `npx nx build widget` does) and reports, per
 * file, minified and min+gzip bytes against the unminified bundle built in the same run,
 * then the JavaScript a vendor's page loads against the 15 KB budget. Exits 1 over budget.
 * Run: node tools/scripts/run-ts.js tools/bench/widget-size.ts [--json]
 */
import { BUDGET_GZIP_BYTES, buildWidget, bundle, gzipSize } from '../../apps/widget/build';

const kb = (bytes: number) => `${(bytes / 1000).toFixed(2)} KB`; // decimal, as the budget
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;

async function main(): Promise<number> {
  const built = await buildWidget();
  const rows = [];
  for (const [file, format] of [
    ['widget.js', 'iife'],
    ['widget.mjs', 'esm'],
  ] as const) {
    const reference = (await bundle(format, false)).code;
    const f = built.files[file];
    rows.push({
      file,
      referenceBytes: reference.length,
      referenceGzipBytes: gzipSize(reference),
      minBytes: f.bytes,
      minGzipBytes: f.gzipBytes,
      sri: f.sri,
    });
  }
  // A page loads either the script-tag build or the module, never both: the larger counts.
  const pageTotal = Math.max(...rows.map((r) => r.minGzipBytes));
  const ok = pageTotal <= BUDGET_GZIP_BYTES;

  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ budgetGzipBytes: BUDGET_GZIP_BYTES, pageTotal, ok, rows }, null, 2),
    );
  } else {
    console.log('file        unminified (gzip)        minified (gzip)          min+gzip vs ref');
    for (const r of rows) {
      console.log(
        `${r.file.padEnd(11)} ${kb(r.referenceBytes).padStart(9)} (${kb(r.referenceGzipBytes)})`.padEnd(
          37,
        ) +
          `${kb(r.minBytes).padStart(9)} (${kb(r.minGzipBytes)})`.padEnd(25) +
          pct(r.minGzipBytes, r.referenceGzipBytes),
      );
    }
    console.log(
      `\npage total (min+gzip): ${pageTotal} B = ${kb(pageTotal)} of ${kb(BUDGET_GZIP_BYTES)} ` +
        `budget (${pct(pageTotal, BUDGET_GZIP_BYTES)}) ${ok ? 'OK' : 'OVER BUDGET'}`,
    );
    console.log(`bundle inputs: ${built.inputs.length} files, none from node_modules`);
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
