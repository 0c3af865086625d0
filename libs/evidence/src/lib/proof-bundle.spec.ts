import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { isAftaleError } from '@aftale/domain';
import { canonicalBytes, canonicalize } from './canonical-json';
import { sha256Hex, toHex } from './hash';
import { inclusionProof, leafHash, rootFromLeafHashes } from './merkle';
import {
  buildProofBundle,
  documentRecord,
  evidenceLeafHash,
  verifyProofBundle,
  type ProofBundleInput,
} from './proof-bundle';
import { generateSigningKey, signTreeHead } from './tree-head';
import { opensslCertificate, signedTestPdf } from './pdf-signature.test-support';

const enc = new TextEncoder();
const dec = new TextDecoder();
const have = (cmd: string, ...args: string[]) => spawnSync(cmd, args).status === 0;
const hasShellTools =
  have('sha256sum', '--version') && have('openssl', 'version') && have('bash', '--version');
const hasXxd = spawnSync('bash', ['-c', 'command -v xxd']).status === 0;

const key = generateSigningKey();
const dpa = enc.encode('<h1>Databehandleraftale</h1><p>Min Dag Min Energi ApS, CVR 45629627</p>');
const terms = enc.encode('Handelsbetingelser\n\n1. Aftalen …\n');
const pdfCertificate = opensslCertificate('/CN=Aftale Platform/O=Aftale');
const pdf = signedTestPdf(pdfCertificate.key, 'the accepted DPA, not really a PDF');

const evidence = {
  acceptanceId: '0b7c5d7e-90a4-4f0e-b3b2-5c7d2d1f6a10',
  tenantId: 'tenant-1',
  acceptedAt: '2026-01-01T10:00:00.000Z',
  company: { name: 'Min Dag Min Energi ApS', cvr: '45629627' },
  signer: { name: 'Søren Ærø', email: 'soren@example.dk' },
  consentText: 'Jeg accepterer handelsbetingelser og databehandleraftale',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  documents: [
    { kind: 'dpa', versionId: 'v-1', version: 3, ...documentRecord('dpa.html', dpa) },
    { kind: 'terms', versionId: 'v-2', version: 1, ...documentRecord('terms.txt', terms) },
  ],
};

/** A log of 13 entries whose entry 9 is our evidence, and a signed head over it. */
function fixture(overrides: Partial<ProofBundleInput> = {}): ProofBundleInput {
  const leaves = Array.from({ length: 13 }, (_, i) => leafHash(`other acceptance ${i}`));
  leaves[9] = evidenceLeafHash(overrides.evidence ?? evidence);
  const head = signTreeHead(
    {
      logId: 'tenant-1',
      treeSize: 13,
      rootHash: toHex(rootFromLeafHashes(leaves)),
      timestamp: Date.UTC(2026, 0, 1, 10, 0, 5),
    },
    key.privateKeyPem,
    key.keyId,
  );
  return {
    evidence,
    pdf,
    pdfCertificatePem: pdfCertificate.certificatePem,
    documents: [
      { name: 'terms.txt', bytes: terms },
      { name: 'dpa.html', bytes: dpa },
    ],
    leafIndex: 9,
    inclusionProof: inclusionProof(9, 13, leaves),
    treeHead: head,
    publicKeyPem: key.publicKeyPem,
    ...overrides,
  };
}

const bundle = buildProofBundle(fixture());
const entries = unzipSync(bundle);

function repack(change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = Object.fromEntries(Object.entries(unzipSync(bundle)).map(([n, b]) => [n, b]));
  change(files);
  return zipSync(files);
}

/** Recomputes SHA256SUMS after a change, as a careful forger would. */
function resum(files: Record<string, Uint8Array>): void {
  files.SHA256SUMS = enc.encode(
    Object.keys(files)
      .filter((n) => n !== 'SHA256SUMS')
      .sort()
      .map((n) => `${sha256Hex(files[n]!)}  ${n}\n`)
      .join(''),
  );
}

