import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { generateApiKey } from '@aftale/domain';
import type { ProvisionedTenant, Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';
import { SCHEMA_HEADER, generateSchemaSdl } from '../../apps/api/src/schema/schema-sdl';

describe('API over HTTP', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let a: ProvisionedTenant;
  let b: ProvisionedTenant;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    a = await services.tenants.create(
      {
        name: 'Alfa Intranet',
        slug: 'alfa',
        cvr: '37308838',
        allowedOrigins: ['https://alfa.example.dk'],
      },
      { type: 'cli' },
    );
    b = await services.tenants.create({ name: 'Beta Skærme', slug: 'beta' }, { type: 'cli' });
  });
  afterAll(async () => {
    await api?.close();
    await services?.close();
    await db?.drop();
  });

  const codes = (r: { body: { errors?: Array<{ extensions: { code: string } }> } }) =>
    (r.body.errors ?? []).map((e) => e.extensions.code);

  it('answers /health and /ready, and tags every response with a request id', async () => {
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/ready`, {
      headers: { 'x-request-id': 'trace-abc-12345' },
    });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'ok' });
    expect(ready.headers.get('x-request-id')).toBe('trace-abc-12345');
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets a secret key read its own tenant, and only its own', async () => {
    const asA = await api.gql('{ tenant { id name cvr } }', { key: a.secretKey.plaintext });
    expect(asA.body).toEqual({
      data: { tenant: { id: a.tenant.id, name: 'Alfa Intranet', cvr: '37308838' } },
    });
    const asB = await api.gql('{ tenant { id name } apiKeys { id } }', {
      key: b.secretKey.plaintext,
    });
    expect(asB.body.data?.tenant).toEqual({ id: b.tenant.id, name: 'Beta Skærme' });
    const aKeyIds = [a.secretKey.key.id, a.publishableKey.key.id];
    expect(
      asB.body.data?.apiKeys
        .map((k: { id: string }) => k.id)
        .some((id: string) => aKeyIds.includes(id)),
    ).toBe(false);
  });

  it.each([
    ['no key', undefined],
    ['an unknown key with a valid checksum', generateApiKey('secret', 'test').plaintext],
    ['a mistyped key', 'MISTYPED'],
    ['garbage', 'Bearer nonsense'],
  ])('refuses %s with UNAUTHENTICATED', async (_label, key) => {
    const realKey = a.secretKey.plaintext;
    const candidate =
      key === 'MISTYPED'
        ? realKey.slice(0, 20) + (realKey[20] === 'x' ? 'y' : 'x') + realKey.slice(21)
        : key;
    const res = await api.gql('{ tenant { name } }', candidate ? { key: candidate } : {});
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.data ?? null).toBeNull();
  });

  it('refuses a revoked key at once', async () => {
    const created = await api.gql(
      'mutation { createApiKey(input: { kind: secret, mode: test, name: "temp" }) { plaintext apiKey { id last4 } } }',
      {
        key: a.secretKey.plaintext,
      },
    );
    const { plaintext, apiKey } = created.body.data?.createApiKey;
    expect((await api.gql('{ tenant { slug } }', { key: plaintext })).body.data?.tenant.slug).toBe(
      'alfa',
    );
    const revoked = await api.gql('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', {
      key: a.secretKey.plaintext,
      variables: { id: apiKey.id },
    });
    expect(revoked.body.data?.revokeApiKey.revokedAt).toEqual(expect.any(String));
    const after = await api.gql('{ tenant { slug } }', { key: plaintext });
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);
    expect(after.body.errors?.[0]?.message).toMatch(/revoked/);
  });

  it('keeps publishable keys to the widget surface', async () => {
    const secretApi = await api.gql('{ tenant { name } }', { key: a.publishableKey.plaintext });
    expect(codes(secretApi)).toEqual(['FORBIDDEN']);
    const mutation = await api.gql(
      'mutation { createApiKey(input: { kind: secret, mode: live }) { plaintext } }',
      {
        key: a.publishableKey.plaintext,
      },
    );
    expect(codes(mutation)).toEqual(['FORBIDDEN']);
    const widget = await api.gql('{ widgetConfig { vendorName defaultLocale } }', {
      key: a.publishableKey.plaintext,
      headers: { origin: 'https://alfa.example.dk' },
    });
    expect(widget.body).toEqual({
      data: { widgetConfig: { vendorName: 'Alfa Intranet', defaultLocale: 'da' } },
    });
    const foreign = await api.gql('{ widgetConfig { vendorName } }', {
      key: a.publishableKey.plaintext,
      headers: { origin: 'https://evil.example.com' },
    });
    expect(codes(foreign)).toEqual(['FORBIDDEN']);
  });

  it('gives malformed GraphQL typed errors without stack traces', async () => {
    const key = a.secretKey.plaintext;
    const parse = await api.gql('{ tenant { name ', { key });
    expect(codes(parse)).toEqual(['BAD_USER_INPUT']);
    expect(parse.body.errors?.[0]?.extensions.reason).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await api.gql('{ tenant { password } }', { key });
    expect(codes(unknownField)).toEqual(['BAD_USER_INPUT']);
    const badVariable = await api.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', {
      key,
      variables: { id: { nested: true } },
    });
    expect(codes(badVariable)).toEqual(['BAD_USER_INPUT']);
    const notAnId = await api.gql('mutation { revokeApiKey(id: "42") { id } }', { key });
    expect(notAnId.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    const missing = await api.gql(
      'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }',
      { key },
    );
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    const notJson = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: '{"query": ',
    });
    expect(notJson.status).toBe(400);
    for (const r of [parse, unknownField, badVariable, notAnId, missing]) {
      expect(r.raw).not.toMatch(/stacktrace|\bat .*\.(ts|js):\d+/i);
    }
  });

  it('refuses bad tenant input naming the field, and changes nothing', async () => {
    const key = a.secretKey.plaintext;
    const res = await api.gql(
      'mutation { updateTenant(input: { name: "Ny", cvr: "12345678", allowedOrigins: ["https://ok.dk", "javascript:alert(1)"] }) { name } }',
      { key },
    );
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    const fields = res.body.errors?.[0]?.extensions.problems?.map((p) => p.field).sort();
    expect(fields).toEqual(['input.allowedOrigins.1', 'input.cvr']);
    const after = await api.gql('{ tenant { name cvr allowedOrigins } }', { key });
    expect(after.body.data?.tenant).toEqual({
      name: 'Alfa Intranet',
      cvr: '37308838',
      allowedOrigins: ['https://alfa.example.dk'],
    });
  });

  it('records administrative actions in the audit trail', async () => {
    const key = b.secretKey.plaintext;
    await api.gql('mutation { updateTenant(input: { contactEmail: "dpo@beta.dk" }) { id } }', {
      key,
    });
    const audit = await api.gql('{ auditEvents(limit: 10) { action actor details } }', { key });
    expect(audit.body.data?.auditEvents[0]).toEqual({
      action: 'tenant.updated',
      actor: `api-key:${b.secretKey.key.id}`,
      details: { fields: ['contactEmail'] },
    });
  });

  it('refuses batched HTTP requests', async () => {
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${a.secretKey.plaintext}`,
      },
      body: JSON.stringify([{ query: '{ tenant { name } }' }, { query: '{ tenant { slug } }' }]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('Alfa Intranet');
  });

  it('never logs keys, authorization headers or personal data', async () => {
    await api.gql(
      'mutation { updateTenant(input: { contactEmail: "secret.person@alfa.dk" }) { id } }',
      { key: a.secretKey.plaintext },
    );
    await api.gql('{ tenant { name } }', { key: a.publishableKey.plaintext });
    const logs = api.logs();
    expect(logs).toContain('request completed');
    expect(logs).not.toContain(a.secretKey.plaintext);
    expect(logs).not.toContain(a.publishableKey.plaintext);
    expect(logs.toLowerCase()).not.toContain('bearer');
    expect(logs).not.toContain('secret.person@alfa.dk');
    expect(logs).not.toContain('127.0.0.1"'); // no client IPs
  });

  it('serves exactly the committed schema.gql', async () => {
    const committed = readFileSync(join(__dirname, '../../apps/api/src/schema/schema.gql'), 'utf8');
    expect(await generateSchemaSdl()).toBe(committed);
    const live = api.app.get(GraphQLSchemaHost).schema;
    expect(SCHEMA_HEADER + printSchema(lexicographicSortSchema(live)) + '\n').toBe(committed);
  });
});
