import { Client, escapeLiteral } from 'pg';
import { DEFAULT_APP_LOGIN, type AppConfig } from '../config/config';
import { createDataSource } from './data-source';

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies pending migrations as the owner, then makes sure the app's login role exists
 * and can read the migrations table (for /ready). Safe to run on every start.
 */
export async function migrateDatabase(
  config: AppConfig,
  ownerUrl: string,
): Promise<MigrationResult> {
  const ds = createDataSource(ownerUrl, { poolSize: 2, name: 'aftale-migrate' });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'all' });
    await ds.query('GRANT SELECT ON migrations TO aftale_app');
    if (!config.database.appUrl) await ensureAppLogin(ownerUrl, config.database.appPassword);
    return { applied: applied.map((m) => m.name) };
  } finally {
    await ds.destroy();
  }
}

/** Creates (or re-keys) the non-owner, non-superuser login the API and worker use. */
export async function ensureAppLogin(ownerUrl: string, password: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = DEFAULT_APP_LOGIN;
    const attrs = 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT';
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.rowCount === 0) {
      try {
        await client.query(
          `CREATE ROLE ${role} ${attrs} PASSWORD ${escapeLiteral(password)} IN ROLE aftale_app`,
        );
      } catch (error) {
        // Another process created it first; fall through to the ALTER below.
        if (
          (error as { code?: string }).code !== '42710' &&
          (error as { code?: string }).code !== '23505'
        )
          throw error;
      }
    }
    await client.query(`ALTER ROLE ${role} ${attrs} PASSWORD ${escapeLiteral(password)}`);
    await client.query(`GRANT aftale_app TO ${role}`);
  } finally {
    await client.end();
  }
}