const failed = (zip: Uint8Array, options = {}) =>
  verifyProofBundle(zip, options)
    .checks.filter((c) => !c.ok)
    .map((c) => c.name);

function unpackTo(zip: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'aftale-bundle-'));
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

describe('buildProofBundle', () => {
  it('holds the documented files', () => {
    expect(Object.keys(entries).sort()).toEqual([
      'README.txt',
      'SHA256SUMS',
      'acceptance.pdf',
      'documents/dpa.html',
      'documents/terms.txt',
      'evidence.json',
      'pdf-signing-certificate.pem',
      'proof.json',
      'public-key.pem',
      'tree-head.json',
      'tree-head.sig',
      'tree-head.signed-bytes',
    ]);
    expect(dec.decode(entries['evidence.json'])).toBe(canonicalize(evidence));
    expect(entries['acceptance.pdf']).toEqual(pdf);
    expect(dec.decode(entries['pdf-signing-certificate.pem'])).toBe(pdfCertificate.certificatePem);
    expect(entries['documents/dpa.html']).toEqual(dpa);
    expect(entries['tree-head.sig']).toHaveLength(64);
  });

  it('writes proof.json with the leaf construction, leaf hash and audit path', () => {
    const proof = JSON.parse(dec.decode(entries['proof.json'])) as Record<string, unknown>;
    const input = fixture();
    expect(proof).toEqual({
      format: 'aftale-proof-bundle/1',
      hashAlgorithm: 'SHA-256',
      leaf: { file: 'evidence.json', construction: expect.stringContaining('SHA-256(0x00 ||') },
      verification: expect.stringContaining('RFC 9162 section 2.1.3.2'),
      leafIndex: 9,
      leafHash: toHex(leafHash(canonicalBytes(evidence))),
      treeSize: 13,
      auditPath: (input.inclusionProof as Uint8Array[]).map(toHex),
    });
    const head = JSON.parse(dec.decode(entries['tree-head.json'])) as unknown;
    expect(head).toEqual(input.treeHead);
  });

  it('lists every other file in SHA256SUMS, in sha256sum format', () => {
    const lines = dec.decode(entries.SHA256SUMS).trimEnd().split('\n');
    expect(lines).toHaveLength(Object.keys(entries).length - 1);
    for (const line of lines) {
      const [hash, name] = line.split('  ');
      expect(sha256Hex(entries[name!]!)).toBe(hash);
    }
  });

  it('is reproducible: the same inputs give the same bytes', () => {
    expect(buildProofBundle(fixture())).toEqual(bundle);
  });

  it.each<[string, Partial<ProofBundleInput>, string]>([
    ['an audit path for another leaf', { leafIndex: 8 }, 'inclusionProof'],
    ['a proof element that is not a hash', { inclusionProof: ['abc'] }, 'inclusionProof.0'],
    ['a negative leaf index', { leafIndex: -1 }, 'leafIndex'],
    [
      'a tree head signed by another key',
      { publicKeyPem: generateSigningKey().publicKeyPem },
      'treeHead',
    ],
    [
      'a tree head with a changed size',
      { treeHead: { ...fixture().treeHead, treeSize: 14 } },
      'treeHead',
    ],
    [
      'evidence that is not in the log',
      { evidence: { ...evidence, ip: '198.51.100.1' } },
      'inclusionProof',
    ],
    ['evidence that is not JSON', { evidence: { ...evidence, at: new Date() } }, '$.at'],
    [
      'a document the evidence does not record',
      {
        documents: [
          { name: 'dpa.html', bytes: dpa },
          { name: 'terms.txt', bytes: terms },
          { name: 'x.txt', bytes: dpa },
        ],
      },
      'documents',
    ],
    [
      'a document with other bytes',
      {
        documents: [
          { name: 'dpa.html', bytes: terms },
          { name: 'terms.txt', bytes: terms },
        ],
      },
      'documents',
    ],
    [
      'a recorded document left out',
      { documents: [{ name: 'dpa.html', bytes: dpa }] },
      'documents',
    ],
    [
      'a document name with a path',
      { documents: [{ name: '../dpa.html', bytes: dpa }] },
      'documents.0.name',
    ],
    [
      'a document name used twice',
      {
        documents: [
          { name: 'dpa.html', bytes: dpa },
          { name: 'dpa.html', bytes: dpa },
        ],
      },
      'documents.1.name',
    ],
    ['a PDF that is not one', { pdf: enc.encode('<html>') }, 'pdf'],
    ['an unsigned PDF', { pdf: enc.encode('%PDF-1.7\n%%EOF\n') }, 'pdf'],
    ['a PDF without its certificate', { pdfCertificatePem: undefined }, 'pdfCertificatePem'],
    [
      'a PDF signed with another certificate',
      { pdfCertificatePem: opensslCertificate('/CN=Someone Else').certificatePem },
      'pdf',
    ],
  ])('refuses %s with a field error', (_, override, field) => {
    let error: unknown;
    try {
      buildProofBundle({ ...fixture(), ...override });
    } catch (e) {
      error = e;
    }
    expect(isAftaleError(error)).toBe(true);
    if (isAftaleError(error)) {
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.problems[0]?.field).toBe(field);
    }
  });

  it('builds a bundle without PDF or documents when the evidence records none', () => {
    const bare = { acceptanceId: 'a-1', documents: [] };
    const zip = buildProofBundle({ ...fixture({ evidence: bare }), pdf: undefined, documents: [] });
    expect(Object.keys(unzipSync(zip))).not.toContain('acceptance.pdf');
    expect(Object.keys(unzipSync(zip))).not.toContain('pdf-signing-certificate.pem');
    expect(verifyProofBundle(zip).valid).toBe(true);
    // Documents kept by reference only (no "file") are not expected in the bundle.
    const byRef = { acceptanceId: 'a-2', documents: [{ kind: 'dpa', contentHash: 'x' }] };
    const zip2 = buildProofBundle({
      ...fixture({ evidence: byRef }),
      pdf: undefined,
      documents: [],
    });
    expect(verifyProofBundle(zip2).valid).toBe(true);
  });
});

