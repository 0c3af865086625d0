import {
  createServices,
  loadConfig,
  migrateDatabase,
  openDatabaseTarget,
  type AppConfig,
  type Services,
} from '@aftale/server';

/**
 * Runs a CLI command on DATABASE_URL, or on the embedded PostgreSQL: borrowed when the
 * server already runs it, otherwise started for the command and stopped after.
 */
export async function withDatabase<T>(
  work: (services: Services, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const target = await openDatabaseTarget(config);
  try {
    await migrateDatabase(config, target.ownerUrl);
    const services = await createServices(target.appUrl, config, 'aftale-cli');
    try {
      return await work(services, config);
    } finally {
      await services.close();
    }
  } finally {
    await target.release();
  }
}
