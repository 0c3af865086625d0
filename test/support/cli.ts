import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestDatabase } from './test-database';

const root = join(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `aftale` binary against a test database, as a user would. */
export function runAftale(db: TestDatabase, ...args: string[]): CliRun {
  const run = spawnSync(process.execPath, [join(root, 'apps/cli/bin/aftale.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: db.ownerUrl,
      AFTALE_DATA_DIR: join(root, 'tmp', db.name),
      LOG_LEVEL: 'silent',
    },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
