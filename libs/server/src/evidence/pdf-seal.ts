import { checkPrime, createHash, createHmac, createPrivateKey } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import signpdf, { Signer } from '@signpdf/signpdf';
import {
  PDF_SIGNATURE_SUBFILTER,
  cadesDetachedSignature,
  loadPdfSigningKey,
  type CmsSigningKey,
  type PdfSigningKey,
} from '@aftale/evidence';

export const PDF_SIGNATURE_REASON = 'Aftale acceptance evidence';

/** The platform's PDF signing certificate (PEM chain, signer first) and its private key. */
export interface PdfSigningCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

/** Hands @signpdf the CAdES signature of the bytes its /ByteRange covers. */
class CadesSigner extends Signer {
  constructor(private readonly key: CmsSigningKey) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return Buffer.from(cadesDetachedSignature(pdfBuffer, this.key));
  }
}

/**
 * Signs PDFs with the platform certificate: PAdES baseline B-B (ETSI.CAdES.detached, see
 * @aftale/evidence pdf-signature), one invisible signature covering the whole file, so
 * pdfsig and PDF readers show who signed it and that nothing changed since.
 */
export class PdfSealer {
  private key: Promise<PdfSigningKey> | undefined;

  private constructor(private readonly load: () => Promise<PdfSigningKey>) {}

  /**
   * The configured certificate (EVIDENCE_PDF_CERTIFICATE and _KEY), or outside production,
   * when unset, the fixed development certificate.
   */
  static fromConfig(credentials: PdfSigningCredentials | undefined): PdfSealer {
    return credentials ? PdfSealer.fromPem(credentials) : PdfSealer.development();
  }

  /** Parsed and checked now, so a bad certificate stops start-up rather than a PDF. */
  static fromPem(credentials: PdfSigningCredentials): PdfSealer {
    const key = loadPdfSigningKey(credentials.certificatePem, credentials.privateKeyPem);
    return new PdfSealer(() => Promise.resolve(key));
  }

  /**
   * A self-signed certificate derived from a fixed seed, the same in every process (API,
   * worker, CLI) with no setup and no files. Its key is public knowledge: production
   * refuses to start without a real certificate (see config). Derived on first use (about
   * half a second of prime search).
   */
  static development(): PdfSealer {
    return new PdfSealer(developmentKey);
  }

  private signingKey(): Promise<PdfSigningKey> {
    this.key ??= this.load();
    return this.key;
  }

  /** The certificate chain (PEM) that checks this sealer's signatures. */
  async certificatePem(): Promise<string> {
    return (await this.signingKey()).certificatePem;
  }

  /** The PDF with a signature over all of it; /M is `signingTime`. */
  async seal(pdf: Uint8Array, signingTime = new Date()): Promise<Buffer> {
    const key = await this.signingKey();
    // updateMetadata false: the PDF keeps the producer and dates Chromium wrote.
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    pdflibAddPlaceholder({
      pdfDoc: doc,
      reason: PDF_SIGNATURE_REASON,
      contactInfo: '',
      name: key.signerName,
      location: '',
      signingTime,
      subFilter: PDF_SIGNATURE_SUBFILTER,
      // In hex digits: room for the chain, the signature and the attributes, with margin.
      signatureLength: 2 * (key.certificates.reduce((n, c) => n + c.length, 0) + 2048),
    });
    // No object streams: the signature dictionary must be findable in the file's bytes.
    const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
    return signpdf.sign(prepared, new CadesSigner(key));
  }
}

const DEVELOPMENT_SEED = 'aftale local development PDF signing certificate';
let development: Promise<PdfSigningKey> | undefined;

function developmentKey(): Promise<PdfSigningKey> {
  development ??= deriveDevelopmentKey();
  return development;
}

/** HMAC-SHA-256 in counter mode over a fixed seed: the same bytes in every process. */
function seededBytes(seed: string): (count: number) => Buffer {
  const key = createHash('sha256').update(seed).digest();
  let counter = 0;
  return (count) => {
    const blocks: Buffer[] = [];
    for (let n = 0; n < count; n += 32) {
      blocks.push(createHmac('sha256', key).update(String(counter++)).digest());
    }
    return Buffer.concat(blocks).subarray(0, count);
  };
}

const E = 65537n;
const checkPrimeAsync = promisify(checkPrime);

/** The first prime from a seeded 1024-bit start, stepping by 2 (native Miller-Rabin). */
async function seededPrime(random: Buffer): Promise<bigint> {
  random[0]! |= 0xc0; // top bits set: the product has exactly 2048 bits
  random[random.length - 1]! |= 1;
  for (let candidate = BigInt(`0x${random.toString('hex')}`); ; candidate += 2n) {
    if (candidate % E !== 1n && (await checkPrimeAsync(candidate))) return candidate;
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}

const base64url = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

async function deriveDevelopmentKey(): Promise<PdfSigningKey> {
  // A deterministic RSA-2048 key: seeded primes tested by OpenSSL (async, so the event loop
  // keeps running), not forge's seeded generator, which takes seconds in JavaScript.
  const random = seededBytes(DEVELOPMENT_SEED);
  const p = await seededPrime(random(128));
  const q = await seededPrime(random(128));
  const d = modInverse(E, (p - 1n) * (q - 1n));
  const rsaKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: base64url(p * q),
      e: base64url(E),
      d: base64url(d),
      p: base64url(p),
      q: base64url(q),
      dp: base64url(d % (p - 1n)),
      dq: base64url(d % (q - 1n)),
      qi: base64url(modInverse(q, p)),
    },
  });
  const privateKey = forge.pki.privateKeyFromPem(
    rsaKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  certificate.serialNumber = '0aff7a1e';
  certificate.validity.notBefore = new Date('2025-01-01T00:00:00Z');
  certificate.validity.notAfter = new Date('2045-01-01T00:00:00Z');
  const name = [
    { name: 'commonName', value: 'Aftale development PDF signing (not for production)' },
    { name: 'organizationName', value: 'Aftale' },
  ];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  // RSA PKCS#1 v1.5 is deterministic, so the certificate is too.
  certificate.sign(privateKey, forge.md.sha256.create());
  return loadPdfSigningKey(
    forge.pki.certificateToPem(certificate),
    rsaKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
}
