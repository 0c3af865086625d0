/**
 * The proof bundle: one ZIP per acceptance that a third party verifies offline, either with
 * `aftale proof verify` (verifyProofBundle) or by hand with sha256sum, openssl and pdfsig
 * (README.txt). Format: docs/proof-bundle.md.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { AftaleError } from '@aftale/domain';
import { bundleReadme, type ReadmeFacts } from './bundle-readme';
import { canonicalBytes } from './canonical-json';
import { bytesEqual, isSha256Hex, sha256Hex, toHex } from './hash';
import { leafHash, verifyInclusion, type HashLike } from './merkle';
import { verifyPdfSignature } from './pdf-signature';
import {
  decodeSignature,
  samePublicKey,
  treeHeadProblem,
  treeHeadSignatureProblem,
  treeHeadSigningBytes,
  type SignedTreeHead,
} from './tree-head';

export const PROOF_BUNDLE_FORMAT = 'aftale-proof-bundle/1';

export const BUNDLE_FILES = {
  evidence: 'evidence.json',
  proof: 'proof.json',
  treeHead: 'tree-head.json',
  signedBytes: 'tree-head.signed-bytes',
  signature: 'tree-head.sig',
  publicKey: 'public-key.pem',
  pdf: 'acceptance.pdf',
  pdfCertificate: 'pdf-signing-certificate.pem',
  sums: 'SHA256SUMS',
  readme: 'README.txt',
} as const;
export const DOCUMENTS_DIR = 'documents/';

/** Files a bundle must hold for its proof to be checkable at all. */
const REQUIRED = [
  BUNDLE_FILES.evidence,
  BUNDLE_FILES.proof,
  BUNDLE_FILES.treeHead,
  BUNDLE_FILES.signedBytes,
  BUNDLE_FILES.signature,
  BUNDLE_FILES.publicKey,
  BUNDLE_FILES.sums,
];
const KNOWN = new Set<string>([...Object.values(BUNDLE_FILES)]);

/** Safe in a ZIP, in SHA256SUMS and on any file system: no paths, spaces or escapes. */
const DOCUMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Limits for reading untrusted archives (declared and actual sizes). */
const MAX_FILE_BYTES = 100 * 1024 * 1024;
const MAX_TOTAL_BYTES = 250 * 1024 * 1024;
const MAX_FILES = 1000;

/**
 * How evidence records a document shipped in the bundle: an entry of `evidence.documents`
 * with the bundle file name (under documents/) and the SHA-256 of its bytes.
 */
export interface EvidenceDocumentRecord {
  file: string;
  sha256: string;
}

/** The record to put in `evidence.documents` for a document that will be bundled. */
export function documentRecord(name: string, bytes: Uint8Array): EvidenceDocumentRecord {
  return { file: name, sha256: sha256Hex(bytes) };
}

/** The log leaf hash of an evidence record: SHA-256(0x00 || canonical JSON bytes). */
export function evidenceLeafHash(evidence: unknown): Uint8Array {
  return leafHash(canonicalBytes(evidence));
}

export interface ProofBundleInput {
  /** The evidence record exactly as sealed in the log (its canonical JSON is the leaf). */
  evidence: Record<string, unknown>;
  /** The signed PDF, when there is one. */
  pdf?: Uint8Array;
  /** The certificate (PEM, chain allowed) that signed `pdf`; required with it. */
  pdfCertificatePem?: string;
  documents: readonly { name: string; bytes: Uint8Array }[];
  leafIndex: number;
  /** Audit path for leafIndex in the tree of treeHead.treeSize leaves. */
  inclusionProof: readonly HashLike[];
  treeHead: SignedTreeHead;
  publicKeyPem: string;
}

/** proof.json. */
export interface ProofJson {
  format: typeof PROOF_BUNDLE_FORMAT;
  hashAlgorithm: 'SHA-256';
  /** How the leaf is formed: from the bytes of evidence.json. */
  leaf: { file: typeof BUNDLE_FILES.evidence; construction: string };
  /** How the audit path is checked. */
  verification: string;
  leafIndex: number;
  leafHash: string;
  treeSize: number;
  auditPath: string[];
}

