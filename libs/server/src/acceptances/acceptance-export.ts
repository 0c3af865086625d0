import type { Writable } from 'node:stream';
import type { AcceptanceService } from './acceptance.service';
import type { TenantContext } from '../tenancy/database';

export type ExportFormat = 'csv' | 'ndjson';

const CSV_COLUMNS = [
  'id',
  'created_at',
  'source',
  'company_cvr',
  'company_name',
  'contact_email',
  'plan',
  'users',
  'period',
  'total_incl_vat',
  'dpa_version_id',
  'terms_version_id',
  'evidence_sha256',
] as const;

/** RFC 4180 field; a leading =, +, - or @ is prefixed so spreadsheets never run it as a formula. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/**
 * Streams a tenant's acceptances for audits, in pages of 1,000 by keyset cursor: memory stays
 * constant however many rows there are. Calls `progress` after each page.
 */
export async function exportAcceptances(
  acceptances: AcceptanceService,
  ctx: TenantContext,
  out: Writable,
  options: { format: ExportFormat; from?: Date; to?: Date; progress?: (rows: number) => void },
): Promise<number> {
  let after: string | undefined;
  let rows = 0;
  if (options.format === 'csv') await write(out, CSV_COLUMNS.join(',') + '\r\n');
  for (;;) {
    const page = await acceptances.page(ctx, {
      first: 200,
      ...(after ? { after } : {}),
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
    });
    for (const a of page.rows) {
      const e = a.evidence as {
        plan?: { code?: string; users?: number; period?: string };
        quote?: { totalInclVat?: number };
        documents?: Array<{ kind: string; versionId: string }>;
      };
      if (options.format === 'ndjson') {
        await write(
          out,
          JSON.stringify({
            id: a.id,
            createdAt: a.createdAt.toISOString(),
            source: a.source,
            evidenceSha256: a.evidenceSha256,
            evidence: a.evidence,
          }) + '\n',
        );
      } else {
        const doc = (kind: string) => e.documents?.find((d) => d.kind === kind)?.versionId ?? '';
        const fields = [
          a.id,
          a.createdAt.toISOString(),
          a.source,
          a.companyCvr,
          a.company['name'],
          a.company['contactEmail'],
          e.plan?.code,
          e.plan?.users,
          e.plan?.period,
          e.quote?.totalInclVat,
          doc('dpa'),
          doc('terms'),
          a.evidenceSha256,
        ];
        await write(out, fields.map(csvField).join(',') + '\r\n');
      }
      rows++;
    }
    options.progress?.(rows);
    if (!page.hasNextPage || !page.endCursor) return rows;
    after = page.endCursor;
  }
}
