import type { Command } from 'commander';
import { withDatabase } from '../with-database';
import { printJson } from '../output';

export function registerPlanCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
): void {
  const plan = program.command('plan').description("A tenant's plans");
  plan
    .command('quote')
    .description(
      'Price a plan for a number of users and a prepaid period (amounts in minor units, øre)',
    )
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--plan <code>', 'plan code, e.g. standard')
    .requiredOption('--users <n>', 'number of users')
    .option('--period <period>', 'month, quarter or year', 'month')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        // Not Number(): "12abc" must be refused by the engine, not read as NaN or 12.
        const users = /^\d+$/.test(o.users) ? Number(o.users) : o.users;
        const q = await withDatabase(async (s) =>
          s.plans.quote(await s.tenants.resolveSlug(o.tenant), o.plan, users, o.period),
        );
        if (o.json) printJson({ ...q, total: q.totalInclVat });
        else
          console.log(
            `${q.planCode}, ${q.users} users, per ${q.period}: ${(q.totalInclVat / 100).toFixed(2)} ${q.currency} incl. VAT`,
          );
      }),
    );
  plan
    .command('list')
    .description('List active plans')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const plans = await withDatabase(async (s) =>
          s.plans.list(await s.tenants.resolveSlug(o.tenant)),
        );
        const rows = plans.map(({ plan, version }) => ({
          code: plan.code,
          name: version.definition.name,
          version: version.version,
        }));
        if (o.json) printJson(rows);
        else for (const r of rows) console.log(`${r.code.padEnd(12)} v${r.version}  ${r.name}`);
      }),
    );
}
