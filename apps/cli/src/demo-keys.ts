import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo tenant's test-mode keys, kept in the git-ignored data folder so `npm start`
 * can print them on every start (the database only has their hashes).
 */
export interface DemoKeys {
  tenantId: string;
  secretKey: string;
  publishableKey: string;
}

export function demoKeysFile(dataDir: string): string {
  return join(dataDir, 'demo-keys.json');
}

export function saveDemoKeys(dataDir: string, keys: DemoKeys): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(demoKeysFile(dataDir), JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
}

export function loadDemoKeys(dataDir: string, tenantId: string): DemoKeys | null {
  const file = demoKeysFile(dataDir);
  if (!existsSync(file)) return null;
  const keys = JSON.parse(readFileSync(file, 'utf8')) as DemoKeys;
  return keys.tenantId === tenantId ? keys : null;
}
