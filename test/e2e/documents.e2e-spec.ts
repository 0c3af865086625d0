import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';

const CORPUS = join(__dirname, '../../../shared/corpus');

describe('documents over GraphQL', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let owner: Client;
  let sk: string;

  const IMPORT = `mutation($input: ImportDocumentInput!) { importDocument(input: $input) {
    version { id status placeholders { raw path known line } suspectedBlanks { text line } warnings { code message } subprocessors { name } }
    unknownPlaceholders { raw line context } } }`;
  const customer = {
    client: {
      name: '<script>alert(1)</script> ApS',
      address: 'Søndergade 7',
      zipCity: '8000 Aarhus C',
      cvr: '45629627',
      contact: 'Åse Ærø',
      contactEmail: 'aase@mindag.dk',
    },
    plan: { name: 'Standard' },
    acceptance: { date: '2026-11-22' },
  };
  const counts = async () =>
    (
      await owner.query(
        `SELECT (SELECT count(*) FROM documents)::int AS d, (SELECT count(*) FROM document_versions)::int AS v`,
      )
    ).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
  });
  afterAll(async () => {
    await api?.close();
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  it('seeds a published Danish DPA and terms for the demo tenant', async () => {
    const res = await api.gql(
      '{ documents { kind versions { status version contentHash subprocessors { name } } } }',
      { key: sk },
    );
    const docs = res.body.data?.documents;
    expect(docs.map((d: { kind: string }) => d.kind)).toEqual(['dpa', 'terms']);
    for (const d of docs) {
      expect(d.versions[0]).toMatchObject({
        status: 'published',
        version: 1,
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }
    expect(docs[0].versions[0].subprocessors.length).toBeGreaterThan(0);
  });

  it('imports the Intras corpus file, reporting its legacy placeholders and the duplicated annex', async () => {
    const content = readFileSync(join(CORPUS, 'intras-signup-terms-and-dpa.txt'), 'utf8');
    const res = await api.gql(IMPORT, {
      key: sk,
      variables: { input: { kind: 'dpa', format: 'text', content, sourceName: 'intras.txt' } },
    });
    expect(res.body.errors).toBeUndefined();
    const version = res.body.data?.importDocument.version;
    expect(version.status).toBe('draft');
    const paths = version.placeholders.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'client.name',
        'client.address',
        'client.zipCity',
        'client.cvr',
        'client.contact',
        'client.contactEmail',
      ]),
    );
    expect(
      version.placeholders.find((p: { raw: string }) => p.raw === '#CLIENT_NAME#'),
    ).toMatchObject({ known: true, line: expect.any(Number) });
    expect(version.warnings.some((w: { code: string }) => w.code === 'DUPLICATE_ANNEX')).toBe(true);
  });

  it('refuses to publish a draft with an unknown placeholder, naming it', async () => {
    const res = await api.gql(IMPORT, {
      key: sk,
      variables: {
        input: {
          kind: 'terms',
          format: 'markdown',
          content:
            '# Vilkår\n\nKunde: {{client.name}}, domæne {{custom.subdomain}} og {{constructor.constructor}}.',
        },
      },
    });
    const draft = res.body.data?.importDocument;
    expect(draft.unknownPlaceholders.map((p: { raw: string }) => p.raw)).toEqual([
      '{{custom.subdomain}}',
      '{{constructor.constructor}}',
    ]);
    const before = await counts();
    const publish = await api.gql(
      'mutation($id: ID!) { publishDocumentVersion(versionId: $id) { status } }',
      { key: sk, variables: { id: draft.version.id } },
    );
    expect(publish.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(publish.body.errors?.[0]?.message).toMatch(/custom\.subdomain|constructor/);
    expect(await counts()).toEqual(before);
    const still = await api.gql('query($id: ID!) { documentVersion(id: $id) { status version } }', {
      key: sk,
      variables: { id: draft.version.id },
    });
    expect(still.body.data?.documentVersion).toEqual({ status: 'draft', version: null });
  });

  it('declares a custom field, publishes, renders strictly and escapes customer input', async () => {
    const res = await api.gql(IMPORT, {
      key: sk,
      variables: {
        input: {
          kind: 'terms',
          format: 'markdown',
          content:
            '# Vilkår\n\nKunden {{client.name}} bruger {{custom.subdomain}}.intra.dk fra {{acceptance.date}}.',
          customFields: [
            {
              key: 'subdomain',
              label: 'Subdomæne',
              kind: 'regex',
              pattern: '^[a-z0-9-]{3,30}$',
              maxLength: 30,
            },
          ],
        },
      },
    });
    expect(res.body.errors).toBeUndefined();
    const id = res.body.data?.importDocument.version.id;
    const published = await api.gql(
      'mutation($id: ID!) { publishDocumentVersion(versionId: $id) { status version contentHash } }',
      { key: sk, variables: { id } },
    );
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data?.publishDocumentVersion).toMatchObject({
      status: 'published',
      version: 2,
    });

    const preview = await api.gql(
      'query($id: ID!, $values: JSONObject) { previewDocument(versionId: $id, values: $values) { html text } }',
      {
        key: sk,
        variables: { id, values: { ...customer, custom: { subdomain: 'mindag' } } },
      },
    );
    const { html, text } = preview.body.data?.previewDocument;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; ApS');
    expect(text).toContain('<script>alert(1)</script> ApS bruger mindag.intra.dk fra 2026-11-22');

    const missing = await api.gql(
      'query($id: ID!, $values: JSONObject) { previewDocument(versionId: $id, values: $values) { html } }',
      {
        key: sk,
        variables: {
          id,
          values: { client: { name: 'X ApS' }, acceptance: { date: '2026-11-22' } },
        },
      },
    );
    expect(missing.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(missing.body.errors?.[0]?.extensions.problems)).toContain(
      'custom.subdomain',
    );

    const huge = await api.gql(
      'query($id: ID!, $values: JSONObject) { previewDocument(versionId: $id, values: $values) { html } }',
      {
        key: sk,
        variables: {
          id,
          values: {
            ...customer,
            client: { ...customer.client, name: 'x'.repeat(100 * 1024 + 1) },
            custom: { subdomain: 'mindag' },
          },
        },
      },
    );
    expect(huge.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');

    const badRule = await api.gql(
      'query($id: ID!, $values: JSONObject) { previewDocument(versionId: $id, values: $values) { html } }',
      {
        key: sk,
        variables: { id, values: { ...customer, custom: { subdomain: 'NOT OK!' } } },
      },
    );
    expect(badRule.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('keeps a published version immutable and retires it', async () => {
    const docs = await api.gql('{ documents { kind versions { id status } } }', { key: sk });
    const published = docs.body.data?.documents
      .find((d: { kind: string }) => d.kind === 'dpa')
      .versions.find((v: { status: string }) => v.status === 'published');
    await expect(
      owner.query(`UPDATE document_versions SET model = '{}' WHERE id = $1`, [published.id]),
    ).rejects.toThrow(/immutable/);
    const again = await api.gql(
      'mutation($id: ID!) { publishDocumentVersion(versionId: $id) { status } }',
      { key: sk, variables: { id: published.id } },
    );
    expect(again.body.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const retired = await api.gql(
      'mutation($id: ID!) { retireDocumentVersion(versionId: $id) { status } }',
      { key: sk, variables: { id: published.id } },
    );
    expect(retired.body.data?.retireDocumentVersion.status).toBe('retired');
  });

  it.each([
    ['an empty file', { format: 'text', content: '' }],
    [
      'a .docx that is not a zip',
      { format: 'docx', contentBase64: Buffer.from('this is not a zip file').toString('base64') },
    ],
    [
      'binary junk as text',
      {
        format: 'text',
        contentBase64: Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 7]).toString('base64'),
      },
    ],
    [
      'an 11 MB file',
      { format: 'docx', contentBase64: Buffer.alloc(11 * 1024 * 1024, 1).toString('base64') },
    ],
  ])('refuses %s with a clear error on file, storing nothing', async (_label, input) => {
    const before = await counts();
    const res = await api.gql(IMPORT, { key: sk, variables: { input: { kind: 'dpa', ...input } } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'file',
    });
    expect(await counts()).toEqual(before);
  });
});
