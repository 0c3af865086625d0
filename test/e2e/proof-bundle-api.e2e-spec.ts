import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { Client } from 'pg';
import pino from 'pino';
import { verifyProofBundle } from '@aftale/evidence';
import {
  JobWorker,
  PROOF_BUNDLE_QUEUE,
  PdfRenderer,
  pdfRenderFn,
  proofBundleBuilder,
  proofBundleJob,
  seedDemo,
  type Services,
} from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { signUpInput } from '../support/sign-up';
import { startApi, type RunningApi } from '../support/api-harness';

jest.setTimeout(90_000);

describe('proof bundles over the API: asked for, built by the worker, downloaded', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let renderer: PdfRenderer;
  let worker: JobWorker;
  let owner: Client;
  let sk: string;
  let publicKeyPem: string;
  let acceptanceId: string;

  const BUNDLE = 'id acceptanceId status downloadUrl downloadPath byteSize sha256 treeSize error';

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    renderer = new PdfRenderer({ concurrency: 1 });
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
    const ctx = { tenantId: seeded.tenantId };
    const versionIds = (await services.acceptances.widgetConfig(ctx)).documents.map(
      (d) => d.versionId,
    );
    // Made headless and never sequenced: the bundle job must bring it into the log itself.
    const made = await api.gql(
      `mutation($a: JSONObject!) { recordAcceptance(idempotencyKey: "bundle-api-1",
        endUserIp: "198.51.100.7", endUserAgent: "Mozilla/5.0", acceptance: $a) { id } }`,
      {
        key: sk,
        variables: {
          a: signUpInput(versionIds),
        },
      },
    );
    acceptanceId = made.body.data?.recordAcceptance.id;
    publicKeyPem = services.evidenceLog.publicKeys()[0]!.publicKeyPem;
  });
  afterAll(async () => {
    await worker?.stop();
    await renderer?.close();
    await api?.close();
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  const bundleCount = async () =>
    (await owner.query('SELECT count(*)::int AS n FROM proof_bundles')).rows[0].n as number;

  it('queues a bundle, builds it in the worker, and serves a ZIP that verifies offline', async () => {
    const asked = await api.gql(
      `mutation($id: ID!) { requestProofBundle(acceptanceId: $id) { ${BUNDLE} } }`,
      { key: sk, variables: { id: acceptanceId } },
    );
    expect(asked.body.errors).toBeUndefined();
    const bundle = asked.body.data?.requestProofBundle;
    expect(bundle).toMatchObject({ acceptanceId, status: 'pending', byteSize: null });
    expect(bundle.downloadUrl).toBe(`${db.config.http.publicUrl}/proof-bundles/${bundle.id}`);
    // Not ready yet: a typed answer, not a broken file.
    const early = await fetch(`${api.url}${bundle.downloadPath}`, {
      headers: { authorization: `Bearer ${sk}` },
    });
    expect(early.status).toBe(404);
    expect((await early.json()).error.code).toBe('NOT_FOUND');

    worker = new JobWorker(
      services.db,
      db.appUrl,
      {
        [PROOF_BUNDLE_QUEUE]: proofBundleJob(
          services.proofBundles,
          services.evidenceLog,
          proofBundleBuilder({ ...services, renderPdf: pdfRenderFn(renderer) }),
        ),
      },
      { concurrency: 1, pollMs: 50 },
      pino({ level: 'silent' }),
    );
    await worker.start();
    let ready = bundle;
    for (let i = 0; i < 600 && ready.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = (
        await api.gql(`query($id: ID!) { proofBundle(id: $id) { ${BUNDLE} } }`, {
          key: sk,
          variables: { id: bundle.id },
        })
      ).body.data?.proofBundle;
    }
    expect(ready).toMatchObject({ status: 'ready', error: null, treeSize: 1 });

    const res = await fetch(ready.downloadUrl.replace(db.config.http.publicUrl, api.url), {
      headers: { authorization: `Bearer ${sk}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = new Uint8Array(await res.arrayBuffer());
    expect(zip.length).toBe(ready.byteSize);
    expect(createHash('sha256').update(zip).digest('hex')).toBe(ready.sha256);
    const verified = verifyProofBundle(zip, { trustedPublicKeyPem: publicKeyPem });
    expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verified.valid).toBe(true);
    // The bundle carries the signed-off PDF, as `aftale proof export` does.
    const pdf = unzipSync(zip)['acceptance.pdf'];
    expect(Buffer.from(pdf!.subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    // Asking again gives the same bundle; nothing is rebuilt.
    const again = await api.gql(
      `mutation($id: ID!) { requestProofBundle(acceptanceId: $id) { id status sha256 } }`,
      { key: sk, variables: { id: acceptanceId } },
    );
    expect(again.body.data?.requestProofBundle).toEqual({
      id: bundle.id,
      status: 'ready',
      sha256: ready.sha256,
    });
    expect(await bundleCount()).toBe(1);
  });

  it('refuses bad ids with the field named, and changes nothing', async () => {
    const before = await bundleCount();
    const bad = await api.gql(
      'mutation { requestProofBundle(acceptanceId: "not-a-uuid") { id } }',
      { key: sk },
    );
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [expect.objectContaining({ field: 'acceptanceId' })],
    });
    const unknown = await api.gql(
      'mutation { requestProofBundle(acceptanceId: "00000000-0000-4000-8000-000000000000") { id } }',
      { key: sk },
    );
    expect(unknown.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(await bundleCount()).toBe(before);
  });

  it('does not serve a bundle to another tenant or without a secret key', async () => {
    const row = (await owner.query('SELECT id FROM proof_bundles LIMIT 1')).rows[0];
    const other = await services.tenants.create(
      { name: 'Other', slug: 'other-vendor' },
      { type: 'cli' },
    );
    const foreign = await fetch(`${api.url}/proof-bundles/${row.id}`, {
      headers: { authorization: `Bearer ${other.secretKey.plaintext}` },
    });
    expect(foreign.status).toBe(404);
    const theirs = await api.gql(
      `mutation($id: ID!) { requestProofBundle(acceptanceId: $id) { id } }`,
      { key: other.secretKey.plaintext, variables: { id: acceptanceId } },
    );
    expect(theirs.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const anonymous = await fetch(`${api.url}/proof-bundles/${row.id}`);
    expect(anonymous.status).toBe(401);
  });
});
