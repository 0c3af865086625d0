/**
 * Acceptance throughput: acceptances per second through the public submit endpoint
 * (POST /v1/widget/acceptances) on the full path (publishable key and origin, rate limit,
 * idempotency, validation, render of DPA and terms, hashing, subscription, insert of the
 * evidence and the documents, enqueue) at rising concurrency, with p50/p95/p99, against
 * the API and the sequencer worker running as production processes of their own on a real
 * PostgreSQL. The reference, in the same run and on the same database: pgbench's rate of
 * single-row INSERT transactions (a ~1 KB evidence-shaped row) at the same client counts,
 * and, to split the gap between the database and the application, pgbench writing the
 * rows an acceptance writes (same tables, same three transactions). Then an open-loop run
 * at half the peak rate (p99 there), and how long the Merkle log takes to catch up, which
 * is then verified end to end. Reports whether the goals are met
 * (peak ≥ 40% of pgbench's peak, p99 < 50 ms at half the peak); it never fails on time.
 * Run: node tools/scripts/run-ts.js tools/bench/acceptance.bench.ts [--seconds 10]
 *        [--concurrency 1,2,4,8,16,32] [--half-seconds 20] [--cpu-prof]
 * DATABASE_URL: a superuser URL (default postgres://postgres@127.0.0.1:5432/postgres); the
 * bench database is created next to it and dropped. --cpu-prof writes the API's V8 profile
 * to tools/bench/results/profiles/. Writes tools/bench/results/acceptance-<date>.json.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  API_ENTRY,
  BENCH_ORIGIN,
  ProductProcess,
  SEQUENCER_ENTRY,
  createDatabase,
  freePort,
  machineCpu,
  migrateAndSeed,
  processCpuSeconds,
  removeDataDir,
  stackEnv,
} from './lib/stack';
import {
  WidgetClient,
  closedLoop,
  openLoop,
  percentile,
  submitter,
  type LoadStats,
} from './lib/load';
import { logState, publishedLogKeys, verifyLog, waitForSequenced } from './lib/invariants';

const run = promisify(execFile);

const flag = (name: string) => process.argv.indexOf(`--${name}`);
const numberArg = (name: string, fallback: number): number => {
  const i = flag(name);
  const value = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SECONDS = numberArg('seconds', 10);
const HALF_SECONDS = numberArg('half-seconds', 20);
const LEVELS = (flag('concurrency') > 0 ? process.argv[flag('concurrency') + 1]! : '1,2,4,8,16,32')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const CPU_PROFILE = flag('cpu-prof') > 0;
const GOAL_RATIO = 0.4;
const GOAL_P99_MS = 50;

const r1 = (n: number) => Math.round(n * 10) / 10;

// --- the physical reference: pgbench ----------------------------------------------------

interface PgbenchStep {
  clients: number;
  tps: number;
  p50Ms: number;
  p99Ms: number;
}

/** A ~1 KB JSON payload, the size of a small evidence row. */
const PAYLOAD = JSON.stringify({
  schema: 'aftale.evidence/v1',
  company: { name: 'Min Dag Min Energi ApS', cvr: '45629627', city: 'Aarhus C' },
  pad: 'x'.repeat(880),
});

const SINGLE_INSERT = `\\set n random(1, 1000000000)
INSERT INTO bench_insert (tenant_id, payload) VALUES ('3f1c2a4e-9d6b-4c1e-8f7a-2b5d9e0c4a61', jsonb_set('${PAYLOAD}'::jsonb, '{n}', to_jsonb(:n::bigint)));
`;

/** Real values of one acceptance made by the API in this run, written again by pgbench. */
interface AcceptanceSample {
  tenantId: string;
  planVersionId: string;
  dpaVersionId: string;
  termsVersionId: string;
  company: string;
  quote: string;
  evidenceJson: string;
  dpaHtml: string;
  termsHtml: string;
}

/**
 * The rows one acceptance writes, in its three transactions (rate-limit counter;
 * customer, subscription and audit event; acceptance, its two documents, two jobs, the
 * webhook lookup and an audit event), as plain SQL from pgbench with the values of a real
 * acceptance: the database's own share of an acceptance, without HTTP, Node, the ORM or
 * the reads (and in fewer round trips than the app, as CTEs).
 */
