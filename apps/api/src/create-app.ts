import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createBilling,
  type AppConfig,
  type Billing,
  type Logger,
  type Services,
} from '@aftale/server';
import { AppModule } from './app.module';
import { PinoNestLogger } from './common/pino-nest-logger';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Builds the API on Fastify. Used by main.ts and by the end-to-end tests. */
export async function createApiApp(
  config: AppConfig,
  services: Services,
  logger: Logger,
  billing: Billing = createBilling(config),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Only the configured proxies' X-Forwarded-For counts; the IP goes into evidence.
    trustProxy: config.http.trustedProxies.length ? config.http.trustedProxies : false,
    // Room for a 10 MB document sent base64 in importDocument; larger files get a typed error.
    bodyLimit: 15 * 1024 * 1024,
    // Customer-copy links carry a signed token in the path.
    routerOptions: { maxParamLength: 300 },
    // Honour a caller's request id so logs join up across systems; otherwise make one.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  // Log method, path and status only: no query strings, headers, IPs or bodies.
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, services, logger, billing }),
    adapter,
    // rawBody: Stripe signs the exact bytes it sends.
    { logger: new PinoNestLogger(logger), bufferLogs: false, rawBody: true },
  );
  app.enableCors({
    // The widget calls from vendors' own origins; each request is checked against the
    // tenant's allowed origins once its key is known, so CORS itself stays open.
    origin: true,
    methods: ['GET', 'POST'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'x-request-id',
      'apollo-require-preflight',
      'idempotency-key',
      'if-none-match',
    ],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