describe('verifyProofBundle', () => {
  const CHECKS = [
    'zip',
    'sha256sums',
    'evidence-canonical',
    'proof-format',
    'leaf-hash',
    'tree-head-format',
    'tree-head-signed-bytes',
    'tree-head-sig',
    'tree-head-signature',
    'inclusion',
    'documents',
    'pdf-signature',
  ];

  it('passes a good bundle on every named check', () => {
    const result = verifyProofBundle(bundle);
    expect(result.checks.map((c) => c.name)).toEqual(CHECKS);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.evidence).toEqual(evidence);
    expect(result.treeHead?.treeSize).toBe(13);
  });

  it('checks the bundled key against a trusted one when given', () => {
    const trusted = verifyProofBundle(bundle, { trustedPublicKeyPem: key.publicKeyPem });
    expect(trusted.valid).toBe(true);
    expect(trusted.checks.map((c) => c.name)).toContain('trusted-key');
    expect(failed(bundle, { trustedPublicKeyPem: generateSigningKey().publicKeyPem })).toEqual([
      'trusted-key',
    ]);
  });

  describe('fails, naming the check, when any byte of any file is flipped', () => {
    const names = Object.keys(entries);
    const cases = names.flatMap((name) => {
      const size = entries[name]!.length;
      const positions = [
        ...new Set([0, 1, Math.floor(size / 3), Math.floor(size / 2), size - 2, size - 1]),
      ];
      return positions
        .filter((p) => p >= 0 && p < size)
        .flatMap((p) => [[name, p, 0x01] as const, [name, p, 0xff] as const]);
    });
    it.each(cases)('%s at byte %i (xor %i)', (name, position, mask) => {
      const zip = repack((files) => {
        files[name]![position]! ^= mask;
      });
      const result = verifyProofBundle(zip);
      expect(result.valid).toBe(false);
      const bad = result.checks.filter((c) => !c.ok);
      expect(bad.length).toBeGreaterThan(0);
      for (const c of bad) expect(CHECKS).toContain(c.name);
      // SHA256SUMS catches every change; the file's own check catches the meaningful ones.
      expect(bad.map((c) => c.name)).toContain('sha256sums');
    });
  });

  describe('fails on the meaningful check even when SHA256SUMS is recomputed', () => {
    const edit =
      (name: string, change: (text: string) => string) => (files: Record<string, Uint8Array>) => {
        files[name] = enc.encode(change(dec.decode(files[name])));
      };
    it.each<[string, (files: Record<string, Uint8Array>) => void, string[]]>([
      [
        'evidence.json with another IP (still canonical)',
        edit('evidence.json', (t) => t.replace('203.0.113.7', '203.0.113.8')),
        ['leaf-hash', 'inclusion'],
      ],
      [
        'evidence.json re-serialised with whitespace',
        edit('evidence.json', (t) => JSON.stringify(JSON.parse(t), null, 1)),
        ['evidence-canonical', 'leaf-hash', 'inclusion'],
      ],
      [
        'evidence.json and proof.json leaf hash together',
        (files) => {
          edit('evidence.json', (t) => t.replace('Søren', 'Sören'))(files);
          edit('proof.json', (t) =>
            t.replace(
              /"leafHash": "[0-9a-f]+"/,
              `"leafHash": "${toHex(leafHash(files['evidence.json']!))}"`,
            ),
          )(files);
        },
        ['inclusion'],
      ],
      [
        'the audit path',
        edit('proof.json', (t) =>
          t.replace(
            /("auditPath": \[\s*")([0-9a-f])/,
            (_, a: string, c: string) => a + (c === '0' ? '1' : '0'),
          ),
        ),
        ['inclusion'],
      ],
      [
        'the leaf index',
        edit('proof.json', (t) => t.replace('"leafIndex": 9', '"leafIndex": 8')),
        ['inclusion'],
      ],
      [
        'the proof tree size',
        edit('proof.json', (t) => t.replace('"treeSize": 13', '"treeSize": 14')),
        ['inclusion'],
      ],
      [
        'proof.json replaced by junk',
        edit('proof.json', () => '{"format":"x"}'),
        ['proof-format', 'leaf-hash', 'inclusion'],
      ],
      [
        'the tree head size',
        edit('tree-head.json', (t) => t.replace('"treeSize": 13', '"treeSize": 14')),
        ['tree-head-signed-bytes', 'tree-head-signature', 'inclusion'],
      ],
      [
        'tree-head.json replaced by junk',
        edit('tree-head.json', () => 'null'),
        [
          'tree-head-format',
          'tree-head-signed-bytes',
          'tree-head-sig',
          'tree-head-signature',
          'inclusion',
        ],
      ],
      [
        'tree-head.signed-bytes',
        edit('tree-head.signed-bytes', (t) => t.replace('"treeSize":13', '"treeSize":14')),
        ['tree-head-signed-bytes'],
      ],
      [
        'tree-head.sig',
        (files) => {
          files['tree-head.sig']![5]! ^= 1;
        },
        ['tree-head-sig'],
      ],
      [
        'public-key.pem swapped for another key',
        (files) => {
          files['public-key.pem'] = enc.encode(generateSigningKey().publicKeyPem);
        },
        ['tree-head-signature'],
      ],
      [
        'a document',
        edit('documents/dpa.html', (t) => t.replace('45629627', '45629628')),
        ['documents'],
      ],
      [
        'a document removed',
        (files) => {
          delete files['documents/terms.txt'];
        },
        ['documents'],
      ],
      [
        'the PDF (covered by SHA256SUMS and its own signature)',
        edit('acceptance.pdf', (t) => t.replace('not really', 'NOT really')),
        ['pdf-signature'],
      ],
      [
        'the PDF with bytes appended after signing',
        (files) => {
          files['acceptance.pdf'] = Buffer.concat([files['acceptance.pdf']!, enc.encode('%x\n')]);
        },
        ['pdf-signature'],
      ],
      [
        'the PDF signing certificate swapped for another',
        (files) => {
          files['pdf-signing-certificate.pem'] = enc.encode(
            opensslCertificate('/CN=Aftale Platform/O=Aftale').certificatePem,
          );
        },
        ['pdf-signature'],
      ],
      [
        'the PDF signing certificate removed',
        (files) => {
          delete files['pdf-signing-certificate.pem'];
        },
        ['pdf-signature'],
      ],
    ])('%s', (_, change, expected) => {
      const zip = repack((files) => {
        change(files);
        resum(files);
      });
      expect(failed(zip)).toEqual(expected);
    });

    it('reports a bad PDF signature as "PDF signature invalid"', () => {
      const zip = repack((files) => {
        edit('acceptance.pdf', (t) => t.replace('not really', 'NOT really'))(files);
        resum(files);
      });
      const check = verifyProofBundle(zip).checks.find((c) => c.name === 'pdf-signature');
      expect(check).toEqual({
        name: 'pdf-signature',
        ok: false,
        message:
          'PDF signature invalid: the signed bytes of the PDF were changed (the digest differs)',
      });
    });

    it('a PDF re-signed with a forger certificate passes only its own certificate', () => {
      // As with the log key: the bundled certificate proves something only if it is the
      // one the platform published; compare it (README step 6).
      const forger = opensslCertificate('/CN=Aftale Platform/O=Aftale');
      const zip = repack((files) => {
        files['acceptance.pdf'] = signedTestPdf(forger.key, 'the accepted DPA, forged');
        files['pdf-signing-certificate.pem'] = enc.encode(forger.certificatePem);
        resum(files);
      });
      expect(failed(zip)).toEqual([]);
    });

    it('a forger key is caught only by comparing with the trusted key', () => {
      const forger = generateSigningKey();
      const zip = repack((files) => {
        const head = JSON.parse(dec.decode(files['tree-head.json'])) as never;
        const sth = signTreeHead(head, forger.privateKeyPem, forger.keyId);
        const { signature, ...unsigned } = sth;
        files['tree-head.json'] = enc.encode(JSON.stringify(sth));
        files['tree-head.sig'] = new Uint8Array(Buffer.from(signature, 'base64'));
        files['tree-head.signed-bytes'] = canonicalBytes(unsigned);
        files['public-key.pem'] = enc.encode(forger.publicKeyPem);
        resum(files);
      });
      expect(failed(zip)).toEqual([]);
      expect(failed(zip, { trustedPublicKeyPem: key.publicKeyPem })).toEqual(['trusted-key']);
    });
  });

  describe('refuses archives that are not bundles', () => {
    it.each<[string, Uint8Array]>([
      ['random bytes', Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256)],
      ['an empty file', new Uint8Array()],
      ['a truncated bundle', bundle.slice(0, bundle.length - 30)],
      ['a zip missing evidence.json', repack((f) => delete f['evidence.json'])],
      ['a zip with an unexpected file', repack((f) => (f['notes.txt'] = enc.encode('hi')))],
      ['a zip with a path outside', repack((f) => (f['documents/../../evil'] = enc.encode('x')))],
      ['a zip with a nested document', repack((f) => (f['documents/a/b.txt'] = enc.encode('x')))],
    ])('%s', (_, zip) => {
      const result = verifyProofBundle(zip);
      expect(result.valid).toBe(false);
      expect(result.checks).toEqual([{ name: 'zip', ok: false, message: expect.any(String) }]);
    });

    it('tolerates a folder entry added by another zip tool', () => {
      const zip = repack((f) => {
        const docs = {
          'dpa.html': f['documents/dpa.html']!,
          'terms.txt': f['documents/terms.txt']!,
        };
        delete f['documents/dpa.html'];
        delete f['documents/terms.txt'];
        (f as Record<string, unknown>).documents = docs;
      });
      expect(verifyProofBundle(zip).valid).toBe(true);
    });
  });
});

