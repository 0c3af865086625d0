import {
  ConfigError,
  createLogger,
  createServices,
  loadConfig,
  migrateDatabase,
  resolveAppUrl,
} from '@aftale/server';
import { startWorker } from './worker';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, 'aftale-worker');
  const ownerUrl = config.database.ownerUrl;
  if (!ownerUrl && !config.database.appUrl) {
    console.error(
      'Invalid configuration:\n  - DATABASE_URL: not set. Set it, or run `npm start`, which starts an embedded PostgreSQL.',
    );
    process.exit(78);
  }
  if (ownerUrl) await migrateDatabase(config, ownerUrl);
  const appUrl = resolveAppUrl(config, ownerUrl ?? config.database.appUrl!);
  const services = await createServices(appUrl, config, 'aftale-worker');
  const running = await startWorker(config, services, appUrl, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker stopping: finishing running jobs');
    await running.stop();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Worker failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
