import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AftaleError } from '@aftale/domain';
import { DocumentService } from '@aftale/server';
import type { AuthedRequest } from '../../common/request-auth';

/** Downloads a rendered PDF (secret key, same guard as the GraphQL API). */
@Controller('documents/pdfs')
export class DocumentPdfController {
  constructor(private readonly documentService: DocumentService) {}

  @Get(':id')
  async download(
    @Param('id') id: string,
    @Req() req: AuthedRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { row, bytes } = await this.documentService.pdf({ tenantId: req.auth!.tenantId }, id);
    if (row.status !== 'ready' || !bytes) {
      throw new AftaleError(
        'NOT_FOUND',
        `The PDF is ${row.status}${row.error ? `: ${row.error}` : ''}; ask again shortly.`,
      );
    }
    await reply
      .header('content-type', 'application/pdf')
      .header(
        'content-disposition',
        `attachment; filename="document-${row.versionId.slice(0, 8)}.pdf"`,
      )
      .header('cache-control', 'private, max-age=3600')
      .send(bytes);
  }
}