function acceptanceWritesScript(x: AcceptanceSample): string {
  const t = x.tenantId;
  // pgbench reads `:name` anywhere, even inside a literal, and a command ends at a line
  // end: colons and newlines travel as chr(1) and chr(2) and are put back by PostgreSQL.
  const lit = (text: string) =>
    `replace(replace('${text.replace(/'/g, "''").replace(/:/g, '\x01').replace(/\n/g, '\x02')}', chr(1), chr(58)), chr(2), chr(10))`;
  // Keys must not repeat: a 63-bit random number per acceptance.
  return `\\set n random(1, 9000000000000000000)
INSERT INTO rate_limit_counters AS c (bucket, window_start, hits) VALUES ('ref-' || (:n::bigint % 10000), date_trunc('minute', now()), 1) ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1;
BEGIN;
WITH cu AS (INSERT INTO customers (tenant_id, company_name, cvr, email, provider) VALUES ('${t}', 'Kunde ' || :n::text, '45629627', 'it@kunde.dk', 'invoice') RETURNING id) INSERT INTO subscriptions (tenant_id, customer_id, plan_version_id, provider, status, users, period, quote, trial_ends_at, current_period_start, current_period_end, idempotency_key) SELECT '${t}', cu.id, '${x.planVersionId}', 'invoice', 'trialing', 12, 'month', ${lit(x.quote)}::jsonb, now() + interval '1 month', now(), now() + interval '1 month', 'acc' || chr(58) || 'ref-' || :n::text FROM cu RETURNING id AS sub \\gset
INSERT INTO audit_events (tenant_id, actor, action, target_type, target_id, details) VALUES ('${t}', 'api-key' || chr(58) || 'bench', 'subscription.created', 'subscription', :sub, ${lit('{"planCode":"standard"}')}::jsonb);
COMMIT;
BEGIN;
WITH a AS (INSERT INTO acceptances (tenant_id, idempotency_key, subscription_id, plan_version_id, company, company_cvr, evidence, evidence_json, evidence_sha256, source) VALUES ('${t}', 'ref-' || :n::text, :sub::uuid, '${x.planVersionId}', ${lit(x.company)}::jsonb, '45629627', ${lit(x.evidenceJson)}::jsonb, ${lit(x.evidenceJson)} || :n::text, md5(:n::text) || md5(:n::text), 'widget') RETURNING id), d AS (INSERT INTO acceptance_documents (acceptance_id, tenant_id, kind, version_id, html, html_sha256) SELECT a.id, '${t}', v.kind, v.version::uuid, v.html, md5(v.html) || md5(v.html) FROM a, (VALUES ('dpa', '${x.dpaVersionId}', :n::text || ${lit(x.dpaHtml)}), ('terms', '${x.termsVersionId}', :n::text || ${lit(x.termsHtml)})) AS v(kind, version, html) RETURNING 1) SELECT a.id AS acc FROM a \\gset
INSERT INTO job_queue (queue, tenant_id, payload, max_attempts, run_at, singleton_key) VALUES ('evidence.sequence', '${t}', '{}', 10, now(), '${t}') ON CONFLICT (queue, singleton_key) WHERE singleton_key IS NOT NULL AND state IN ('queued', 'running') DO NOTHING;
INSERT INTO job_queue (queue, tenant_id, payload, max_attempts, run_at) VALUES ('email.customer-copy', '${t}', jsonb_build_object('acceptanceId', :acc::text), 6, now());
SELECT id FROM webhook_endpoints WHERE enabled AND 'acceptance.created' = ANY (event_types);
INSERT INTO audit_events (tenant_id, actor, action, target_type, target_id, details) VALUES ('${t}', 'api-key' || chr(58) || 'bench', 'acceptance.created', 'acceptance', :acc, ${lit('{"planCode":"standard","source":"widget"}')}::jsonb);
COMMIT;
`;
}

