import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, type AppConfig, type Services } from '@aftale/server';
import { createApiApp } from '../../apps/api/src/create-app';

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  logs: () => string;
  gql(
    query: string,
    options?: {
      key?: string;
      variables?: Record<string, unknown>;
      headers?: Record<string, string>;
    },
  ): Promise<GqlResponse>;
  close(): Promise<void>;
}

export interface GqlResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{
      message: string;
      path?: string[];
      extensions: {
        code: string;
        field?: string;
        reason?: string;
        problems?: Array<{ field: string; message: string }>;
      };
    }>;
  };
  raw: string;
}

/** Boots the real API on a real port, with its logs captured for inspection. */
export async function startApi(config: AppConfig, services: Services): Promise<RunningApi> {
  let captured = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      captured += chunk.toString();
      done();
    },
  });
  const logger = createLogger('info', 'aftale-api-test', sink);
  const app = await createApiApp(config, services, logger);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    logs: () => captured,
    async gql(query, options = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: options.variables ?? {} }),
      });
      const raw = await res.text();
      return { status: res.status, headers: res.headers, body: JSON.parse(raw), raw };
    },
    close: () => app.close(),
  };
}
