import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProofBundleService } from '@aftale/server';
import type { AuthedRequest } from '../../common/request-auth';

/** Downloads a built proof bundle (secret key, same guard as the GraphQL API). */
@Controller('proof-bundles')
export class ProofBundleController {
  constructor(private readonly bundles: ProofBundleService) {}

  @Get(':id')
  async download(
    @Param('id') id: string,
    @Req() req: AuthedRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { row, bytes } = await this.bundles.download({ tenantId: req.auth!.tenantId }, id);
    await reply
      .header('content-type', 'application/zip')
      .header(
        'content-disposition',
        `attachment; filename="aftale-proof-${row.acceptanceId.slice(0, 8)}.zip"`,
      )
      // Lets the caller check what it stored against what we built.
      .header('digest', `sha-256=${Buffer.from(row.sha256!, 'hex').toString('base64')}`)
      .header('cache-control', 'private, no-store')
      .send(bytes);
  }
}
