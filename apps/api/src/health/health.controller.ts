import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Database } from '@aftale/server';
import { Public } from '../common/request-auth';

@Controller()
export class HealthController {
  constructor(private readonly db: Database) {}

  /** Alive: the process answers. Load balancers restart it when this fails. */
  @Public()
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready: the database answers and every migration in this build is applied. */
  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, string>> {
    let database = 'ok';
    let migrations = 'ok';
    try {
      await this.db.ping();
      if (!(await this.db.migrationsApplied())) migrations = 'pending';
    } catch {
      database = 'unreachable';
      migrations = 'unknown';
    }
    const ok = database === 'ok' && migrations === 'ok';
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not_ready', database, migrations };
  }
}
