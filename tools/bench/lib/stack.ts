/**
 * The product as it runs in production, for the acceptance bench, the crash test and its
 * e2e variant: a fresh database, migrated and seeded with the demo vendor, and the API
 * and a worker as child processes of their own (started exactly as `npm start` starts
 * them), which can be killed and restarted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { generateSigningKey } from '@aftale/evidence';
import {
  createServices,
  loadConfig,
  migrateDatabase,
  resolveAppUrl,
  seedDemo,
} from '@aftale/server';

export const ROOT = resolve(__dirname, '..', '..', '..');
/** The vendor's checkout page the widget runs on (added to the demo's allowed origins). */
export const BENCH_ORIGIN = 'https://checkout.nordlys.example';
/**
 * The login role is cluster-wide and every migration re-keys it: reuse the local default
 * password so this run does not change the password other databases on the server rely on.
 */
const SHARED_APP_PASSWORD = 'aftale-local-dev-only';

export interface BenchDatabase {
  name: string;
  ownerUrl: string;
  drop(): Promise<void>;
}

/** A new, empty database next to `adminUrl` (a superuser URL), dropped by `drop()`. */
export async function createDatabase(adminUrl: string, prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    ownerUrl: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** Every child started here, so an exit of this process never leaves one behind. */
const live = new Set<ChildProcess>();
/** Data folders of the runs (they hold the generated keys): removed when this process ends. */
const dataDirs = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * The environment of API and worker. `production` generates the secrets production
 * requires (token secret, tree-head and PDF signing keys, secrets key) for this run. The
 * load arrives "through a load balancer" (loopback is a trusted proxy) so each simulated
 * customer has its own IP, as in real traffic, instead of every request sharing one
 * rate-limit counter row.
 */
export function stackEnv(options: {
  ownerUrl: string;
  port: number;
  production: boolean;
  logLevel?: string;
}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: options.production ? 'production' : 'test',
    DATABASE_URL: options.ownerUrl,
    DATABASE_APP_PASSWORD: SHARED_APP_PASSWORD,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    LOG_LEVEL: options.logLevel ?? 'warn',
    TRUSTED_PROXIES: 'loopback',
    // The bench measures the path, not the limiter's refusal: limits far above any rate.
    RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '100000000',
    AFTALE_DATA_DIR: mkdtempSync(join(tmpdir(), 'aftale-bench-data-')),
  };
  dataDirs.add(env.AFTALE_DATA_DIR!);
  if (options.production) {
    env.ACCEPTANCE_TOKEN_SECRET = randomBytes(36).toString('base64url');
    env.EVIDENCE_SIGNING_KEY = generateSigningKey().privateKeyPem;
    env.SECRETS_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    // A throwaway self-signed certificate for the acceptance PDFs, as the config suggests.
    const dir = env.AFTALE_DATA_DIR!;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'pdf.key'),
        '-out',
        join(dir, 'pdf.crt'),
        '-days',
        '2',
        '-subj',
        '/CN=Aftale bench/O=Aftale',
      ],
      { stdio: 'ignore' },
    );
    env.EVIDENCE_PDF_CERTIFICATE = readFileSync(join(dir, 'pdf.crt'), 'utf8');
    env.EVIDENCE_PDF_CERTIFICATE_KEY = readFileSync(join(dir, 'pdf.key'), 'utf8');
  }
  return env;
}

/** Removes the run's data folder (its generated keys) once its processes have stopped. */
export function removeDataDir(env: Record<string, string>): void {
  const dir = env.AFTALE_DATA_DIR;
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
  dataDirs.delete(dir);
}

export interface SeededTenant {
  tenantId: string;
  publishableKey: string;
}

/** Migrates (as the owner) and creates the demo vendor with its DPA, terms and plans. */
export async function migrateAndSeed(env: Record<string, string>): Promise<SeededTenant> {
  const config = loadConfig(env);
  const ownerUrl = env.DATABASE_URL!;
  await migrateDatabase(config, ownerUrl);
  const services = await createServices(resolveAppUrl(config, ownerUrl), config, 'aftale-bench');
  try {
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh database without the demo tenant');
    await services.tenants.update(
      { tenantId: seeded.tenantId },
      { allowedOrigins: [BENCH_ORIGIN] },
      { type: 'cli' },
    );
    return { tenantId: seeded.tenantId, publishableKey: seeded.publishableKey };
  } finally {
    await services.close();
  }
}

/** A product process (API or worker) started as `npm start` starts it: run-ts, no build. */
export class ProductProcess {
  private child: ChildProcess | null = null;
  private output = '';
  /** Exit code or signal of each run that ended, in order. */
  readonly exits: string[] = [];

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last 4 KB of its stdout and stderr, for error messages. */
  tail(): string {
    return this.output.slice(-4096);
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(
      process.execPath,
      [...this.nodeArgs, join(ROOT, 'tools/scripts/run-ts.js'), this.entry],
      { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-16384);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      live.delete(child);
      this.exits.push(signal ?? String(code));
    });
    live.add(child);
    this.child = child;
  }

  /** Ends it at once, as a power cut or the OOM killer would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 0);
  }

  /** Graceful stop (SIGTERM), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.signal('SIGTERM', graceMs);
  }

  private async signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    const timer =
      signal === 'SIGKILL' ? null : setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
    await exited;
    if (timer) clearTimeout(timer);
  }

  /** Resolves once `url` answers 2xx; rejects if the process exits or time runs out. */
  async waitReady(url: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.running)
        throw new Error(`${this.name} exited (${this.exits.at(-1)}):\n${this.tail()}`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} not ready at ${url} within ${timeoutMs} ms:\n${this.tail()}`);
  }
}

export const API_ENTRY = 'apps/api/src/main.ts';
/** The real worker loop with only the sequencer's queue: see sequencer-worker.ts. */
export const SEQUENCER_ENTRY = 'tools/bench/sequencer-worker.ts';

/** CPU seconds (user + system) a live process has used, from /proc. */
export async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return ((fields[11] ?? 0) + (fields[12] ?? 0)) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export async function machineCpu(): Promise<{ busy: number; total: number }> {
  try {
    const { readFile } = await import('node:fs/promises');
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
