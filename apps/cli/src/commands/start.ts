import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  createServices,
  loadConfig,
  migrateDatabase,
  openDatabaseTarget,
  seedDemo,
} from '@aftale/server';
import { loadDemoKeys, saveDemoKeys } from '../demo-keys';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/**
 * `npm start`: the whole product on one machine. The embedded PostgreSQL when no
 * DATABASE_URL is set, migrations, the demo tenant, then the API and the worker as
 * processes of their own (as they run in production). Ctrl-C stops all of it.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run API and worker (on an embedded PostgreSQL when DATABASE_URL is unset)')
    .action(async () => {
      const config = loadConfig();
      const log = (line: string) => process.stdout.write(`[aftale] ${line}\n`);
      log(
        config.database.ownerUrl
          ? 'using DATABASE_URL'
          : `starting embedded PostgreSQL in ${resolve(config.embedded.dataDir)} (port ${config.embedded.port})`,
      );
      const target = await openDatabaseTarget(config);
      const { applied } = await migrateDatabase(config, target.ownerUrl);
      log(
        applied.length
          ? `applied migrations: ${applied.join(', ')}`
          : 'database schema is up to date',
      );
      const services = await createServices(target.appUrl, config, 'aftale-start');
      const seeded = await seedDemo(services.tenants, services.plans, services.documents);
      await services.close();
      if (seeded.created) saveDemoKeys(config.embedded.dataDir, seeded);
      const demoKeys = loadDemoKeys(config.embedded.dataDir, seeded.tenantId);

      // The widget bundle the API serves (and the /demo page embeds); esbuild takes a second.
      const widgetBuild = join(ROOT, 'apps/widget/build.ts');
      if (existsSync(widgetBuild)) {
        const built = spawnSync(
          process.execPath,
          [join(ROOT, 'tools/scripts/run-ts.js'), 'apps/widget/build.ts'],
          { cwd: ROOT, stdio: 'inherit' },
        );
        log(built.status === 0 ? 'widget built' : 'widget build failed; /demo will not work');
      }

      const env = {
        ...process.env,
        DATABASE_URL: target.ownerUrl,
        NODE_ENV: config.env,
        ...(demoKeys ? { DEMO_PUBLISHABLE_KEY: demoKeys.publishableKey } : {}),
      };
      const children: ChildProcess[] = [];
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log('stopping…');
        await Promise.all(
          children.map(
            (child) =>
              new Promise<void>((done) => {
                if (child.exitCode !== null || child.signalCode !== null) return done();
                child.once('exit', () => done());
                child.kill('SIGTERM');
                setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
              }),
          ),
        );
        await target.release();
        log('stopped');
        process.exit(code);
      };
      for (const [name, entry] of [
        ['api', 'apps/api/src/main.ts'],
        ['worker', 'apps/worker/src/main.ts'],
      ] as const) {
        const child = spawn(process.execPath, [join(ROOT, 'tools/scripts/run-ts.js'), entry], {
          env,
          stdio: 'inherit',
          cwd: ROOT,
        });
        child.once('exit', (code, signal) => {
          if (!stopping) {
            log(`${name} exited (${signal ?? code}); stopping everything`);
            void stopAll(1);
          }
        });
        children.push(child);
      }
      process.once('SIGINT', () => void stopAll(0));
      process.once('SIGTERM', () => void stopAll(0));

      const base = `http://localhost:${config.http.port}`;
      const ready = await waitForReady(`http://127.0.0.1:${config.http.port}/ready`, 60_000);
      if (!ready) {
        log('the API did not become ready within 60 s');
        return stopAll(1);
      }
      log('ready');
      log(`GraphQL API:  ${base}/graphql`);
      log(`Health:       ${base}/health   Ready: ${base}/ready`);
      log(`Demo checkout: ${base}/demo   (the sign-up widget, embedded as a vendor would)`);
      log(`Demo tenant:  slug "demo" (${seeded.tenantId})`);
      if (demoKeys) {
        log(`  secret key:      ${demoKeys.secretKey}`);
        log(`  publishable key: ${demoKeys.publishableKey}`);
        log(
          `  try: curl -s ${base}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${demoKeys.secretKey}' -d '{"query":"{ tenant { name slug } }"}'`,
        );
      } else {
        log(
          '  its keys were shown when it was created; make a new one with: npx aftale key create --tenant demo',
        );
      }
      log('Ctrl-C stops everything.');
    });
}

async function waitForReady(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}
