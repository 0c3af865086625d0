import { buildProofBundle, type SignedTreeHead } from '@aftale/evidence';
import type {
  AcceptanceDocumentEntity,
  AcceptanceEntity,
} from '../database/entities/acceptance.entities';
import { escapeHtml } from '../pdf/pdf-html';
import type { AcceptanceService } from '../acceptances/acceptance.service';
import type { EvidenceLogService } from './evidence-log.service';
import type { TenantContext } from '../tenancy/database';
import type { PdfRenderFn } from '../documents/document-pdf.job';
import type { PdfSealer } from './pdf-seal';

/** The acceptance certificate appended to the PDF: who, what, when, where, hashes. */
export function certificateHtml(evidence: Record<string, unknown>, evidenceSha256: string): string {
  const e = evidence as {
    serverTime: string;
    company: Record<string, string>;
    signer: { name: string; email: string };
    plan: { code: string; users: number; period: string };
    consent: { text: string; sha256: string };
    documents: Array<{ kind: string; sha256: string; version: number }>;
    request: { ip: string; userAgent: string; origin: string | null };
  };
  const row = (label: string, value: string) =>
    `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  return `<section style="page-break-before: always"><h1>Acceptcertifikat</h1><table>
${row('Tidspunkt (UTC)', e.serverTime)}
${row('Kunde', `${e.company['name'] ?? ''}, CVR ${e.company['cvr'] ?? ''}`)}
${row('Accepteret af', `${e.signer.name} <${e.signer.email}>`)}
${row('Abonnement', `${e.plan.code}, ${e.plan.users} brugere, pr. ${e.plan.period}`)}
${row('Samtykketekst', e.consent.text)}
${row('Samtykketekst SHA-256', e.consent.sha256)}
${e.documents.map((d) => row(`${d.kind} v${d.version} SHA-256`, d.sha256)).join('\n')}
${row('IP-adresse', e.request.ip)}
${row('Browser', e.request.userAgent)}
${row('Side', e.request.origin ?? '')}
${row('Evidens SHA-256', evidenceSha256)}
</table></section>`;
}

/**
 * The accepted DPA exactly as shown, with the acceptance certificate as its last page,
 * signed (PAdES) with the platform certificate (Services.pdfSealer).
 */
export async function renderAcceptancePdf(
  acceptance: AcceptanceEntity,
  dpa: AcceptanceDocumentEntity,
  vendorName: string,
  renderPdf: PdfRenderFn,
  sealer: PdfSealer,
): Promise<Buffer> {
  const evidence = JSON.parse(acceptance.evidenceJson) as Record<string, unknown>;
  const pdf = await renderPdf({
    bodyHtml: dpa.html + certificateHtml(evidence, acceptance.evidenceSha256),
    title: 'Databehandleraftale',
    header: {
      vendor: vendorName,
      customer: acceptance.company['name'] ?? '',
      documentVersion: `accept ${acceptance.id.slice(0, 8)}`,
    },
    locale: 'da',
  });
  return sealer.seal(pdf);
}

/**
 * A proof bundle for one acceptance (format: docs/proof-bundle.md): the evidence as sealed,
 * the exact documents shown, a signed PDF of the DPA with its certificate page and the
 * certificate that signed it, the inclusion proof against the latest signed tree head, and
 * the public key.
 */
export async function exportProofBundle(
  ctx: TenantContext,
  acceptanceId: string,
  deps: {
    acceptances: AcceptanceService;
    evidenceLog: EvidenceLogService;
    vendorName: string;
    renderPdf?: PdfRenderFn;
    /** Signs the PDF (Services.pdfSealer). */
    pdfSealer: PdfSealer;
  },
): Promise<{ zip: Uint8Array; treeHead: SignedTreeHead }> {
  const acceptance = await deps.acceptances.get(ctx, acceptanceId);
  const documents = await deps.acceptances.documentsOf(ctx, acceptanceId);
  const proof = await deps.evidenceLog.inclusionProof(ctx, acceptanceId);
  const evidence = JSON.parse(acceptance.evidenceJson) as Record<string, unknown>;
  const dpa = documents.find((d) => d.kind === 'dpa');
  let signedPdf: { pdf: Buffer; pdfCertificatePem: string } | undefined;
  if (deps.renderPdf && dpa) {
    signedPdf = {
      pdf: await renderAcceptancePdf(
        acceptance,
        dpa,
        deps.vendorName,
        deps.renderPdf,
        deps.pdfSealer,
      ),
      pdfCertificatePem: await deps.pdfSealer.certificatePem(),
    };
  }
  const zip = buildProofBundle({
    evidence,
    ...signedPdf,
    documents: documents.map((d) => ({
      name: `${d.kind}.html`,
      bytes: new Uint8Array(Buffer.from(d.html, 'utf8')),
    })),
    leafIndex: proof.leafIndex,
    inclusionProof: proof.auditPath,
    treeHead: proof.treeHead,
    publicKeyPem: deps.evidenceLog.signingKey.publicKeyPem,
  });
  // The head the inclusion proof is against, for callers that record it.
  return { zip, treeHead: proof.treeHead };
}