describe('checking a bundle by hand (README.txt)', () => {
  let dir: string;
  beforeAll(() => {
    // The README's promise is that standard tools verify a bundle: they must be here, not skipped.
    if (!hasShellTools || !hasXxd)
      throw new Error(
        'sha256sum, openssl, xxd and bash are needed: run tools/scripts/ensure-chromium.sh',
      );
    dir = unpackTo(bundle);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sh = (script: string) => spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  const readme = dec.decode(entries['README.txt']);

  it('sha256sum -c SHA256SUMS passes', () => {
    expect(readme).toContain('sha256sum -c SHA256SUMS');
    const run = sh('sha256sum -c SHA256SUMS');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(Object.keys(entries).length - 1);
  });

  it('the openssl command of the README verifies the tree head signature', () => {
    const command = readme.match(/openssl pkeyutl[^\n]*\\\n[^\n]*/)![0];
    const run = sh(command);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Signature Verified Successfully');
  });

  it('the key id and the leaf hash come out of standard tools as the README says', () => {
    const keyId = sh(
      'openssl pkey -pubin -in public-key.pem -outform DER | sha256sum | cut -c1-16',
    );
    expect(keyId.stdout.trim()).toBe(key.keyId);
    expect(readme).toContain(`must print ${key.keyId}`);
    const leaf = sh("(printf '\\000'; cat evidence.json) | sha256sum | cut -d' ' -f1");
    expect(leaf.stdout.trim()).toBe(toHex(evidenceLeafHash(evidence)));
    expect(readme).toContain("(printf '\\000'; cat evidence.json) | sha256sum");
  });

  it('the inclusion walk of the README reaches the signed root', () => {
    const walk = readme
      .split('\n')
      .filter((l) => /^ {3}(h=|echo "\$h")/.test(l))
      .join('\n');
    expect(walk.split('\n').length).toBeGreaterThan(2);
    const run = sh(walk);
    expect(run.stdout.trim()).toBe(fixture().treeHead.rootHash);
  });

  it('pdfsig and the openssl cms steps of the README check the PDF signature', () => {
    expect(readme).toContain('pdfsig acceptance.pdf');
    expect(readme).toContain('signed by\n   "Aftale Platform".');
    const steps = readme
      .split('\n')
      .filter((l) => /^ {3}(head|tail|openssl cms|  -certfile)/.test(l))
      .join('\n');
    expect(steps.split('\n')).toHaveLength(5);
    const run = sh(steps);
    expect(run.stderr).toContain('CMS Verification successful');
    expect(run.status).toBe(0);
  });

  it('the openssl cms steps notice a changed PDF', () => {
    const tampered = unpackTo(
      repack(
        (f) =>
          (f['acceptance.pdf'] = enc.encode(
            dec.decode(f['acceptance.pdf']).replace('not really', 'NOT really'),
          )),
      ),
    );
    try {
      const steps = readme
        .split('\n')
        .filter((l) => /^ {3}(head|tail|openssl cms|  -certfile)/.test(l))
        .join('\n');
      const run = spawnSync('bash', ['-c', steps], { cwd: tampered, encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('Verification failure');
    } finally {
      rmSync(tampered, { recursive: true, force: true });
    }
  });

  it('sha256sum -c notices a changed file', () => {
    const tampered = unpackTo(repack((f) => (f['evidence.json']![3]! ^= 1)));
    try {
      const run = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: tampered, encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toContain('evidence.json: FAILED');
    } finally {
      rmSync(tampered, { recursive: true, force: true });
    }
  });
});