const LEAF_CONSTRUCTION = 'leafHash = SHA-256(0x00 || bytes of evidence.json)';
const VERIFICATION =
  'RFC 9162 section 2.1.3.2; auditPath is leaf to root; nodes are SHA-256(0x01 || left || right)';

export interface BundleCheck {
  name: string;
  ok: boolean;
  message: string;
}

export interface BundleVerification {
  valid: boolean;
  checks: BundleCheck[];
  /** The parsed evidence and tree head, when readable (for display; trust only if valid). */
  evidence?: unknown;
  treeHead?: SignedTreeHead;
}

export interface VerifyBundleOptions {
  /** The log key the verifier trusts; the bundled key must be this one. */
  trustedPublicKeyPem?: string;
}

const encoder = new TextEncoder();

/** Builds the bundle, refusing inputs that would not verify (never ship a broken proof). */
export function buildProofBundle(input: ProofBundleInput): Uint8Array {
  const { evidence, treeHead, publicKeyPem } = input;
  if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) {
    throw AftaleError.field('evidence', 'must be an object');
  }
  const evidenceBytes = canonicalBytes(evidence);
  const leaf = leafHash(evidenceBytes);

  const signatureProblem = treeHeadSignatureProblem(treeHead, publicKeyPem);
  if (signatureProblem) throw AftaleError.field('treeHead', signatureProblem);
  const signature = decodeSignature(treeHead.signature)!;

  const auditPath = input.inclusionProof.map((p, i) => {
    const hex = typeof p === 'string' ? p : p instanceof Uint8Array ? toHex(p) : '';
    if (!isSha256Hex(hex)) {
      throw AftaleError.field(`inclusionProof.${i}`, 'must be a 32-byte hash (bytes or hex)');
    }
    return hex;
  });
  if (!Number.isSafeInteger(input.leafIndex) || input.leafIndex < 0) {
    throw AftaleError.field('leafIndex', 'must be a non-negative integer');
  }
  if (!verifyInclusion(leaf, input.leafIndex, treeHead.treeSize, auditPath, treeHead.rootHash)) {
    throw AftaleError.field(
      'inclusionProof',
      `does not prove leaf ${input.leafIndex} (the evidence) in the signed tree of ${treeHead.treeSize}`,
    );
  }

  const names = new Set<string>();
  input.documents.forEach((doc, i) => {
    if (typeof doc.name !== 'string' || !DOCUMENT_NAME.test(doc.name)) {
      throw AftaleError.field(
        `documents.${i}.name`,
        'must be 1-128 letters, digits, dots, dashes or underscores',
        'dpa-v3.html',
      );
    }
    if (names.has(doc.name)) throw AftaleError.field(`documents.${i}.name`, 'is used twice');
    if (!(doc.bytes instanceof Uint8Array)) {
      throw AftaleError.field(`documents.${i}.bytes`, 'must be bytes');
    }
    names.add(doc.name);
  });
  const docProblem = documentsProblem(
    evidence,
    new Map(input.documents.map((d) => [d.name, d.bytes])),
  );
  if (docProblem) throw AftaleError.field('documents', docProblem);
  let pdfSignature: ReadmeFacts['pdf'];
  if (input.pdf !== undefined) {
    if (!startsWith(input.pdf, '%PDF-')) {
      throw AftaleError.field('pdf', 'is not a PDF (no %PDF- header)');
    }
    if (typeof input.pdfCertificatePem !== 'string') {
      throw AftaleError.field('pdfCertificatePem', 'is needed with the PDF (its signer)');
    }
    const signature = verifyPdfSignature(input.pdf, input.pdfCertificatePem);
    if (!signature.ok) {
      throw AftaleError.field('pdf', `is not signed by pdfCertificatePem: ${signature.problem}`);
    }
    pdfSignature = { signer: signature.signer, byteRange: signature.byteRange };
  }

  const proof: ProofJson = {
    format: PROOF_BUNDLE_FORMAT,
    hashAlgorithm: 'SHA-256',
    leaf: { file: BUNDLE_FILES.evidence, construction: LEAF_CONSTRUCTION },
    verification: VERIFICATION,
    leafIndex: input.leafIndex,
    leafHash: toHex(leaf),
    treeSize: treeHead.treeSize,
    auditPath,
  };
  const signedHead: SignedTreeHead = {
    logId: treeHead.logId,
    treeSize: treeHead.treeSize,
    rootHash: treeHead.rootHash,
    timestamp: treeHead.timestamp,
    keyId: treeHead.keyId,
    signature: treeHead.signature,
  };
  const docNames = [...names].sort();

  // Insertion order is archive order: the README first, for people browsing the ZIP.
  const files = new Map<string, Uint8Array>();
  files.set(
    BUNDLE_FILES.readme,
    encoder.encode(
      bundleReadme({
        format: PROOF_BUNDLE_FORMAT,
        treeHead: signedHead,
        leafIndex: input.leafIndex,
        leafHash: proof.leafHash,
        auditPath,
        pdf: pdfSignature,
        documents: docNames,
      }),
    ),
  );
  files.set(BUNDLE_FILES.evidence, evidenceBytes);
  files.set(BUNDLE_FILES.proof, prettyJson(proof));
  files.set(BUNDLE_FILES.treeHead, prettyJson(signedHead));
  files.set(BUNDLE_FILES.signedBytes, treeHeadSigningBytes(signedHead));
  files.set(BUNDLE_FILES.signature, signature);
  files.set(BUNDLE_FILES.publicKey, encoder.encode(normalisePem(publicKeyPem)));
  if (input.pdf !== undefined) {
    files.set(BUNDLE_FILES.pdf, input.pdf);
    files.set(BUNDLE_FILES.pdfCertificate, encoder.encode(normalisePem(input.pdfCertificatePem!)));
  }
  const byName = new Map(input.documents.map((d) => [d.name, d.bytes]));
  for (const name of docNames) files.set(DOCUMENTS_DIR + name, byName.get(name)!);
  files.set(BUNDLE_FILES.sums, encoder.encode(sha256Sums(files)));

  const zippable: Zippable = {};
  for (const [name, bytes] of files) zippable[name] = bytes;
  // A fixed time (the tree head's, clamped to what DOS dates hold) keeps bundles
  // reproducible: the same inputs give the same bytes.
  const mtime = new Date(Math.max(treeHead.timestamp, Date.UTC(1980, 0, 2)));
  return zipSync(zippable, { level: 6, mtime });
}

