import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { AftaleError } from '@aftale/domain';
import { exportAcceptances } from '@aftale/server';
import { withDatabase } from '../with-database';
import { printJson } from '../output';

function date(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw AftaleError.field(field, 'is not a date', 'e.g. 2026-01-01');
  return d;
}

export function registerAcceptanceCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
): void {
  program
    .command('acceptance')
    .description("A tenant's acceptances")
    .command('export')
    .description(
      'Stream acceptances as CSV or NDJSON for an audit (constant memory, progress on stderr)',
    )
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--out <file>', 'output file')
    .option('--format <format>', 'csv or ndjson', 'csv')
    .option('--from <date>', 'from this time (inclusive), e.g. 2026-01-01')
    .option('--to <date>', 'up to this time (exclusive)')
    .option('--json', 'print a JSON summary', false)
    .action(async (o) =>
      run(o.json, async () => {
        if (o.format !== 'csv' && o.format !== 'ndjson')
          throw AftaleError.field('--format', 'csv or ndjson');
        const from = date(o.from, '--from');
        const to = date(o.to, '--to');
        const out = createWriteStream(o.out);
        const rows = await withDatabase(async (s) =>
          exportAcceptances(s.acceptances, await s.tenants.resolveSlug(o.tenant), out, {
            format: o.format,
            ...(from ? { from } : {}),
            ...(to ? { to } : {}),
            progress: (n) => process.stderr.write(`\r${n} acceptances exported`),
          }),
        );
        await new Promise<void>((resolve, reject) =>
          out.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
        process.stderr.write('\n');
        if (o.json) printJson({ out: o.out, rows, format: o.format });
        else console.log(`Wrote ${rows} acceptances to ${o.out}.`);
      }),
    );
}
