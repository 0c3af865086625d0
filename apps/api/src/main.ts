import 'reflect-metadata';
import { bootProcess } from '@aftale/server';
import { createApiApp } from './create-app';

async function main(): Promise<void> {
  const { config, logger, services } = await bootProcess('aftale-api');
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
