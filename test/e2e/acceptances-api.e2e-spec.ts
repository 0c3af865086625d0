import { DEFAULT_CONSENT_TEXT } from '@aftale/domain';
import { verifyConsistency, verifyTreeHead, type SignedTreeHead } from '@aftale/evidence';
import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';

describe('acceptances over GraphQL: headless mode, pages, who has not accepted', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let sk: string;
  let versionIds: string[];

  const RECORD = `mutation($key: String!, $ip: String!, $ua: String!, $a: JSONObject!) {
    recordAcceptance(idempotencyKey: $key, endUserIp: $ip, endUserAgent: $ua, acceptance: $a) { id source companyCvr evidence } }`;
  const body = (cvr: string, name: string) => ({
    company: {
      name,
      address: 'Vej 1',
      postalCode: '2100',
      city: 'København Ø',
      cvr,
      contactName: 'Kim',
      contactEmail: 'kim@example.dk',
    },
    planCode: 'essentiel',
    users: 3,
    period: 'month',
    documentVersionIds: versionIds,
    consent: true,
    consentText: DEFAULT_CONSENT_TEXT.da,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
    versionIds = (
      await services.acceptances.widgetConfig({ tenantId: seeded.tenantId })
    ).documents.map((d) => d.versionId);
  });
  afterAll(async () => {
    await api?.close();
    await services?.close();
    await db?.drop();
  });

  it('records a headless acceptance, marking the IP and user agent as reported by the vendor', async () => {
    const res = await api.gql(RECORD, {
      key: sk,
      variables: {
        key: 'headless-0001',
        ip: '198.51.100.23',
        ua: 'Mozilla/5.0 (vendor checkout)',
        a: body('37308838', 'Intras-kunde ApS'),
      },
    });
    expect(res.body.errors).toBeUndefined();
    const a = res.body.data?.recordAcceptance;
    expect(a).toMatchObject({ source: 'api', companyCvr: '37308838' });
    expect(a.evidence.request).toMatchObject({
      ip: '198.51.100.23',
      ipSource: 'vendor-reported',
      userAgent: 'Mozilla/5.0 (vendor checkout)',
      origin: null,
    });
    const again = await api.gql(RECORD, {
      key: sk,
      variables: {
        key: 'headless-0001',
        ip: '198.51.100.23',
        ua: 'x',
        a: body('37308838', 'Intras-kunde ApS'),
      },
    });
    expect(again.body.data?.recordAcceptance.id).toBe(a.id);
    const bad = await api.gql(RECORD, {
      key: sk,
      variables: {
        key: 'headless-0002',
        ip: '1.2.3.4',
        ua: 'x',
        a: { ...body('12345678', 'X'), users: 0 },
      },
    });
    expect(bad.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0]?.extensions.problems?.map((p) => p.field)).toEqual(
      expect.arrayContaining(['company.cvr']),
    );
  });

  it('pages through acceptances with a cursor and filters', async () => {
    for (const [i, cvr] of ['38790080', '45629627', '38790080'].entries()) {
      await api.gql(RECORD, {
        key: sk,
        variables: {
          key: `headless-page-${i}`,
          ip: '1.2.3.4',
          ua: 'x',
          a: body(cvr, `Kunde ${i} ApS`),
        },
      });
    }
    const PAGE = `query($first: Int!, $after: String, $cvr: String) { acceptancePage(first: $first, after: $after, cvr: $cvr) { nodes { id companyCvr } endCursor hasNextPage } }`;
    const one = await api.gql(PAGE, { key: sk, variables: { first: 2 } });
    expect(one.body.data?.acceptancePage.nodes).toHaveLength(2);
    expect(one.body.data?.acceptancePage.hasNextPage).toBe(true);
    const two = await api.gql(PAGE, {
      key: sk,
      variables: { first: 2, after: one.body.data?.acceptancePage.endCursor },
    });
    expect(two.body.data?.acceptancePage).toMatchObject({ hasNextPage: false });
    const ids = [
      ...one.body.data!.acceptancePage.nodes,
      ...two.body.data!.acceptancePage.nodes,
    ].map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(4);
    const filtered = await api.gql(PAGE, { key: sk, variables: { first: 10, cvr: '38790080' } });
    expect(
      filtered.body.data?.acceptancePage.nodes.map((n: { companyCvr: string }) => n.companyCvr),
    ).toEqual(['38790080', '38790080']);
    const badCursor = await api.gql(PAGE, { key: sk, variables: { first: 2, after: 'nonsense' } });
    expect(badCursor.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it('tells who has accepted the current versions and who has not', async () => {
    const ctx = await services.tenants.resolveSlug('demo');
    const draft = await services.documents.import(
      ctx,
      { kind: 'dpa', format: 'markdown' },
      '# DPA v2\n\nFor {{client.name}}.',
      { type: 'cli' },
    );
    const published = await services.documents.publish(ctx, draft.version.id, { type: 'cli' });
    const terms = versionIds.find((id) => id !== versionIds[0])!;
    await api.gql(RECORD, {
      key: sk,
      variables: {
        key: 'headless-new-1',
        ip: '1.2.3.4',
        ua: 'x',
        a: { ...body('45629627', 'Kunde 1 ApS'), documentVersionIds: [published.id, terms] },
      },
    });
    const res = await api.gql('{ customerAcceptanceStatus { cvr acceptedCurrent } }', { key: sk });
    const byCvr = Object.fromEntries(
      res.body.data?.customerAcceptanceStatus.map(
        (s: { cvr: string; acceptedCurrent: boolean }) => [s.cvr, s.acceptedCurrent],
      ),
    );
    expect(byCvr).toEqual({ '37308838': false, '38790080': false, '45629627': true });
  });
  it('proves over the API that the log only grew between two signed heads', async () => {
    const ctx = await services.tenants.resolveSlug('demo');
    // Earlier tests published a new DPA: accept whatever is current now.
    const current = (await services.acceptances.widgetConfig(ctx)).documents.map(
      (d) => d.versionId,
    );
    const record = async (key: string, cvr: string) => {
      const res = await api.gql(RECORD, {
        key: sk,
        variables: {
          key,
          ip: '1.2.3.4',
          ua: 'x',
          a: { ...body(cvr, `${key} ApS`), documentVersionIds: current },
        },
      });
      expect(res.body.errors).toBeUndefined();
    };
    await record('consistency-first', '38790080');
    await services.evidenceLog.sequence(ctx);
    for (const [i, cvr] of ['38790080', '45629627', '37308838'].entries()) {
      await record(`consistency-${i}`, cvr);
    }
    await services.evidenceLog.sequence(ctx);
    const HEAD = 'logId treeSize rootHash timestamp keyId signature';
    const heads = (await api.gql(`{ treeHeads(limit: 2) { ${HEAD} } }`, { key: sk })).body.data
      ?.treeHeads as Array<Omit<SignedTreeHead, 'timestamp'> & { timestamp: string }>;
    const [newer, older] = heads.map((h) => ({ ...h, timestamp: Number(h.timestamp) }));
    if (!newer || !older) throw new Error('expected two signed tree heads');
    expect(newer.treeSize).toBe(older.treeSize + 3);

    const res = await api.gql(
      `query($m: Int!) { consistencyProof(firstSize: $m) { firstSize secondSize path
        firstTreeHead { ${HEAD} } secondTreeHead { ${HEAD} } } }`,
      { key: sk, variables: { m: older.treeSize } },
    );
    expect(res.body.errors).toBeUndefined();
    const proof = res.body.data?.consistencyProof;
    expect(proof).toMatchObject({ firstSize: older.treeSize, secondSize: newer.treeSize });
    expect(proof.secondTreeHead.rootHash).toBe(newer.rootHash);
    // An auditor checks it with nothing of ours but the published key.
    const keys = (await (await fetch(`${api.url}/.well-known/aftale-log-keys.json`)).json()) as {
      keys: Array<{ publicKeyPem: string }>;
    };
    const publicKey = keys.keys[0]!.publicKeyPem;
    expect(verifyTreeHead(older, publicKey) && verifyTreeHead(newer, publicKey)).toBe(true);
    expect(
      verifyConsistency(older.treeSize, newer.treeSize, proof.path, older.rootHash, newer.rootHash),
    ).toBe(true);
    // The same proof does not vouch for a rewritten history.
    const forgedRoot = newer.rootHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(
      verifyConsistency(older.treeSize, newer.treeSize, proof.path, forgedRoot, newer.rootHash),
    ).toBe(false);

    const refused = async (m: number, n: number | null) => {
      const r = await api.gql(
        'query($m: Int!, $n: Int) { consistencyProof(firstSize: $m, secondSize: $n) { path } }',
        { key: sk, variables: { m, n } },
      );
      expect(r.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      return r.body.errors?.[0]?.extensions.problems?.map((p) => p.field);
    };
    expect(await refused(newer.treeSize, older.treeSize)).toEqual(['firstSize']);
    expect(await refused(1, newer.treeSize + 1)).toEqual(['secondSize']);
    expect(await refused(-1, null)).toEqual(['firstSize']);
  });
});
