import 'reflect-metadata';
import {
  ConfigError,
  createLogger,
  createServices,
  loadConfig,
  migrateDatabase,
  resolveAppUrl,
} from '@aftale/server';
import { createApiApp } from './create-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, 'aftale-api');
  const ownerUrl = config.database.ownerUrl;
  if (!ownerUrl && !config.database.appUrl) {
    console.error(
      'Invalid configuration:\n  - DATABASE_URL: not set. Set it (e.g. DATABASE_URL=postgres://aftale:secret@localhost:5432/aftale), or run `npm start`, which starts an embedded PostgreSQL.',
    );
    process.exit(78);
  }
  if (ownerUrl) {
    const { applied } = await migrateDatabase(config, ownerUrl);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const services = await createServices(
    resolveAppUrl(config, ownerUrl ?? config.database.appUrl!),
    config,
    'aftale-api',
  );
  const app = await createApiApp(config, services, logger);
  await app.listen({ host: config.http.host, port: config.http.port });
  logger.info({ url: `http://${config.http.host}:${config.http.port}` }, 'API listening');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'API stopping');
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
