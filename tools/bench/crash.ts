/**
 * Crash test of the acceptance path: a fresh database with the demo vendor, the API and the
 * sequencer worker as processes of their own (NODE_ENV=production, secrets generated for
 * the run). K times: submits at moderate concurrency, SIGKILL of the API at a random
 * moment, restart. Then every unanswered submit is retried with its idempotency key and
 * the invariants are checked from the database: every acknowledged acceptance exists with
 * its evidence and documents, none is half-made, each key has exactly one acceptance, and
 * the Merkle log verifies end to end against the published key. Exits 1 on any violation.
 * Run: node tools/scripts/run-ts.js tools/bench/crash.ts [--kills 10] [--concurrency 8]
 *        [--kill-worker-every 0] [--seed n]
 * DATABASE_URL: a superuser URL (default postgres://postgres@127.0.0.1:5432/postgres); the
 * test database is created next to it and dropped. Writes tools/bench/results/crash-<date>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createDatabase } from './lib/stack';
import { runCrashTest } from './lib/crash';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
};

async function main(): Promise<number> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const kills = arg('kills', 10);
  const concurrency = arg('concurrency', 8);
  const db = await createDatabase(adminUrl, 'aftale_crash');
  const log = (line: string) => console.log(`[crash] ${line}`);
  log(`database ${db.name}; ${kills} kills at concurrency ${concurrency}`);
  const started = Date.now();
  try {
    const report = await runCrashTest({
      ownerUrl: db.ownerUrl,
      kills,
      concurrency,
      killAfterMs: [300, 3000],
      killWorkerEvery: arg('kill-worker-every', 0),
      production: true,
      seed: arg('seed', 20261122),
      log,
    });
    const { problems, ...figures } = report;
    console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })));
    const dir = resolve(__dirname, 'results');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `crash-${new Date().toISOString().slice(0, 10)}.json`);
    await writeFile(
      file,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: {
            cores: availableParallelism(),
            cpu: cpus()[0]?.model ?? null,
            node: process.version,
          },
          seconds: Math.round((Date.now() - started) / 1000),
          ...report,
        },
        null,
        2,
      )}\n`,
    );
    log(`wrote ${file}`);
    if (problems.length) {
      console.error(`\nCRASH TEST FAILED: ${problems.length} violation(s)`);
      for (const p of problems.slice(0, 50)) console.error(`  - ${p}`);
      return 1;
    }
    log(
      `PASSED: ${report.kills} kills, ${report.acknowledged} acknowledged acceptances all present, ` +
        `${report.unanswered} unanswered submits retried to exactly one acceptance each ` +
        `(${report.committedButUnanswered} had committed), no half-made acceptance, ` +
        `log of ${report.logLeaves} leaves and ${report.treeHeads} signed heads verified`,
    );
    return 0;
  } finally {
    await db.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
