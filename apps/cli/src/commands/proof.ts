import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AftaleError } from '@aftale/domain';
import { verifyProofBundle } from '@aftale/evidence';
import { exportProofBundle, type PdfRenderFn } from '@aftale/server';
import { withDatabase } from '../with-database';
import { printJson } from '../output';

export function registerProofCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
  pdfRenderer: () => Promise<{ render: PdfRenderFn; close(): Promise<void> }>,
): void {
  const proof = program.command('proof').description('Proof bundles that verify offline');
  proof
    .command('export')
    .description('Write the proof bundle (ZIP) of one acceptance')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--acceptance <id>', 'acceptance id')
    .requiredOption('--out <file>', 'where to write the .zip')
    .option('--no-pdf', 'leave out the PDF (no Chromium needed)')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const pdf = o.pdf ? await pdfRenderer() : null;
        try {
          const bytes = await withDatabase(async (s) => {
            const ctx = await s.tenants.resolveSlug(o.tenant);
            const tenant = await s.tenants.get(ctx);
            const bundle = await exportProofBundle(ctx, o.acceptance, {
              acceptances: s.acceptances,
              evidenceLog: s.evidenceLog,
              vendorName: tenant.name,
              pdfSealer: s.pdfSealer,
              ...(pdf ? { renderPdf: pdf.render } : {}),
            });
            return bundle.zip;
          });
          writeFileSync(o.out, bytes);
          if (o.json) printJson({ out: o.out, bytes: bytes.length });
          else
            console.log(
              `Wrote ${o.out} (${bytes.length} bytes). Verify it with: npx aftale proof verify ${o.out}`,
            );
        } finally {
          await pdf?.close();
        }
      }),
    );
  proof
    .command('verify <file>')
    .description('Verify a proof bundle offline; exit 0 when valid, 1 with what failed')
    .option(
      '--trusted-key <pem>',
      'the platform public key you trust (PEM file), from /.well-known/aftale-log-keys.json',
    )
    .option('--json', 'print JSON', false)
    .action(async (file: string, o) =>
      run(o.json, async () => {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(readFileSync(file));
        } catch {
          throw AftaleError.field('file', `cannot read ${file}`);
        }
        const trusted = o.trustedKey ? readFileSync(o.trustedKey, 'utf8') : undefined;
        const result = verifyProofBundle(bytes, trusted ? { trustedPublicKeyPem: trusted } : {});
        if (o.json) printJson(result);
        else {
          for (const check of result.checks)
            console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.message}`);
          console.log(result.valid ? 'VALID' : 'INVALID');
        }
        if (!result.valid) process.exitCode = 1;
      }),
    );
}
