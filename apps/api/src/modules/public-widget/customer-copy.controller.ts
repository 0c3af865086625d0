import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AftaleError } from '@aftale/domain';
import {
  AcceptanceService,
  readCustomerCopyToken,
  wrapDocumentHtml,
  type AppConfig,
} from '@aftale/server';
import { Public } from '../../common/request-auth';
import { APP_CONFIG } from '../../common/tokens';

/**
 * The customer's durable copy ("Min profil"): the exact DPA and terms it accepted, from the
 * link in its e-mail. The token is an HMAC, so the link works for as long as we keep data.
 */
@Controller('v1/customer/copies')
export class CustomerCopyController {
  constructor(
    private readonly acceptances: AcceptanceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get(':token')
  async copy(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    const read = readCustomerCopyToken(this.config.acceptanceTokenSecret, token);
    if (!read)
      throw new AftaleError('NOT_FOUND', 'This link is not valid. Ask the vendor for a new copy.');
    const ctx = { tenantId: read.tenantId };
    const documents = await this.acceptances.documentsOf(ctx, read.acceptanceId);
    if (documents.length === 0)
      throw new AftaleError('NOT_FOUND', 'This link is not valid. Ask the vendor for a new copy.');
    const body = documents
      .map((d) => `<article class="aftale-copy">${d.html}</article>`)
      .join('\n<hr>\n');
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      )
      .header('cache-control', 'private, no-store')
      .header('x-robots-tag', 'noindex')
      .send(wrapDocumentHtml(body, { title: 'Jeres databehandleraftale', locale: 'da' }));
  }
}
