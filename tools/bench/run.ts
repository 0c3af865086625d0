/**
 * `npm run bench`: every benchmark in turn, each in a process of its own (they measure
 * their own process and exit when done), then the crash test. A failing one does not stop
 * the others; the exit code is 1 if any failed.
 * Run: npm run bench [-- --only render,acceptance]
 * Needs what each needs: Chromium for pdf (tools/scripts/ensure-chromium.sh), PostgreSQL
 * and pgbench for acceptance and crash (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const BENCHES: Array<[name: string, file: string]> = [
  ['render', 'tools/bench/render.bench.ts'],
  ['pdf', 'tools/bench/pdf.bench.ts'],
  ['widget-size', 'tools/bench/widget-size.ts'],
  ['acceptance', 'tools/bench/acceptance.bench.ts'],
  ['crash', 'tools/bench/crash.ts'],
];

const only = process.argv.indexOf('--only');
const wanted = only > 0 ? new Set((process.argv[only + 1] ?? '').split(',')) : null;
const results: Array<{ bench: string; exit: number | string; seconds: number }> = [];
for (const [name, file] of BENCHES) {
  if (wanted && !wanted.has(name)) continue;
  console.log(`\n=== ${name} (${file})`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(ROOT, 'tools/scripts/run-ts.js'), file], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  results.push({
    bench: name,
    exit: run.status ?? run.signal ?? 'unknown',
    seconds: Math.round((Date.now() - started) / 1000),
  });
}
console.log('');
console.table(results);
process.exit(results.every((r) => r.exit === 0) ? 0 : 1);
