import type { Command } from 'commander';
import { loadConfig, migrateDatabase, openDatabaseTarget, seedDemo } from '@aftale/server';
import { withDatabase } from '../with-database';
import { printJson } from '../output';
import { saveDemoKeys } from '../demo-keys';

export function registerDbAndDemoCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
): void {
  program
    .command('db')
    .description('Database')
    .command('migrate')
    .description('Apply pending migrations (also done at every start)')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const config = loadConfig();
        const target = await openDatabaseTarget(config);
        try {
          const { applied } = await migrateDatabase(config, target.ownerUrl);
          if (o.json) printJson({ applied });
          else
            console.log(
              applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.',
            );
        } finally {
          await target.release();
        }
      }),
    );
  program
    .command('demo')
    .description('The demo vendor')
    .command('seed')
    .description('Create the demo tenant once; running it again changes nothing')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const result = await withDatabase(async (s, config) => {
          const seeded = await seedDemo(s.tenants, s.plans, s.documents);
          if (seeded.created) saveDemoKeys(config.embedded.dataDir, seeded);
          return seeded;
        });
        if (o.json) printJson(result);
        else if (result.created)
          console.log(
            `Created the demo tenant ${result.tenantId}.\nSecret key: ${result.secretKey}\nPublishable key: ${result.publishableKey}`,
          );
        else console.log(`The demo tenant already exists (${result.tenantId}); nothing changed.`);
      }),
    );
}
