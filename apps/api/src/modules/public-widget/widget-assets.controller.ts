import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AftaleError } from '@aftale/domain';
import type { AppConfig } from '@aftale/server';
import { Public } from '../../common/request-auth';
import { APP_CONFIG } from '../../common/tokens';

const ROOT = resolve(__dirname, '..', '..', '..', '..', '..');
const DIST = join(ROOT, 'dist', 'apps', 'widget');
const FILES: Record<string, string> = {
  'widget.js': 'text/javascript',
  'widget.mjs': 'text/javascript',
};

interface Manifest {
  files: Record<string, { sri: string }>;
}

/**
 * Serves the widget bundle at versioned, immutable URLs, and the demo checkout page that
 * embeds it exactly as the README tells vendors to. Files are read per request: the build
 * may be refreshed while the API runs.
 */
@Controller()
export class WidgetAssetsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get('widget/v1/:file')
  async asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const type = FILES[file];
    const path = join(DIST, file);
    if (!type || !existsSync(path))
      throw new AftaleError('NOT_FOUND', 'No such widget file. Build it with: npx nx build widget');
    await reply
      .header('content-type', `${type}; charset=utf-8`)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(readFileSync(path));
  }

  @Public()
  @Get('demo')
  async demo(@Res() reply: FastifyReply): Promise<void> {
    const page = join(ROOT, 'apps', 'widget', 'demo', 'index.html');
    const manifestPath = join(DIST, 'manifest.json');
    if (!this.config.demoPublishableKey || !existsSync(page) || !existsSync(manifestPath)) {
      throw new AftaleError(
        'NOT_FOUND',
        'The demo runs under `npm start` (it needs the demo key and a built widget).',
      );
    }
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const html = readFileSync(page, 'utf8')
      .replaceAll('{{PUBLISHABLE_KEY}}', this.config.demoPublishableKey)
      .replaceAll('{{WIDGET_URL}}', `${this.config.http.publicUrl}/widget/v1/widget.js`)
      .replaceAll('{{WIDGET_SRI}}', manifest.files['widget.js']?.sri ?? '');
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html);
  }
}
