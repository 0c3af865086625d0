import type { AppConfig } from './config/config';
import { resolveAppUrl } from './config/config';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded/embedded-postgres';

export interface DatabaseTarget {
  ownerUrl: string;
  appUrl: string;
  embedded: EmbeddedPostgresHandle | null;
  release(): Promise<void>;
}

/** DATABASE_URL when set, else the embedded PostgreSQL (started, or borrowed if running). */
export async function openDatabaseTarget(
  config: AppConfig,
  onLog?: (line: string) => void,
): Promise<DatabaseTarget> {
  if (config.database.ownerUrl) {
    const ownerUrl = config.database.ownerUrl;
    return {
      ownerUrl,
      appUrl: resolveAppUrl(config, ownerUrl),
      embedded: null,
      release: async () => undefined,
    };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.embedded.dataDir,
    port: config.embedded.port,
    ...(onLog ? { onLog } : {}),
  });
  return {
    ownerUrl: embedded.ownerUrl,
    appUrl: resolveAppUrl(config, embedded.ownerUrl),
    embedded,
    release: () => embedded.stop(),
  };
}
