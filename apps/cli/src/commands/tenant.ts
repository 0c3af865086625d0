import type { Command } from 'commander';
import { withDatabase } from '../with-database';
import { printJson } from '../output';

export function registerTenantCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
): void {
  const tenant = program.command('tenant').description('Vendors (tenants)');
  tenant
    .command('create')
    .description('Create a tenant with one secret and one publishable key (shown once)')
    .requiredOption('--name <name>', 'display name, e.g. "Min Intranet"')
    .requiredOption('--slug <slug>', 'lowercase letters, digits and dashes, e.g. min-intranet')
    .option(
      '--origin <url>',
      'allowed widget origin (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--legal-name <name>', 'legal name, e.g. "Min Intranet ApS"')
    .option('--cvr <cvr>', 'Danish CVR number, 8 digits')
    .option('--contact-email <email>', 'privacy contact e-mail')
    .option('--locale <locale>', 'da or en')
    .option('--live', 'issue live keys instead of test keys', false)
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const input: Record<string, unknown> = {
          name: o.name,
          slug: o.slug,
          allowedOrigins: o.origin,
        };
        if (o.legalName !== undefined) input.legalName = o.legalName;
        if (o.cvr !== undefined) input.cvr = o.cvr;
        if (o.contactEmail !== undefined) input.contactEmail = o.contactEmail;
        if (o.locale !== undefined) input.defaultLocale = o.locale;
        const made = await withDatabase((s) =>
          s.tenants.create(input, { type: 'cli' }, { mode: o.live ? 'live' : 'test' }),
        );
        const result = {
          tenantId: made.tenant.id,
          slug: made.tenant.slug,
          secretKey: made.secretKey.plaintext,
          publishableKey: made.publishableKey.plaintext,
        };
        if (o.json) printJson(result);
        else {
          console.log(`Created tenant ${result.slug} (${result.tenantId}).`);
          console.log(`Secret key (shown once):      ${result.secretKey}`);
          console.log(`Publishable key (shown once): ${result.publishableKey}`);
        }
      }),
    );
}
