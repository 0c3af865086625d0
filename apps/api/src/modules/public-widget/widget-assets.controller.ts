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

/** A release id from the SRI digest: content-addressed, so cached URLs never go stale. */
export function releaseOf(sri: string | undefined): string {
  if (!sri) return 'none';
  return Buffer.from(sri.replace(/^sha384-/, ''), 'base64')
    .toString('hex')
    .slice(0, 12);
}

/**
 * Serves the widget bundle at versioned, immutable URLs, and the demo checkout page that
 * embeds it exactly as the README tells vendors to. Files are read per request: the build
 * may be refreshed while the API runs.
 */
@Controller()
export class WidgetAssetsController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * `/widget/v1/…` is the latest 1.x build (cached 5 minutes); `/widget/<release>/…`, where
   * release is derived from the file's SRI digest, never changes (cached for a year), so a
   * snippet pinned with SRI keeps loading after later releases.
   */
  @Public()
  @Get('widget/:release/:file')
  async asset(
    @Param('release') release: string,
    @Param('file') file: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const type = FILES[file];
    const path = join(DIST, file);
    if (!type || !existsSync(path))
      throw new AftaleError('NOT_FOUND', 'No such widget file. Build it with: npx nx build widget');
    const current = releaseOf(this.manifest()?.files[file]?.sri);
    if (release !== 'v1' && release !== current) {
      throw new AftaleError(
        'NOT_FOUND',
        `No widget release ${release}; the current one is ${current}.`,
      );
    }
    await reply
      .header('content-type', `${type}; charset=utf-8`)
      .header(
        'cache-control',
        release === 'v1' ? 'public, max-age=300' : 'public, max-age=31536000, immutable',
      )
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(readFileSync(path));
  }

  private manifest(): Manifest | null {
    const path = join(DIST, 'manifest.json');
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : null;
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
    const sri = manifest.files['widget.js']?.sri;
    const html = readFileSync(page, 'utf8')
      .replaceAll('{{PUBLISHABLE_KEY}}', this.config.demoPublishableKey)
      .replaceAll(
        '{{WIDGET_URL}}',
        `${this.config.http.publicUrl}/widget/${releaseOf(sri)}/widget.js`,
      )
      .replaceAll('{{WIDGET_SRI}}', manifest.files['widget.js']?.sri ?? '');
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html);
  }
}