async function pgbenchStep(
  url: string,
  clients: number,
  dir: string,
  name: string,
  scriptText: string,
): Promise<PgbenchStep> {
  const script = join(dir, `${name}.sql`);
  await writeFile(script, scriptText);
  const prefix = join(dir, `pgb${clients}`);
  const { stdout } = await run(
    'pgbench',
    [
      '-n',
      '-M',
      'prepared',
      '-j',
      String(Math.min(2, clients)),
      '-c',
      String(clients),
      '-T',
      String(SECONDS),
      '-f',
      script,
      '-l',
      `--log-prefix=${prefix}`,
      url,
    ],
    { maxBuffer: 1 << 24 },
  );
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
  // Per-transaction log lines: client_id transaction_no latency_us script_no epoch epoch_us.
  const latencies: number[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.startsWith(`pgb${clients}.`))) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (Number.isFinite(us) && line) latencies.push(us / 1000);
    }
    await rm(join(dir, file));
  }
  latencies.sort((a, b) => a - b);
  return {
    clients,
    tps: r1(tps),
    p50Ms: Math.round(percentile(latencies, 50) * 100) / 100,
    p99Ms: Math.round(percentile(latencies, 99) * 100) / 100,
  };
}

// --- CPU accounting ----------------------------------------------------------------------

/**
 * CPU seconds of the PostgreSQL backends serving this database (their process title names
 * it), so other databases on a shared server do not count; background processes do not.
 */
async function postgresCpuSeconds(database: string): Promise<number> {
  let ticks = 0;
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const title = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !title.includes(` ${database} `)) continue;
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

interface CpuSample {
  api: number;
  worker: number;
  postgres: number;
  machine: { busy: number; total: number };
}

async function sampleCpu(
  api: ProductProcess,
  worker: ProductProcess,
  database: string,
): Promise<CpuSample> {
  return {
    api: await processCpuSeconds(api.pid),
    worker: await processCpuSeconds(worker.pid),
    postgres: await postgresCpuSeconds(database),
    machine: await machineCpu(),
  };
}

/** CPU ms per acceptance of each party, and how busy the machine was (0-100%). */
function cpuPer(before: CpuSample, after: CpuSample, acceptances: number) {
  const per = (a: number, b: number) => (acceptances ? r1(((b - a) * 1000) / acceptances) : NaN);
  const total = after.machine.total - before.machine.total;
  return {
    apiCpuMsPerAcceptance: per(before.api, after.api),
    workerCpuMsPerAcceptance: per(before.worker, after.worker),
    postgresCpuMsPerAcceptance: per(before.postgres, after.postgres),
    machineBusyPercent: total
      ? Math.round(((after.machine.busy - before.machine.busy) / total) * 100)
      : NaN,
  };
}

// --- the run -------------------------------------------------------------------------------

