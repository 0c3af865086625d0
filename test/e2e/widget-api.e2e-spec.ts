import { Client } from 'pg';
import { DEFAULT_CONSENT_TEXT, type WidgetConfig } from '@aftale/domain';
import { quote, type PlanDefinition } from '@aftale/pricing';
import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';

const ORIGIN = 'https://checkout.nordlys.example';

describe('widget HTTP API (publishable key, allowed origins)', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let owner: Client;
  let pk: string;
  let sk: string;
  let config: WidgetConfig;

  const company = {
    name: '<b>Min Dag</b> Min Energi ApS',
    address: 'Søndergade 7',
    postalCode: '8000',
    city: 'Aarhus C',
    cvr: '45629627',
    contactName: 'Åse Ærø',
    contactEmail: 'aase@mindag.dk',
  };
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    key = pk,
  ) => {
    const res = await fetch(
      `${api.url}/v1/widget/${path}${path.includes('?') ? '&' : '?'}key=${key}`,
      {
        method,
        headers: {
          origin: ORIGIN,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      },
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const acceptance = (overrides: Record<string, unknown> = {}) => ({
    company,
    planCode: 'standard',
    users: 12,
    period: 'month',
    documentVersionIds: config.documents.map((d) => d.versionId),
    consent: true,
    consentText: DEFAULT_CONSENT_TEXT.da,
    clientTime: '2026-11-22T10:00:00.000+01:00',
    pageUrl: `${ORIGIN}/checkout`,
    widgetVersion: '1.0.0',
    ...overrides,
  });
  const count = async () =>
    (await owner.query('SELECT count(*)::int AS n FROM acceptances')).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    pk = seeded.publishableKey;
    sk = seeded.secretKey;
    await services.tenants.update(
      { tenantId: seeded.tenantId },
      { allowedOrigins: [ORIGIN] },
      { type: 'cli' },
    );
  });
  afterAll(async () => {
    await api?.close();
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  it('serves the configuration in one cacheable request', async () => {
    const res = await call('GET', 'config');
    expect(res.status).toBe(200);
    config = res.body;
    expect(config.vendor.name).toBe('Nordlys Intranet');
    expect(config.plans.map((p) => p.code)).toEqual(['essentiel', 'standard', 'premium']);
    expect(config.documents.map((d) => d.kind)).toEqual(['dpa', 'terms']);
    expect(config.consentText.da).toBe('Jeg accepterer handelsbetingelser og databehandleraftale');
    // The browser prices with the same engine, from the definition it was given.
    const standard = config.plans.find((p) => p.code === 'standard')!;
    expect(quote(standard.definition as unknown as PlanDefinition, 40, 'month').totalInclVat).toBe(
      123500,
    );
    const again = await call('GET', 'config', undefined, {
      'if-none-match': res.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
    expect(JSON.stringify(res.body)).not.toMatch(/sk_(test|live)_/);
  });

  it('refuses other origins, secret keys and missing keys', async () => {
    const foreign = await fetch(`${api.url}/v1/widget/config?key=${pk}`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe('FORBIDDEN');
    const secret = await call('GET', 'config', undefined, {}, sk);
    expect(secret.status).toBe(403);
    expect(secret.body.error.message).toMatch(/secret key/);
    const none = await fetch(`${api.url}/v1/widget/config`, { headers: { origin: ORIGIN } });
    expect(none.status).toBe(401);
  });

  it("renders the customer's own DPA, escaping what it typed", async () => {
    const res = await call('POST', 'preview', { company, planCode: 'standard' });
    expect(res.status).toBe(200);
    const dpa = res.body.documents.find((d: { kind: string }) => d.kind === 'dpa');
    expect(dpa.html).toContain('&lt;b&gt;Min Dag&lt;/b&gt; Min Energi ApS');
    expect(dpa.html).toContain('8000 Aarhus C');
    expect(dpa.html).not.toContain('<b>Min Dag</b>');
  });

  it('gives typed errors naming the field, in the request’s own terms', async () => {
    const res = await call('POST', 'preview', {
      company: { ...company, cvr: '12345678', contactEmail: 'nope' },
      planCode: 'standard',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'company.contactEmail',
      'company.cvr',
    ]);
    const before = await count();
    const noConsent = await call('POST', 'acceptances', acceptance({ consent: false }), {
      'idempotency-key': 'no-consent-0001',
    });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.error.problems[0].field).toBe('consent');
    const noKey = await call('POST', 'acceptances', acceptance());
    expect(noKey.body.error.problems[0].field).toBe('Idempotency-Key');
    const stale = await call(
      'POST',
      'acceptances',
      acceptance({ documentVersionIds: ['00000000-0000-4000-8000-000000000000'] }),
      { 'idempotency-key': 'stale-docs-0001' },
    );
    expect(stale.status).toBe(409);
    expect(await count()).toBe(before);
  });

  it('records one acceptance per idempotency key, even for a double submit', async () => {
    const headers = { 'idempotency-key': 'checkout-attempt-0001' };
    const [a, b] = await Promise.all([
      call('POST', 'acceptances', acceptance(), headers),
      call('POST', 'acceptances', acceptance(), headers),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.acceptanceId).toBe(b.body.acceptanceId);
    const retry = await call('POST', 'acceptances', acceptance(), headers);
    expect(retry.body.acceptanceId).toBe(a.body.acceptanceId);
    const rows = await owner.query(
      'SELECT id, company, evidence_sha256, evidence_json FROM acceptances WHERE idempotency_key = $1',
      ['checkout-attempt-0001'],
    );
    expect(rows.rows).toHaveLength(1);
    expect(a.body.subscription).toMatchObject({ status: 'trialing' });
    const docs = await owner.query(
      'SELECT kind, html FROM acceptance_documents WHERE acceptance_id = $1 ORDER BY kind',
      [a.body.acceptanceId],
    );
    expect(docs.rows.map((r) => r.kind)).toEqual(['dpa', 'terms']);
    expect(docs.rows[0].html).toContain('45629627');
    const evidence = JSON.parse(rows.rows[0].evidence_json);
    expect(evidence).toMatchObject({
      source: 'widget',
      request: { origin: ORIGIN, pageUrl: `${ORIGIN}/checkout` },
      plan: { code: 'standard', users: 12 },
    });
    expect(evidence.quote.totalInclVat).toBe(50500);
  });

  it("lets the vendor's backend verify the token with its secret key", async () => {
    const made = await call('POST', 'acceptances', acceptance(), {
      'idempotency-key': 'checkout-attempt-0002',
    });
    const verified = await api.gql(
      'query($t: String!) { verifyAcceptanceToken(token: $t) { id companyCvr evidenceSha256 documents { kind htmlSha256 } } }',
      {
        key: sk,
        variables: { t: made.body.token },
      },
    );
    expect(verified.body.data?.verifyAcceptanceToken).toMatchObject({
      id: made.body.acceptanceId,
      companyCvr: '45629627',
    });
    const forged = made.body.token.slice(0, -3) + 'AAA';
    const bad = await api.gql('query($t: String!) { verifyAcceptanceToken(token: $t) { id } }', {
      key: sk,
      variables: { t: forged },
    });
    expect(bad.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('records the client IP, believing X-Forwarded-For only from configured proxies', async () => {
    const recordedIp = async (target: RunningApi, key: string) => {
      const res = await fetch(`${target.url}/v1/widget/acceptances?key=${pk}`, {
        method: 'POST',
        headers: {
          origin: ORIGIN,
          'content-type': 'application/json',
          'idempotency-key': key,
          'x-forwarded-for': '203.0.113.9, 198.51.100.4',
        },
        body: JSON.stringify(acceptance()),
      });
      expect(res.status).toBe(201);
      const { acceptanceId } = (await res.json()) as { acceptanceId: string };
      const row = await owner.query('SELECT evidence_json FROM acceptances WHERE id = $1', [
        acceptanceId,
      ]);
      const request = JSON.parse(row.rows[0].evidence_json).request;
      return `${request.ip} (${request.ipSource})`;
    };
    const behind = (trustedProxies: string[]) =>
      startApi({ ...db.config, http: { ...db.config.http, trustedProxies } }, services);

    // No proxy configured: a client cannot forge its address with a header.
    expect(await recordedIp(api, 'ip-check-direct-0001')).toBe('127.0.0.1 (socket)');
    // Our load balancer (here loopback) is trusted: the hop it saw is the client.
    const trusted = await behind(['127.0.0.1/32']);
    const elsewhere = await behind(['10.0.0.0/8']);
    try {
      expect(await recordedIp(trusted, 'ip-check-proxied-0001')).toBe(
        '198.51.100.4 (trusted-proxy)',
      );
      // A proxy list that does not include the peer: the header is ignored again.
      expect(await recordedIp(elsewhere, 'ip-check-untrusted-0001')).toBe('127.0.0.1 (socket)');
    } finally {
      await trusted.close();
      await elsewhere.close();
    }
  });

  it('keeps acceptances append-only', async () => {
    await expect(owner.query(`UPDATE acceptances SET company_cvr = '37308838'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(owner.query(`DELETE FROM acceptance_documents`)).rejects.toThrow(/append-only/);
  });

  it('re-acceptance: shows what changed since the last accepted versions, then collects a new acceptance', async () => {
    const first = await call('POST', 'acceptances', acceptance(), {
      'idempotency-key': 'checkout-attempt-0003',
    });
    const unchanged = await call('POST', 'reacceptance', { customerToken: first.body.token });
    expect(unchanged.body.changed).toEqual([]);
    // The vendor publishes a new DPA version.
    const ctx = await services.tenants.resolveSlug('demo');
    const dpa = (await services.documents.current(ctx, 'dpa'))!;
    const draft = await services.documents.import(
      ctx,
      { kind: 'dpa', format: 'markdown' },
      '# Databehandleraftale v2\n\nFor {{client.name}} (CVR {{client.cvr}}).',
      { type: 'cli' },
    );
    const published = await services.documents.publish(ctx, draft.version.id, { type: 'cli' });
    const res = await call('POST', 'reacceptance', { customerToken: first.body.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      previousAcceptanceId: first.body.acceptanceId,
      planCode: 'standard',
      company: { cvr: '45629627' },
      changed: [
        {
          kind: 'dpa',
          acceptedVersion: dpa.version,
          currentVersion: published.version,
          currentVersionId: published.id,
        },
      ],
    });
    // The old versions are refused; the new ones are accepted.
    const old = await call('POST', 'acceptances', acceptance(), {
      'idempotency-key': 'reaccept-0001',
    });
    expect(old.status).toBe(409);
    const fresh = (await call('GET', 'config')).body as WidgetConfig;
    const again = await call(
      'POST',
      'acceptances',
      acceptance({
        documentVersionIds: fresh.documents.map((d) => d.versionId),
        customerToken: first.body.token,
      }),
      { 'idempotency-key': 'reaccept-0002' },
    );
    expect(again.status).toBe(201);
    // Re-accepting continues the subscription; it does not start a second one.
    expect(again.body.subscription.id).toBe(first.body.subscription.id);
    const evidence = (
      await owner.query('SELECT evidence FROM acceptances WHERE id = $1', [again.body.acceptanceId])
    ).rows[0].evidence;
    expect(evidence.reacceptanceOf).toBe(first.body.acceptanceId);
    const bad = await call('POST', 'reacceptance', { customerToken: 'v1.forged' });
    expect(bad.status).toBe(404);
  });
});
