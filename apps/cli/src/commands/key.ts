import type { Command } from 'commander';
import { AftaleError } from '@aftale/domain';
import { withDatabase } from '../with-database';
import { printJson } from '../output';

export function registerKeyCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
): void {
  const key = program.command('key').description("A tenant's API keys");
  key
    .command('create')
    .description('Create an API key (shown once)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--kind <kind>', 'secret or publishable', 'secret')
    .option('--live', 'a live key instead of a test key', false)
    .option('--name <name>', 'a label, e.g. "billing backend"')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        if (o.kind !== 'secret' && o.kind !== 'publishable') {
          throw AftaleError.field(
            '--kind',
            'must be secret or publishable',
            'e.g. --kind publishable',
          );
        }
        const created = await withDatabase(async (s) => {
          const ctx = await s.tenants.resolveSlug(o.tenant);
          return s.apiKeys.create(
            ctx,
            { kind: o.kind, mode: o.live ? 'live' : 'test', name: o.name },
            { type: 'cli' },
          );
        });
        const result = {
          keyId: created.key.id,
          kind: created.key.kind,
          mode: created.key.mode,
          key: created.plaintext,
        };
        if (o.json) printJson(result);
        else console.log(`Created ${result.kind} key ${result.keyId} (shown once): ${result.key}`);
      }),
    );
  key
    .command('revoke')
    .description('Revoke an API key at once')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--id <keyId>', 'the key id (see `aftale key list`)')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const revoked = await withDatabase(async (s) =>
          s.apiKeys.revoke(await s.tenants.resolveSlug(o.tenant), o.id, { type: 'cli' }),
        );
        const result = { keyId: revoked.id, last4: revoked.last4, revokedAt: revoked.revokedAt };
        if (o.json) printJson(result);
        else console.log(`Revoked key ${result.keyId} (…${result.last4}).`);
      }),
    );
  key
    .command('list')
    .description("List a tenant's keys (last 4 characters only)")
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const keys = await withDatabase(async (s) =>
          s.apiKeys.list(await s.tenants.resolveSlug(o.tenant)),
        );
        const rows = keys.map((k) => ({
          keyId: k.id,
          kind: k.kind,
          mode: k.mode,
          name: k.name,
          last4: k.last4,
          revokedAt: k.revokedAt,
        }));
        if (o.json) printJson(rows);
        else
          for (const r of rows)
            console.log(
              `${r.keyId}  ${r.kind.padEnd(11)} ${r.mode}  …${r.last4}  ${r.revokedAt ? 'revoked' : 'active'}  ${r.name}`,
            );
      }),
    );
}
