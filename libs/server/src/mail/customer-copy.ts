import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { customerCopyToken } from '../acceptances/acceptance-token';
import type { AppConfig } from '../config/config';
import type { AcceptanceService } from '../acceptances/acceptance.service';
import type { TenantService } from '../tenants/tenant.service';
import type { TenantContext } from '../tenancy/database';
import type { PdfRenderFn } from '../documents/document-pdf.job';
import { renderAcceptancePdf } from '../evidence/proof-export';
import type { PdfSealer } from '../evidence/pdf-seal';
import { escapeHtml } from '../pdf/pdf-html';

export { CUSTOMER_COPY_QUEUE } from '../queue/queues';

/** SMTP when configured; otherwise .eml files in a local outbox the demo can show. */
export function createMailer(config: Pick<AppConfig, 'mail'>): {
  send(message: SendMailOptions): Promise<void>;
} {
  if (config.mail.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(config.mail.smtpUrl);
    return {
      send: async (message) =>
        void (await transport.sendMail({ from: config.mail.from, ...message })),
    };
  }
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    send: async (message) => {
      const info = (await transport.sendMail({
        from: config.mail.from,
        ...message,
      })) as unknown as { message: Buffer; messageId: string };
      await mkdir(config.mail.outboxDir, { recursive: true });
      await writeFile(
        join(
          config.mail.outboxDir,
          `${Date.now()}-${info.messageId.replace(/[^A-Za-z0-9.-]/g, '')}.eml`,
        ),
        info.message,
      );
    },
  };
}

/**
 * After an acceptance, the signer gets its filled DPA as a signed PDF (with the acceptance
 * certificate) and a durable link to fetch it again. Idempotent per acceptance: the job
 * may run twice after a crash, which sends the copy twice, never loses it.
 */
export async function sendCustomerCopy(
  ctx: TenantContext,
  acceptanceId: string,
  deps: {
    acceptances: AcceptanceService;
    tenants: TenantService;
    renderPdf: PdfRenderFn;
    /** Signs the PDF (Services.pdfSealer). */
    pdfSealer: PdfSealer;
    mailer: { send(message: SendMailOptions): Promise<void> };
    tokenSecret: string;
    publicUrl: string;
  },
): Promise<void> {
  const acceptance = await deps.acceptances.get(ctx, acceptanceId);
  const documents = await deps.acceptances.documentsOf(ctx, acceptanceId);
  const vendor = await deps.tenants.get(ctx);
  const dpa = documents.find((d) => d.kind === 'dpa');
  if (!dpa) return;
  const pdf = await renderAcceptancePdf(
    acceptance,
    dpa,
    vendor.name,
    deps.renderPdf,
    deps.pdfSealer,
  );
  const link = `${deps.publicUrl}/v1/customer/copies/${customerCopyToken(deps.tokenSecret, acceptance.id, ctx.tenantId)}`;
  await deps.mailer.send({
    to: acceptance.company['contactEmail'],
    subject: `Jeres databehandleraftale med ${vendor.name}`,
    text: `Hej ${acceptance.company['contactName'] ?? ''}\n\nTak fordi I har accepteret databehandleraftalen med ${vendor.name}. Den udfyldte aftale er vedhæftet som PDF.\n\nI kan altid hente den igen her:\n${link}\n`,
    html: `<p>Hej ${escapeHtml(acceptance.company['contactName'] ?? '')}</p><p>Tak fordi I har accepteret databehandleraftalen med ${escapeHtml(vendor.name)}. Den udfyldte aftale er vedhæftet som PDF.</p><p>I kan altid hente den igen her: <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    attachments: [
      {
        filename: 'databehandleraftale.pdf',
        content: Buffer.from(pdf),
        contentType: 'application/pdf',
      },
    ],
  });
}
