import { ConfigError, loadConfig, resolveAppUrl, type AppConfig } from './config/config';
import { migrateDatabase } from './database/migrate';
import { createLogger, type Logger } from './logging/logger';
import { createServices, type Services } from './services';

export interface BootedProcess {
  config: AppConfig;
  logger: Logger;
  services: Services;
  /** The non-owner connection URL the process uses. */
  appUrl: string;
}

/**
 * Shared start of the API and worker processes: validated configuration (a bad value
 * exits 78 with the message), migrations when the owner URL is known, the services.
 */
export async function bootProcess(name: string): Promise<BootedProcess> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, name);
  const ownerUrl = config.database.ownerUrl;
  const baseUrl = ownerUrl ?? config.database.appUrl;
  if (!baseUrl) {
    console.error(
      'Invalid configuration:\n  - DATABASE_URL: not set. Set it (e.g. DATABASE_URL=postgres://aftale:secret@localhost:5432/aftale), or run `npm start`, which starts an embedded PostgreSQL.',
    );
    process.exit(78);
  }
  if (ownerUrl) {
    const { applied } = await migrateDatabase(config, ownerUrl);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const appUrl = resolveAppUrl(config, baseUrl);
  return { config, logger, services: await createServices(appUrl, config, name), appUrl };
}