/** `sha256sum` output for the files, sorted by name (text mode, two spaces). */
function sha256Sums(files: ReadonlyMap<string, Uint8Array>): string {
  return [...files.keys()]
    .sort()
    .map((name) => `${sha256Hex(files.get(name)!)}  ${name}\n`)
    .join('');
}

function prettyJson(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

function normalisePem(pem: string): string {
  return `${pem.trim().replace(/\r\n/g, '\n')}\n`;
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  return text.split('').every((c, i) => bytes[i] === c.charCodeAt(0));
}

/**
 * Do the bundled documents match the evidence's records? Each bundled file needs a record
 * `{ file, sha256 }` in `evidence.documents` with its hash, and each record naming a file
 * needs that file. Undefined when they match.
 */
function documentsProblem(
  evidence: unknown,
  bundled: ReadonlyMap<string, Uint8Array>,
): string | undefined {
  const raw = (evidence as { documents?: unknown }).documents;
  if (raw !== undefined && !Array.isArray(raw)) return 'evidence.documents is not a list';
  const recorded = new Map<string, string>();
  for (const [i, entry] of (raw ?? []).entries()) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { file, sha256 } = entry as Partial<EvidenceDocumentRecord>;
    if (file === undefined) continue; // a document kept by reference only, not bundled
    if (typeof file !== 'string' || !isSha256Hex(sha256)) {
      return `evidence.documents[${i}] needs a "file" name and a "sha256" of 64 hex digits`;
    }
    if (recorded.has(file)) return `evidence.documents names ${file} twice`;
    recorded.set(file, sha256);
  }
  const problems: string[] = [];
  for (const [name, bytes] of bundled) {
    const expected = recorded.get(name);
    if (expected === undefined) problems.push(`documents/${name} is not recorded in the evidence`);
    else if (sha256Hex(bytes) !== expected) {
      problems.push(
        `documents/${name} has SHA-256 ${sha256Hex(bytes)}, evidence records ${expected}`,
      );
    }
  }
  for (const name of recorded.keys()) {
    if (!bundled.has(name)) problems.push(`documents/${name} is recorded but missing`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

// ---------------------------------------------------------------------------------------
// Verification

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readJson(bytes: Uint8Array | undefined): { value?: unknown; error?: string } {
  if (!bytes) return { error: 'missing' };
  try {
    return { value: JSON.parse(utf8.decode(bytes)) as unknown };
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'unreadable' };
  }
}

function unpack(zipBytes: Uint8Array): { files?: Map<string, Uint8Array>; error?: string } {
  const seen = new Set<string>();
  let declared = 0;
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(zipBytes, {
      filter(file) {
        if (seen.has(file.name)) throw new Error(`${file.name} appears twice`);
        seen.add(file.name);
        if (seen.size > MAX_FILES) throw new Error('too many files');
        declared += file.originalSize;
        if (file.originalSize > MAX_FILE_BYTES || declared > MAX_TOTAL_BYTES) {
          throw new Error('the archive is too large to be a proof bundle');
        }
        return true;
      },
    });
  } catch (e) {
    return { error: `not a readable ZIP archive: ${e instanceof Error ? e.message : String(e)}` };
  }
  const files = new Map<string, Uint8Array>();
  let total = 0;
  for (const [name, bytes] of Object.entries(raw)) {
    total += bytes.length;
    if (bytes.length > MAX_FILE_BYTES || total > MAX_TOTAL_BYTES) {
      return { error: 'the archive is too large to be a proof bundle' };
    }
    // Folder entries (as other zip tools add them) carry nothing.
    if (name === DOCUMENTS_DIR && bytes.length === 0) continue;
    const docName = name.startsWith(DOCUMENTS_DIR) ? name.slice(DOCUMENTS_DIR.length) : undefined;
    if (!KNOWN.has(name) && !(docName !== undefined && DOCUMENT_NAME.test(docName))) {
      return { error: `unexpected file in the bundle: ${JSON.stringify(name)}` };
    }
    files.set(name, bytes);
  }
  const missing = REQUIRED.filter((name) => !files.has(name));
  if (missing.length > 0) return { error: `missing ${missing.join(', ')}` };
  return { files };
}

const SUMS_LINE = /^([0-9a-f]{64}) {2}(\S(?:.*\S)?)$/;

function checkSums(files: ReadonlyMap<string, Uint8Array>): string[] {
  const problems: string[] = [];
  let text: string;
  try {
    text = utf8.decode(files.get(BUNDLE_FILES.sums)!);
  } catch {
    return ['SHA256SUMS is not UTF-8 text'];
  }
  if (!text.endsWith('\n')) problems.push('SHA256SUMS does not end with a newline');
  const listed = new Set<string>();
  text
    .replace(/\n$/, '')
    .split('\n')
    .forEach((line, i) => {
      const match = SUMS_LINE.exec(line);
      if (!match) {
        problems.push(`SHA256SUMS line ${i + 1} is not "<sha256>  <file>"`);
        return;
      }
      const [, hash, name] = match as unknown as [string, string, string];
      if (listed.has(name)) problems.push(`${name} is listed twice`);
      listed.add(name);
      const bytes = files.get(name);
      if (!bytes) problems.push(`${name} is listed but missing`);
      else if (sha256Hex(bytes) !== hash) problems.push(`${name}: FAILED (SHA-256 differs)`);
    });
  for (const name of files.keys()) {
    if (name !== BUNDLE_FILES.sums && !listed.has(name)) {
      problems.push(`${name} is not listed`);
    }
  }
  return problems;
}

function isProofJson(value: unknown): value is ProofJson {
  const p = value as ProofJson;
  return (
    typeof p === 'object' &&
    p !== null &&
    p.format === PROOF_BUNDLE_FORMAT &&
    p.hashAlgorithm === 'SHA-256' &&
    Number.isSafeInteger(p.leafIndex) &&
    p.leafIndex >= 0 &&
    Number.isSafeInteger(p.treeSize) &&
    isSha256Hex(p.leafHash) &&
    Array.isArray(p.auditPath) &&
    p.auditPath.every(isSha256Hex)
  );
}

/**
 * Checks a bundle offline. Every check is reported, by name, even when an earlier one failed,
 * so a reader sees everything that is wrong; valid only when all pass.
 */
export function verifyProofBundle(
  zipBytes: Uint8Array,
  options: VerifyBundleOptions = {},
): BundleVerification {
  const checks: BundleCheck[] = [];
  const add = (name: string, ok: boolean, message: string) => checks.push({ name, ok, message });

  const unpacked = unpack(zipBytes);
  if (!unpacked.files) {
    add('zip', false, unpacked.error ?? 'unreadable');
    return { valid: false, checks };
  }
  const files = unpacked.files;
  add('zip', true, `${files.size} files`);

  const sumProblems = checkSums(files);
  add(
    'sha256sums',
    sumProblems.length === 0,
    sumProblems.length === 0
      ? `all ${files.size - 1} files match SHA256SUMS`
      : sumProblems.join('; '),
  );

  // evidence.json: canonical JSON of an object, byte for byte.
  const evidenceBytes = files.get(BUNDLE_FILES.evidence)!;
  const evidenceJson = readJson(evidenceBytes);
  let evidence: Record<string, unknown> | undefined;
  if (evidenceJson.error) {
    add('evidence-canonical', false, `evidence.json is not JSON: ${evidenceJson.error}`);
  } else if (
    typeof evidenceJson.value !== 'object' ||
    evidenceJson.value === null ||
    Array.isArray(evidenceJson.value)
  ) {
    add('evidence-canonical', false, 'evidence.json is not a JSON object');
  } else {
    evidence = evidenceJson.value as Record<string, unknown>;
    let canonical: Uint8Array | undefined;
    try {
      canonical = canonicalBytes(evidence);
    } catch {
      canonical = undefined;
    }
    const ok = canonical !== undefined && bytesEqual(canonical, evidenceBytes);
    add(
      'evidence-canonical',
      ok,
      ok ? 'evidence.json is RFC 8785 canonical JSON' : 'evidence.json is not RFC 8785 canonical',
    );
  }

  // proof.json and the leaf.
  const leaf = leafHash(evidenceBytes);
  const proofJson = readJson(files.get(BUNDLE_FILES.proof));
  const proof = isProofJson(proofJson.value) ? proofJson.value : undefined;
  add(
    'proof-format',
    proof !== undefined,
    proof
      ? `leaf ${proof.leafIndex} of ${proof.treeSize}, audit path of ${proof.auditPath.length}`
      : `proof.json is not a ${PROOF_BUNDLE_FORMAT} proof${proofJson.error ? `: ${proofJson.error}` : ''}`,
  );
  if (proof) {
    const ok = proof.leafHash === toHex(leaf);
    add(
      'leaf-hash',
      ok,
      ok
        ? `SHA-256(0x00 || evidence.json) = ${toHex(leaf)}`
        : `SHA-256(0x00 || evidence.json) is ${toHex(leaf)}, proof.json says ${proof.leafHash}`,
    );
  } else add('leaf-hash', false, 'not checked: proof.json is unreadable');

  // The tree head and its signature.
  const headJson = readJson(files.get(BUNDLE_FILES.treeHead));
  const headProblem = headJson.error ?? treeHeadProblem(headJson.value)?.message;
  const head =
    headProblem === undefined && decodeSignature((headJson.value as SignedTreeHead).signature)
      ? (headJson.value as SignedTreeHead)
      : undefined;
  add(
    'tree-head-format',
    head !== undefined,
    head
      ? `log ${head.logId}, ${head.treeSize} entries, root ${head.rootHash}`
      : `tree-head.json is not a signed tree head${headProblem ? `: ${headProblem}` : ''}`,
  );
  const publicKeyPem = decodeText(files.get(BUNDLE_FILES.publicKey)!);
  if (head) {
    const signedBytes = files.get(BUNDLE_FILES.signedBytes)!;
    const bytesOk = bytesEqual(signedBytes, treeHeadSigningBytes(head));
    add(
      'tree-head-signed-bytes',
      bytesOk,
      bytesOk
        ? 'tree-head.signed-bytes is the canonical JSON of tree-head.json without its signature'
        : 'tree-head.signed-bytes is not the canonical JSON of tree-head.json',
    );
    const sigOk = bytesEqual(files.get(BUNDLE_FILES.signature)!, decodeSignature(head.signature)!);
    add(
      'tree-head-sig',
      sigOk,
      sigOk
        ? 'tree-head.sig is the signature of tree-head.json'
        : 'tree-head.sig differs from the signature in tree-head.json',
    );
    const problem =
      publicKeyPem === undefined
        ? 'public-key.pem is not text'
        : treeHeadSignatureProblem(head, publicKeyPem);
    add(
      'tree-head-signature',
      problem === undefined,
      problem ??
        `Ed25519 signature by key ${head.keyId} (public-key.pem) verifies` +
          (options.trustedPublicKeyPem ? '' : '; the key was not compared with a trusted one'),
    );
  } else {
    for (const name of ['tree-head-signed-bytes', 'tree-head-sig', 'tree-head-signature']) {
      add(name, false, 'not checked: tree-head.json is unreadable');
    }
  }
  if (options.trustedPublicKeyPem !== undefined) {
    const ok =
      publicKeyPem !== undefined && samePublicKey(publicKeyPem, options.trustedPublicKeyPem);
    add(
      'trusted-key',
      ok,
      ok ? 'public-key.pem is the trusted key' : 'public-key.pem is not the trusted key',
    );
  }

  // Inclusion of the evidence leaf under the signed root.
  if (proof && head) {
    let message: string;
    let ok = false;
    if (proof.treeSize !== head.treeSize) {
      message = `proof.json is for a tree of ${proof.treeSize}, the tree head has ${head.treeSize}`;
    } else {
      ok = verifyInclusion(leaf, proof.leafIndex, head.treeSize, proof.auditPath, head.rootHash);
      message = ok
        ? `leaf ${proof.leafIndex} is in the tree of ${head.treeSize} with root ${head.rootHash}`
        : 'the audit path does not lead from the evidence leaf to the signed root';
    }
    add('inclusion', ok, message);
  } else add('inclusion', false, 'not checked: proof.json or tree-head.json is unreadable');

  // The bundled documents against the evidence's records.
  if (evidence) {
    const docs = new Map<string, Uint8Array>();
    for (const [name, bytes] of files) {
      if (name.startsWith(DOCUMENTS_DIR)) docs.set(name.slice(DOCUMENTS_DIR.length), bytes);
    }
    const problem = documentsProblem(evidence, docs);
    add(
      'documents',
      problem === undefined,
      problem ?? `${docs.size} document(s) match the hashes recorded in the evidence`,
    );
  } else add('documents', false, 'not checked: evidence.json is unreadable');

  // The PDF's own signature (PAdES), by the bundled certificate.
  const pdf = files.get(BUNDLE_FILES.pdf);
  if (pdf) {
    const certificate = files.get(BUNDLE_FILES.pdfCertificate);
    const certificatePem = certificate && decodeText(certificate);
    const signature = certificatePem
      ? verifyPdfSignature(pdf, certificatePem)
      : { ok: false as const, problem: `${BUNDLE_FILES.pdfCertificate} is missing or not text` };
    add(
      'pdf-signature',
      signature.ok,
      signature.ok
        ? `acceptance.pdf is signed by "${signature.signer}" (pdf-signing-certificate.pem) over the whole file`
        : `PDF signature invalid: ${signature.problem}`,
    );
  }

  return {
    valid: checks.every((c) => c.ok),
    checks,
    ...(evidence ? { evidence } : {}),
    ...(head ? { treeHead: head } : {}),
  };
}

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
