import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { AftaleError } from '@aftale/domain';
import { MAX_IMPORT_BYTES, type PdfRenderFn } from '@aftale/server';
import { withDatabase } from '../with-database';
import { printJson } from '../output';

const FORMAT_BY_EXTENSION: Record<string, string> = {
  '.txt': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.docx': 'docx',
};

function readFileChecked(path: string, field: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw AftaleError.field(field, `cannot read ${path}`, 'check the path');
  }
  // Checked before reading, so a 50 MB file is refused without loading it.
  if (size > MAX_IMPORT_BYTES)
    throw AftaleError.field(field, `is ${(size / 1024 / 1024).toFixed(1)} MB; at most 10 MB`);
  return readFileSync(path);
}

export function registerDocumentCommands(
  program: Command,
  run: (json: boolean, fn: () => Promise<void>) => Promise<void>,
  pdfRenderer: () => Promise<{ render: PdfRenderFn; close(): Promise<void> }>,
): void {
  const document = program.command('document').description("A tenant's DPA and terms");
  document
    .command('import')
    .description('Import a DPA or terms file (text, Markdown, HTML or .docx) as a draft')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--kind <kind>', 'dpa or terms')
    .requiredOption('--file <path>', 'the file')
    .option('--format <format>', 'text, markdown, html or docx (default: from the file extension)')
    .option('--publish', 'publish the draft right away (refused if anything is unknown)', false)
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        const format = o.format ?? FORMAT_BY_EXTENSION[extname(o.file).toLowerCase()] ?? 'text';
        const bytes = readFileChecked(o.file, '--file');
        const content = format === 'docx' ? new Uint8Array(bytes) : bytes.toString('utf8');
        const result = await withDatabase(async (s) => {
          const ctx = await s.tenants.resolveSlug(o.tenant);
          const imported = await s.documents.import(
            ctx,
            { kind: o.kind, format, sourceName: o.file.split('/').pop() },
            content,
            { type: 'cli' },
          );
          const published = o.publish
            ? await s.documents.publish(ctx, imported.version.id, { type: 'cli' })
            : null;
          return { imported, published };
        });
        const report = result.imported.version.importReport;
        const out = {
          versionId: result.imported.version.id,
          status: result.published?.status ?? 'draft',
          version: result.published?.version ?? null,
          contentHash: result.published?.contentHash ?? null,
          placeholders: report.placeholders,
          unknownPlaceholders: report.placeholders.filter((p) => !p.known),
          suspectedBlanks: report.suspectedBlanks,
          warnings: report.warnings,
          subprocessors: result.imported.version.subprocessors.length,
        };
        if (o.json) printJson(out);
        else {
          console.log(
            `Imported ${o.kind} as draft ${out.versionId}${out.version ? `, published as version ${out.version}` : ''}.`,
          );
          console.log(
            `${out.placeholders.length} placeholders, ${out.unknownPlaceholders.length} unknown, ${out.suspectedBlanks.length} suspected blanks, ${out.warnings.length} warnings.`,
          );
          for (const p of out.unknownPlaceholders)
            console.log(`  unknown ${p.raw} (line ${p.line ?? '?'}): ${p.message ?? ''}`);
          for (const b of out.suspectedBlanks)
            console.log(`  blank? "${b.text}" (line ${b.line ?? '?'})`);
          for (const w of out.warnings) console.log(`  warning ${w.code}: ${w.message}`);
        }
      }),
    );
  document
    .command('render')
    .description('Render a version with values from a JSON file to HTML and/or PDF')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--version <id>', 'document version id')
    .requiredOption('--values <file>', 'JSON file, e.g. {"client":{"name":"Min Dag ApS",…}}')
    .option('--html <file>', 'write the HTML here')
    .option('--pdf <file>', 'write the PDF here')
    .option('--locale <locale>', 'da or en', 'da')
    .option('--json', 'print JSON', false)
    .action(async (o) =>
      run(o.json, async () => {
        let values: Record<string, unknown>;
        try {
          values = JSON.parse(readFileChecked(o.values, '--values').toString('utf8'));
        } catch (error) {
          if (error instanceof AftaleError) throw error;
          throw AftaleError.field(
            '--values',
            'is not valid JSON',
            'e.g. {"client":{"name":"Min Dag ApS"}}',
          );
        }
        const rendered = await withDatabase(async (s) => {
          const ctx = await s.tenants.resolveSlug(o.tenant);
          const tenant = await s.tenants.get(ctx);
          const r = await s.documents.render(ctx, o.version, values as never, o.locale);
          return { ...r, tenant };
        });
        if (o.html) writeFileSync(o.html, rendered.html);
        if (o.pdf) {
          const pdf = await pdfRenderer();
          try {
            const client = (rendered.values.client ?? {}) as { name?: string };
            const bytes = await pdf.render({
              bodyHtml: rendered.html,
              title: rendered.version.sourceName ?? 'Dokument',
              header: {
                vendor: rendered.tenant.name,
                customer: client.name ?? '',
                documentVersion: `v${rendered.version.version ?? 'kladde'}`,
              },
              locale: o.locale,
            });
            writeFileSync(o.pdf, bytes);
          } finally {
            await pdf.close();
          }
        }
        const out = {
          versionId: o.version,
          html: o.html ?? null,
          pdf: o.pdf ?? null,
          textLength: rendered.text.length,
        };
        if (o.json) printJson(out);
        else
          console.log(
            `Rendered ${o.version}${o.html ? ` → ${o.html}` : ''}${o.pdf ? ` → ${o.pdf}` : ''}.`,
          );
      }),
    );
}
