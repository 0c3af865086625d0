import { bootProcess } from '@aftale/server';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const { config, logger, services, appUrl } = await bootProcess('aftale-worker');
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