interface Step extends LoadStats, ReturnType<typeof cpuPer> {
  concurrency: number;
  /** Acceptances not yet in the log when the step ended. */
  logBacklog: number;
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await createDatabase(adminUrl, 'aftale_bench');
  const work = await mkdtemp(join(tmpdir(), 'aftale-bench-'));
  const resultsDir = resolve(__dirname, 'results');
  const profileDir = join(resultsDir, 'profiles');
  const port = await freePort();
  const env = stackEnv({ ownerUrl: db.ownerUrl, port, production: true });
  const api = new ProductProcess(
    'api',
    API_ENTRY,
    env,
    CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const worker = new ProductProcess('sequencer', SEQUENCER_ENTRY, env);
  const owner = new Client({ connectionString: db.ownerUrl });
  const loadBefore = loadavg()[0] ?? NaN;
  try {
    console.log(`database ${db.name}; ${SECONDS} s per step; concurrency ${LEVELS.join(', ')}`);
    const { tenantId, publishableKey } = await migrateAndSeed(env);
    await owner.connect();

    // The reference first, while API and worker are not running.
    await owner.query(
      `CREATE TABLE bench_insert (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL,
         payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const pgbench: PgbenchStep[] = [];
    for (const clients of LEVELS) {
      const step = await pgbenchStep(db.ownerUrl, clients, work, 'insert', SINGLE_INSERT);
      pgbench.push(step);
      console.log(
        `pgbench   c=${clients}: ${step.tps} inserts/s, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms`,
      );
    }

    if (CPU_PROFILE) await mkdir(profileDir, { recursive: true });
    api.start();
    worker.start();
    await api.waitReady(`http://127.0.0.1:${port}/ready`);
    const client = new WidgetClient(`http://127.0.0.1:${port}`, publishableKey, BENCH_ORIGIN, 256);
    const config = await client.config();
    const submit = submitter(client, config, 6, `b${Date.now().toString(36)}`);

    // Warm-up (JIT, template cache, pools), not measured.
    const warmUntil = Date.now() + 5000;
    await closedLoop(submit, 4, () => Date.now() > warmUntil);

    const steps: Step[] = [];
    for (const concurrency of LEVELS) {
      const before = await sampleCpu(api, worker, db.name);
      const until = Date.now() + SECONDS * 1000;
      const stats = await closedLoop(submit, concurrency, () => Date.now() > until);
      const after = await sampleCpu(api, worker, db.name);
      const state = await logState(owner, tenantId);
      const step: Step = {
        concurrency,
        ...stats,
        ...cpuPer(before, after, stats.ok),
        logBacklog: state.acceptances - state.leaves,
      };
      steps.push(step);
      console.log(
        `acceptance c=${concurrency}: ${step.perSecond}/s, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, errors ${step.errors}, ` +
          `API ${step.apiCpuMsPerAcceptance} ms CPU each, machine ${step.machineBusyPercent}% busy, log backlog ${step.logBacklog}`,
      );
      for (const e of stats.errorSamples) console.log(`  error: ${e}`);
    }

    const peak = steps.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const pgPeak = pgbench.reduce((a, b) => (b.tps > a.tps ? b : a), pgbench[0]!);
    const halfRate = Math.max(1, Math.round(peak.perSecond / 2));
    const beforeHalf = await sampleCpu(api, worker, db.name);
    const half = await openLoop(submit, halfRate, HALF_SECONDS);
    const afterHalf = await sampleCpu(api, worker, db.name);
    const halfState = await logState(owner, tenantId);
    const halfStep = {
      ...half,
      ...cpuPer(beforeHalf, afterHalf, half.ok),
      logBacklog: halfState.acceptances - halfState.leaves,
    };
    console.log(
      `open loop at ${halfRate}/s (half the peak): ${half.perSecond}/s done, p50 ${half.p50Ms} ms, p99 ${half.p99Ms} ms, errors ${half.errors}`,
    );

    // The sequencer must keep up: how long until every acceptance is a leaf under a head.
    const caughtUp = await waitForSequenced(owner, tenantId, 120_000);
    const verified = await verifyLog(
      owner,
      tenantId,
      await publishedLogKeys(`http://127.0.0.1:${port}`),
    );
    client.close();
    await api.stop();
    await worker.stop();

    // The second reference, last so that its rows never reach the sequencer being measured.
    const sample: Omit<AcceptanceSample, 'tenantId'> = (
      await owner.query(
        `SELECT a.plan_version_id AS "planVersionId", a.company::text AS company,
                s.quote::text AS quote, a.evidence_json AS "evidenceJson",
                dpa.version_id AS "dpaVersionId", dpa.html AS "dpaHtml",
                terms.version_id AS "termsVersionId", terms.html AS "termsHtml"
           FROM acceptances a JOIN subscriptions s ON s.id = a.subscription_id
           JOIN acceptance_documents dpa ON dpa.acceptance_id = a.id AND dpa.kind = 'dpa'
           JOIN acceptance_documents terms ON terms.acceptance_id = a.id AND terms.kind = 'terms'
          WHERE a.tenant_id = $1 LIMIT 1`,
        [tenantId],
      )
    ).rows[0];
    const writesScript = acceptanceWritesScript({ tenantId, ...sample });
    const writes: PgbenchStep[] = [];
    for (const clients of LEVELS) {
      const step = await pgbenchStep(db.ownerUrl, clients, work, 'writes', writesScript);
      writes.push(step);
      console.log(
        `pgbench acceptance writes c=${clients}: ${step.tps}/s, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms`,
      );
    }
    const writesPeak = writes.reduce((a, b) => (b.tps > a.tps ? b : a), writes[0]!);

    const ratio = Math.round((peak.perSecond / pgPeak.tps) * 1000) / 1000;
    const goals = {
      ratio: { goal: GOAL_RATIO, measured: ratio, met: ratio >= GOAL_RATIO },
      p99AtHalfPeak: { goalMs: GOAL_P99_MS, measuredMs: half.p99Ms, met: half.p99Ms < GOAL_P99_MS },
      zeroErrors: { met: steps.every((s) => s.errors === 0) && half.errors === 0 },
    };
    const loadAfter = loadavg()[0] ?? NaN;

    console.log(
      `\nAcceptance benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}\n`,
    );
    console.table(
      LEVELS.map((c) => {
        const s = steps.find((x) => x.concurrency === c)!;
        const p = pgbench.find((x) => x.clients === c)!;
        return {
          concurrency: c,
          'acceptances/s': s.perSecond,
          'p50 ms': s.p50Ms,
          'p95 ms': s.p95Ms,
          'p99 ms': s.p99Ms,
          errors: s.errors,
          'API CPU ms/acc': s.apiCpuMsPerAcceptance,
          'PG CPU ms/acc': s.postgresCpuMsPerAcceptance,
          'log backlog': s.logBacklog,
          'pgbench inserts/s': p.tps,
          'pgbench p99 ms': p.p99Ms,
          'pgbench acc. writes/s': writes.find((x) => x.clients === c)!.tps,
          ratio: Math.round((s.perSecond / p.tps) * 1000) / 1000,
        };
      }),
    );
    console.log(
      `peak ${peak.perSecond} acceptances/s (concurrency ${peak.concurrency}) / pgbench peak ${pgPeak.tps} inserts/s (${pgPeak.clients} clients) = ${ratio} ` +
        `-> goal ≥ ${GOAL_RATIO}: ${goals.ratio.met ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `the same rows written by pgbench (no HTTP, Node, ORM or reads): peak ${writesPeak.tps}/s (${writesPeak.clients} clients); ` +
        `the API reaches ${Math.round((peak.perSecond / writesPeak.tps) * 1000) / 10}% of it`,
    );
    console.log(
      `half the peak, open loop at ${halfRate}/s: p50 ${half.p50Ms} ms, p99 ${half.p99Ms} ms -> goal p99 < ${GOAL_P99_MS} ms: ${goals.p99AtHalfPeak.met ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `log: caught up ${caughtUp.caughtUp ? `${caughtUp.ms} ms after the load` : 'NOT within 120 s'}; ` +
        `${verified.leaves} leaves, ${verified.treeHeads} signed heads, ${verified.problems.length ? `PROBLEMS: ${verified.problems.slice(0, 3).join('; ')}` : 'verified'}`,
    );
    console.log(
      `1-minute load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`,
    );

    await mkdir(resultsDir, { recursive: true });
    const file = join(resultsDir, `acceptance-${new Date().toISOString().slice(0, 10)}.json`);
    await writeFile(
      file,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: {
            cores: availableParallelism(),
            cpu: cpus()[0]?.model ?? null,
            node: process.version,
            postgres: (await owner.query('SELECT version()')).rows[0].version,
            loadAverage1m: { before: loadBefore, after: loadAfter },
          },
          setup: {
            secondsPerStep: SECONDS,
            nodeEnv: env.NODE_ENV,
            logLevel: env.LOG_LEVEL,
            databasePoolSize: 'default',
            worker: 'sequencer only (tools/bench/sequencer-worker.ts)',
            pgbenchScript: 'single-row INSERT of a ~1 KB jsonb row, -n -M prepared -j min(2,c)',
            acceptanceWritesScript:
              'the rows of one acceptance made in the run, in its three transactions, from pgbench (acceptanceWritesScript in acceptance.bench.ts), -n -M prepared -j min(2,c)',
          },
          pgbench,
          steps,
          halfPeak: halfStep,
          log: { caughtUpMs: caughtUp.caughtUp ? caughtUp.ms : null, ...verified },
          peak: { perSecond: peak.perSecond, concurrency: peak.concurrency },
          pgbenchPeak: { perSecond: pgPeak.tps, clients: pgPeak.clients },
          acceptanceWrites: writes,
          acceptanceWritesPeak: { perSecond: writesPeak.tps, clients: writesPeak.clients },
          goals,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${file}`);
  } catch (error) {
    console.error(`--- api output ---\n${api.tail()}\n--- worker output ---\n${worker.tail()}`);
    throw error;
  } finally {
    await api.stop();
    await worker.stop();
    removeDataDir(env);
    await owner.end().catch(() => undefined);
    await db.drop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
