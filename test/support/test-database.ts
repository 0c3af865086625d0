import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  createServices,
  loadConfig,
  resolveAppUrl,
  type AppConfig,
  type Services,
} from '@aftale/server';

export interface TestDatabase {
  name: string;
  /** Owner (migrations, test-only inspection). */
  ownerUrl: string;
  /** The non-owner app role: what the product uses, and what RLS applies to. */
  appUrl: string;
  config: AppConfig;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (!adminUrl || !template) throw new Error('test/support/global-setup.ts did not run');
  const name = `aftale_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: ownerUrl, LOG_LEVEL: 'silent' });
  return {
    name,
    ownerUrl,
    appUrl: resolveAppUrl(config, ownerUrl),
    config,
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestServices(db: TestDatabase): Promise<Services> {
  return createServices(db.appUrl, db.config, 'aftale-test');
}
