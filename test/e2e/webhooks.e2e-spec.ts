import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { DEFAULT_CONSENT_TEXT } from '@aftale/domain';
import {
  JobWorker,
  WEBHOOK_DELIVERY_QUEUE,
  SecretBox,
  WebhookService,
  seedDemo,
  webhookDeliveryJob,
  type Services,
} from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('signed webhooks (Standard Webhooks), delivered through the queue', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let worker: JobWorker;
  let receiver: Server;
  let receiverUrl: string;
  let sk: string;
  let ctx: { tenantId: string };
  const received: Received[] = [];
  let failNext = 0;

  // Short schedule for the test (the product's is 0 s, 5 s, 5 min, 30 min, 2 h, …).
  const FAST = [0, 0.2, 0.2];

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    // The same sealing key as the API's service: it reads the secrets that one stored.
    const secrets = SecretBox.fromConfig(db.config.secretsEncryption);
    const fastWebhooks = new WebhookService(services.db, services.audit, secrets, {
      allowLoopbackHttp: true,
      schedule: FAST,
      timeoutMs: 2000,
    });
    worker = new JobWorker(
      services.db,
      db.appUrl,
      { [WEBHOOK_DELIVERY_QUEUE]: webhookDeliveryJob(fastWebhooks) },
      { concurrency: 2, pollMs: 50 },
      pino({ level: 'silent' }),
    );
    await worker.start();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(500).end('not now');
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
    ctx = { tenantId: seeded.tenantId };
  });
  afterAll(async () => {
    await worker?.stop();
    await new Promise((r) => receiver?.close(r));
    await api?.close();
    await services?.close();
    await db?.drop();
  });

  const until = async (check: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  };
  const accept = async (key: string) => {
    const config = await services.acceptances.widgetConfig(ctx);
    return services.acceptances.accept(
      ctx,
      {
        company: {
          name: 'Min Dag ApS',
          address: 'Vej 1',
          postalCode: '8000',
          city: 'Aarhus C',
          cvr: '45629627',
          contactName: 'Åse',
          contactEmail: 'aase@mindag.dk',
        },
        planCode: 'standard',
        users: 5,
        period: 'month',
        documentVersionIds: config.documents.map((d) => d.versionId),
        consent: true,
        consentText: DEFAULT_CONSENT_TEXT.da,
      },
      {
        idempotencyKey: key,
        ip: '203.0.113.1',
        ipSource: 'socket',
        userAgent: 'jest',
        origin: null,
      },
      { type: 'cli' },
    );
  };

  it('signs acceptance.created so an independent Standard Webhooks library verifies it', async () => {
    const made = await api.gql(
      'mutation($url: String!) { createWebhookEndpoint(url: $url, eventTypes: ["acceptance.created", "document.published"]) { secret endpoint { id } } }',
      {
        key: sk,
        variables: { url: receiverUrl },
      },
    );
    expect(made.body.errors).toBeUndefined();
    const { secret, endpoint } = made.body.data?.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_/);
    // Stored sealed: a database dump does not hand out the key to forge our webhooks.
    const stored: Array<{ secret: string }> = await services.db.inTenant(ctx, (em) =>
      em.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [endpoint.id]),
    );
    expect(stored[0]!.secret).toMatch(/^sb1:/);
    expect(stored[0]!.secret).not.toContain(secret.slice('whsec_'.length));
    const acceptance = await accept('webhook-acc-0001');
    await until(() => received.length >= 1);
    const msg = received[0]!;
    const payload = new Webhook(secret).verify(msg.body, msg.headers as Record<string, string>) as {
      type: string;
      data: { acceptanceId: string };
    };
    expect(payload).toMatchObject({
      type: 'acceptance.created',
      data: { acceptanceId: acceptance.acceptanceId },
    });
    // Tampering is caught by the same library.
    expect(() =>
      new Webhook(secret).verify(
        msg.body.replace('45629627', '37308838'),
        msg.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('retries a failing receiver with the same message id, then delivers', async () => {
    failNext = 1;
    const before = received.length;
    await accept('webhook-acc-0002');
    await until(() => received.length >= before + 2);
    const [failed, ok] = received.slice(before);
    expect(failed!.headers['webhook-id']).toBe(ok!.headers['webhook-id']);
    const rows = await api.gql('{ webhookDeliveries { status attempts lastStatusCode } }', {
      key: sk,
    });
    expect(rows.body.data?.webhookDeliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 204,
    });
  });

  it('dead-letters after the last attempt, and replays on request', async () => {
    failNext = 3;
    const before = received.length;
    await accept('webhook-acc-0003');
    await until(
      async () =>
        (await api.gql('{ webhookDeliveries { status } }', { key: sk })).body.data
          ?.webhookDeliveries[0].status === 'dead',
    );
    expect(received.length - before).toBe(3);
    const dead = (await api.gql('{ webhookDeliveries { id status attempts } }', { key: sk })).body
      .data?.webhookDeliveries[0];
    expect(dead).toMatchObject({ status: 'dead', attempts: 3 });
    const replay = await api.gql(
      'mutation($id: ID!) { replayWebhookDelivery(id: $id) { status } }',
      { key: sk, variables: { id: dead.id } },
    );
    expect(replay.body.data?.replayWebhookDelivery.status).toBe('pending');
    await until(
      async () =>
        (await api.gql('{ webhookDeliveries { status } }', { key: sk })).body.data
          ?.webhookDeliveries[0].status === 'delivered',
    );
  });

  it('signs with both secrets during a rotation', async () => {
    const endpoints = await api.gql('{ webhookEndpoints { id } }', { key: sk });
    const id = endpoints.body.data?.webhookEndpoints[0].id;
    const rotated = await api.gql('mutation($id: ID!) { rotateWebhookSecret(id: $id) }', {
      key: sk,
      variables: { id },
    });
    const newSecret = rotated.body.data?.rotateWebhookSecret;
    const before = received.length;
    const draft = await services.documents.import(
      ctx,
      { kind: 'terms', format: 'markdown' },
      '# Vilkår v2\n\nFor {{client.name}}.',
      { type: 'cli' },
    );
    await services.documents.publish(ctx, draft.version.id, { type: 'cli' });
    await until(() => received.length > before);
    const msg = received[received.length - 1]!;
    expect(String(msg.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const stored: Array<{ secret: string; previous_secret: string }> = await services.db.inTenant(
      ctx,
      (em) => em.query('SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1', [id]),
    );
    expect([stored[0]!.secret, stored[0]!.previous_secret]).toEqual([
      expect.stringMatching(/^sb1:/),
      expect.stringMatching(/^sb1:/),
    ]);
    expect(
      new Webhook(newSecret).verify(msg.body, msg.headers as Record<string, string>),
    ).toMatchObject({ type: 'document.published' });
  });

  it('refuses a plain-http, non-local endpoint URL and unknown event types', async () => {
    const res = await api.gql(
      'mutation { createWebhookEndpoint(url: "http://vendor.example.dk/hooks", eventTypes: ["acceptance.deleted"]) { secret } }',
      { key: sk },
    );
    expect(res.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions.problems?.map((p) => p.field).sort()).toEqual([
      'input.eventTypes.0',
      'input.url',
    ]);
  });
});
