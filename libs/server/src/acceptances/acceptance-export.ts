import type { Writable } from 'node:stream';
import type { AcceptanceService, ExportPosition } from './acceptance.service';
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

/** Rows per database round trip. */
const BATCH = 1000;

/**
 * Streams a tenant's acceptances for audits, oldest first, in batches of 1,000 by keyset
 * position: memory stays constant however many rows there are. Calls `progress` after each
 * batch. NDJSON carries each record's sealed evidence byte for byte, so SHA-256 of the
 * `evidence` value as written equals `evidenceSha256`.
 */
export async function exportAcceptances(
  acceptances: AcceptanceService,
  ctx: TenantContext,
  out: Writable,
  options: { format: ExportFormat; from?: Date; to?: Date; progress?: (rows: number) => void },
): Promise<number> {
  let after: ExportPosition | undefined;
  let rows = 0;
  if (options.format === 'csv') await write(out, CSV_COLUMNS.join(',') + '\r\n');
  for (;;) {
    const batch = await acceptances.exportBatch(ctx, {
      limit: BATCH,
      ...(after ? { after } : {}),
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
    });
    let chunk = '';
    for (const a of batch) {
      if (options.format === 'ndjson') {
        chunk += `{"id":${JSON.stringify(a.id)},"createdAt":${JSON.stringify(a.createdAt.toISOString())},"source":${JSON.stringify(a.source)},"evidenceSha256":${JSON.stringify(a.evidenceSha256)},"evidence":${a.evidenceJson}}\n`;
      } else {
        const e = JSON.parse(a.evidenceJson) as {
          plan?: { code?: string; users?: number; period?: string };
          quote?: { totalInclVat?: number };
          documents?: Array<{ kind: string; versionId: string }>;
        };
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
        chunk += fields.map(csvField).join(',') + '\r\n';
      }
    }
    // One write per batch, waiting for the file to drain: back-pressure bounds memory.
    if (chunk) await write(out, chunk);
    rows += batch.length;
    options.progress?.(rows);
    const last = batch[batch.length - 1];
    if (batch.length < BATCH || !last) return rows;
    after = last.position;
  }
}
