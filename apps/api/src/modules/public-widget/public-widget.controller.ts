import { createHash } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AftaleError } from '@aftale/domain';
import { AcceptanceService, DocumentService } from '@aftale/server';
import { Public } from '../../common/request-auth';
import { WidgetAccess } from './widget-access';

/**
 * The widget's public surface (contract: libs/domain/src/lib/widget-contract.ts). Public
 * to the API-key guard: WidgetAccess checks the publishable key and the page origin.
 */
@Controller('v1/widget')
export class PublicWidgetController {
  constructor(
    private readonly access: WidgetAccess,
    private readonly acceptances: AcceptanceService,
    private readonly documents: DocumentService,
  ) {}

  @Public()
  @Get('config')
  async config(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { tenant } = await this.access.resolve(req);
    const body = JSON.stringify(await this.acceptances.widgetConfig(tenant));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    reply
      .header('etag', etag)
      .header('cache-control', 'private, max-age=0, must-revalidate')
      .header('vary', 'Origin');
    if (req.headers['if-none-match'] === etag) {
      await reply.status(304).send();
      return;
    }
    await reply.header('content-type', 'application/json; charset=utf-8').send(body);
  }

  @Public()
  @Post('preview')
  @HttpCode(200)
  async preview(@Req() req: FastifyRequest, @Body() body: unknown) {
    const { tenant } = await this.access.resolve(req);
    return this.acceptances.preview(tenant, body);
  }

  @Public()
  @Post('acceptances')
  @HttpCode(201)
  async accept(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    const { tenant, origin, keyId } = await this.access.resolve(req);
    if (!idempotencyKey)
      throw AftaleError.field(
        'Idempotency-Key',
        'this header is required, e.g. a UUID made once per attempt',
      );
    const userAgent = req.headers['user-agent'];
    return this.acceptances.accept(
      tenant,
      body,
      {
        idempotencyKey,
        ip: req.ip,
        ipSource: req.ips && req.ips.length > 1 ? 'trusted-proxy' : 'socket',
        userAgent: typeof userAgent === 'string' ? userAgent : '',
        origin,
      },
      { type: 'api-key', keyId },
    );
  }

  /** Re-acceptance mode: what changed since the customer's last accepted versions. */
  @Public()
  @Post('reacceptance')
  @HttpCode(200)
  async reacceptance(@Req() req: FastifyRequest, @Body() body: { customerToken?: unknown }) {
    const { tenant } = await this.access.resolve(req);
    if (typeof body?.customerToken !== 'string')
      throw AftaleError.field('customerToken', 'the token of the customer’s last acceptance');
    return this.acceptances.reacceptance(tenant, body.customerToken);
  }

  @Public()
  @Post('pdfs')
  @HttpCode(202)
  async requestPdf(
    @Req() req: FastifyRequest,
    @Body() body: { kind?: unknown } & Record<string, unknown>,
  ) {
    const { tenant } = await this.access.resolve(req);
    const { kind, ...preview } = body ?? {};
    if (kind !== 'dpa' && kind !== 'terms') throw AftaleError.field('kind', 'dpa or terms');
    const rendered = await this.acceptances.preview(tenant, preview);
    const doc = rendered.documents.find((d) => d.kind === kind);
    if (!doc) throw new AftaleError('NOT_FOUND', `The vendor has no published ${kind}.`);
    const values = await this.acceptances.valuesFor(tenant, preview);
    const pdf = await this.documents.requestPdf(tenant, doc.versionId, values);
    return { id: pdf.id, status: pdf.status };
  }

  @Public()
  @Get('pdfs/:id')
  async pdf(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { tenant } = await this.access.resolve(req);
    const { row, bytes } = await this.documents.pdf(tenant, id);
    if (row.status !== 'ready' || !bytes)
      throw new AftaleError('NOT_FOUND', `The PDF is ${row.status}; ask again shortly.`);
    await reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', 'attachment; filename="databehandleraftale.pdf"')
      .header('cache-control', 'private, max-age=3600')
      .send(bytes);
  }
}
