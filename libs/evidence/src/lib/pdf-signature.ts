/**
 * PDF signatures as Aftale makes and checks them: PAdES baseline B-B, i.e. a detached CAdES
 * (CMS, RFC 5652) signature over the PDF's /ByteRange whose signed attributes are the content
 * type, the message digest and the hash of the signer's certificate (ESS
 * signing-certificate-v2, RFC 5035). The claimed signing time is the signature dictionary's
 * /M, as PAdES wants, not a CMS attribute. Signing and checking live side by side so
 * `aftale proof verify` checks exactly what the server signs; adding the signature
 * placeholder to a PDF is the server's job (@signpdf).
 */
import {
  createHash,
  createPrivateKey,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import {
  DerError,
  TAG,
  childrenOf,
  contextTag,
  derNull,
  encode,
  expectTag,
  integer,
  octetString,
  oid,
  readElement,
  sameBytes,
  sequence,
  setOf,
  type DerElement,
} from './der';

/** The /SubFilter of the signatures made here. */
export const PDF_SIGNATURE_SUBFILTER = 'ETSI.CAdES.detached';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

/** Digest algorithms a verifier accepts (others sign with what they like). */
const DIGESTS = new Map([
  [toHexString(oid(OID.sha256)), 'sha256'],
  [toHexString(oid('2.16.840.1.101.3.4.2.2')), 'sha384'],
  [toHexString(oid('2.16.840.1.101.3.4.2.3')), 'sha512'],
]);

function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export interface CmsSigningKey {
  /** DER certificates: the signer's first, then the rest of its chain. */
  certificates: readonly Uint8Array[];
  /** The signer certificate's private key: RSA or EC. */
  privateKey: KeyObject;
}

/** The issuer Name and serialNumber elements of a DER certificate (exact bytes). */
function issuerAndSerial(certificate: Uint8Array): { issuer: Uint8Array; serial: Uint8Array } {
  const [tbs] = childrenOf(expectTag(readElement(certificate), TAG.SEQUENCE, 'certificate'));
  const fields = childrenOf(expectTag(tbs, TAG.SEQUENCE, 'tbsCertificate'));
  // version is an optional [0]; then serialNumber, signature, issuer.
  const at = fields[0]?.tag === contextTag(0) ? 1 : 0;
  return {
    serial: expectTag(fields[at], TAG.INTEGER, 'serialNumber').bytes,
    issuer: expectTag(fields[at + 2], TAG.SEQUENCE, 'issuer').bytes,
  };
}

/**
 * A detached CAdES-B-B signature (CMS SignedData DER) of `content` with SHA-256. The signed
 * attributes are a DER SET, signed as such, carried as [0] (RFC 5652 5.4).
 */
export function cadesDetachedSignature(content: Uint8Array, key: CmsSigningKey): Uint8Array {
  const signer = key.certificates[0];
  if (!signer) throw new Error('a signing certificate is needed');
  const keyType = key.privateKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw new Error(`PDF signing keys must be RSA or EC, not ${keyType ?? 'unknown'}`);
  }
  const sha256Id = sequence(oid(OID.sha256));
  const { issuer, serial } = issuerAndSerial(signer);
  const attribute = (type: string, value: Uint8Array) => sequence(oid(type), setOf(value));
  const signedAttributes = setOf(
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(createHash('sha256').update(content).digest())),
    attribute(
      OID.signingCertificateV2,
      // SigningCertificateV2 { certs: [ESSCertIDv2 { certHash, issuerSerial }] }; SHA-256 is
      // the default hashAlgorithm, so it is left out (DER).
      sequence(
        sequence(
          sequence(
            octetString(createHash('sha256').update(signer).digest()),
            sequence(sequence(encode(contextTag(4), issuer)), serial),
          ),
        ),
      ),
    ),
  );
  const signature = sign('sha256', signedAttributes, key.privateKey);
  const signatureAlgorithm =
    keyType === 'rsa'
      ? sequence(oid(OID.rsaEncryption), derNull())
      : sequence(oid(OID.ecdsaWithSha256));
  const signerInfo = sequence(
    integer(1),
    sequence(issuer, serial),
    sha256Id,
    // IMPLICIT [0]: the same contents as the signed SET, another tag.
    encode(contextTag(0), readElement(signedAttributes).contents),
    signatureAlgorithm,
    octetString(signature),
  );
  const signedData = sequence(
    integer(1),
    setOf(sha256Id),
    sequence(oid(OID.data)),
    encode(contextTag(0), ...key.certificates),
    setOf(signerInfo),
  );
  return sequence(oid(OID.signedData), encode(contextTag(0), signedData));
}

/** The certificates of a PEM file, in order; throws on anything that is not one. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----)');
  return blocks.map((block) => new X509Certificate(block));
}

/** The subject's common name (or the whole subject when it has none). */
export function certificateName(certificate: X509Certificate): string {
  return /^CN=(.+)$/m.exec(certificate.subject)?.[1]?.trim() ?? certificate.subject;
}

/** A certificate and key that cannot sign PDFs; `part` says which is at fault. */
export class PdfSigningKeyError extends Error {
  constructor(
    readonly part: 'certificate' | 'key',
    message: string,
  ) {
    super(message);
    this.name = 'PdfSigningKeyError';
  }
}

export interface PdfSigningKey extends CmsSigningKey {
  /** The chain as normalised PEM (what a proof bundle ships). */
  certificatePem: string;
  /** The signer's common name. */
  signerName: string;
}

/**
 * Reads a PEM certificate chain (signer first) and its private key, refusing what could not
 * make a signature pdfsig accepts: unreadable or encrypted PEM, keys other than RSA (2048
 * bits or more) or EC, a key that is not the first certificate's.
 */
export function loadPdfSigningKey(certificatePem: string, privateKeyPem: string): PdfSigningKey {
  let chain: X509Certificate[];
  try {
    chain = parseCertificates(certificatePem);
  } catch (error) {
    throw new PdfSigningKeyError('certificate', `is not a PEM certificate: ${messageOf(error)}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new PdfSigningKeyError(
      'key',
      'is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)',
    );
  }
  const type = privateKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') {
    throw new PdfSigningKeyError('key', `must be an RSA or EC key, not ${type ?? 'unknown'}`);
  }
  if (type === 'rsa' && (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new PdfSigningKeyError('key', 'an RSA key must have at least 2048 bits');
  }
  const signer = chain[0]!;
  if (!signer.checkPrivateKey(privateKey)) {
    throw new PdfSigningKeyError('key', 'does not belong to the first certificate of the chain');
  }
  return {
    certificates: chain.map((c) => new Uint8Array(c.raw)),
    privateKey,
    certificatePem: chain.map((c) => c.toString().trim()).join('\n') + '\n',
    signerName: certificateName(signer),
  };
}

export type ByteRange = [number, number, number, number];

export type PdfSignatureResult =
  { ok: true; signer: string; byteRange: ByteRange } | { ok: false; problem: string };

const latin1 = new TextDecoder('latin1');
const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

/**
 * The one signature of a PDF: its /ByteRange, which must cover the whole file but the
 * /Contents hex string, and the CMS bytes in that string.
 */
export function findPdfSignature(
  pdf: Uint8Array,
): { byteRange: ByteRange; cms: Uint8Array } | { problem: string } {
  const text = latin1.decode(pdf);
  const ranges = [...text.matchAll(BYTE_RANGE)];
  if (ranges.length === 0) return { problem: 'the PDF has no signature (no /ByteRange)' };
  if (ranges.length > 1)
    return { problem: `the PDF has ${ranges.length} signatures, expected one` };
  const byteRange = ranges[0]!.slice(1, 5).map(Number) as ByteRange;
  const [start, length1, offset2, length2] = byteRange;
  if (
    start !== 0 ||
    offset2 <= length1 ||
    offset2 + length2 !== pdf.length ||
    text[length1] !== '<' ||
    text[offset2 - 1] !== '>'
  ) {
    return {
      problem: `the signed /ByteRange [${byteRange.join(' ')}] does not cover the whole file (${pdf.length} bytes) but the signature`,
    };
  }
  const hex = text.slice(length1 + 1, offset2 - 1);
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(hex)) return { problem: '/Contents is not a hex string' };
  return { byteRange, cms: new Uint8Array(Buffer.from(hex, 'hex')) };
}

/** The bytes a PDF signature covers: everything but the /Contents hex string. */
export function signedPdfBytes(
  pdf: Uint8Array,
  [, length1, offset2, length2]: ByteRange,
): Uint8Array {
  return Buffer.concat([pdf.subarray(0, length1), pdf.subarray(offset2, offset2 + length2)]);
}

/**
 * Checks a PDF's signature offline against the certificate that should have made it: the
 * /ByteRange covers the file, the CMS message digest is the hash of those bytes, the signer
 * is `certificatePem`'s first certificate, and its key verifies the signed attributes.
 * Certificate trust (chains, expiry, revocation) is for pdfsig or openssl with a trust store.
 */
export function verifyPdfSignature(pdf: Uint8Array, certificatePem: string): PdfSignatureResult {
  let certificate: X509Certificate;
  try {
    certificate = parseCertificates(certificatePem)[0]!;
  } catch (error) {
    return { ok: false, problem: `the signing certificate is unreadable: ${messageOf(error)}` };
  }
  const found = findPdfSignature(pdf);
  if ('problem' in found) return { ok: false, problem: found.problem };
  try {
    const problem = cmsProblem(found.cms, signedPdfBytes(pdf, found.byteRange), certificate);
    return problem
      ? { ok: false, problem }
      : { ok: true, signer: certificateName(certificate), byteRange: found.byteRange };
  } catch (error) {
    // Untrusted input: whatever node:crypto makes of it is an answer, never a crash.
    return {
      ok: false,
      problem:
        error instanceof DerError
          ? `the CMS signature is malformed: ${error.message}`
          : `the signature cannot be checked: ${messageOf(error)}`,
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why the CMS does not sign `content` with `certificate`; undefined when it does. */
function cmsProblem(
  cms: Uint8Array,
  content: Uint8Array,
  certificate: X509Certificate,
): string | undefined {
  // /Contents is padded with zero bytes after the DER.
  const contentInfo = readElement(cms);
  if (cms.subarray(contentInfo.bytes.length).some((b) => b !== 0)) {
    return 'unexpected bytes after the CMS signature';
  }
  const [type, explicit] = childrenOf(expectTag(contentInfo, TAG.SEQUENCE, 'ContentInfo'));
  if (!type || !sameBytes(type.bytes, oid(OID.signedData))) return 'the CMS is not SignedData';
  const [signedData] = childrenOf(expectTag(explicit, contextTag(0), 'SignedData'));
  const fields = childrenOf(expectTag(signedData, TAG.SEQUENCE, 'SignedData'));
  const encapsulated = childrenOf(expectTag(fields[2], TAG.SEQUENCE, 'encapContentInfo'));
  if (encapsulated.length !== 1) return 'the CMS signature is not detached';
  const signerInfos = childrenOf(expectTag(fields[fields.length - 1], TAG.SET, 'signerInfos'));
  if (signerInfos.length !== 1) return `the CMS has ${signerInfos.length} signers, expected one`;
  const info = childrenOf(expectTag(signerInfos[0], TAG.SEQUENCE, 'SignerInfo'));
  const [, sid, digestAlgorithm, attributes, , signatureValue] = info;

  const digestName = DIGESTS.get(
    toHexString(
      childrenOf(expectTag(digestAlgorithm, TAG.SEQUENCE, 'digestAlgorithm'))[0]?.bytes ??
        new Uint8Array(),
    ),
  );
  if (!digestName) return 'the CMS uses an unsupported digest algorithm';
  const signedAttributes = expectTag(attributes, contextTag(0), 'signedAttrs');
  let messageDigest: Uint8Array | undefined;
  let contentTypeOk = false;
  let certHash: Uint8Array | undefined;
  for (const attribute of childrenOf(signedAttributes)) {
    const [attrType, values] = childrenOf(expectTag(attribute, TAG.SEQUENCE, 'attribute'));
    const [value] = childrenOf(expectTag(values, TAG.SET, 'attribute values'));
    if (!attrType || !value) continue;
    if (sameBytes(attrType.bytes, oid(OID.messageDigest))) {
      messageDigest = expectTag(value, TAG.OCTET_STRING, 'messageDigest').contents;
    } else if (sameBytes(attrType.bytes, oid(OID.contentType))) {
      contentTypeOk = sameBytes(value.bytes, oid(OID.data));
    } else if (sameBytes(attrType.bytes, oid(OID.signingCertificateV2))) {
      certHash = essCertHash(value);
    }
  }
  if (!contentTypeOk) return 'the CMS does not sign PDF data (content type)';
  if (!messageDigest) return 'the CMS has no message digest';
  if (!sameBytes(messageDigest, createHash(digestName).update(content).digest())) {
    return 'the signed bytes of the PDF were changed (the digest differs)';
  }

  const { issuer, serial } = issuerAndSerial(new Uint8Array(certificate.raw));
  const signerId = childrenOf(expectTag(sid, TAG.SEQUENCE, 'signer identifier'));
  if (
    !signerId[0] ||
    !signerId[1] ||
    !sameBytes(signerId[0].bytes, issuer) ||
    !sameBytes(signerId[1].bytes, serial)
  ) {
    return 'the PDF was not signed with the bundled certificate';
  }
  if (certHash && !sameBytes(certHash, createHash('sha256').update(certificate.raw).digest())) {
    return 'the signed certificate hash is not the bundled certificate';
  }
  // The signature covers the attributes as a DER SET (RFC 5652 5.4), not the [0] they are sent as.
  const setBytes = encode(TAG.SET, signedAttributes.contents);
  const ok = verify(
    digestName,
    setBytes,
    certificate.publicKey,
    expectTag(signatureValue, TAG.OCTET_STRING, 'signature').contents,
  );
  return ok ? undefined : "the signature does not verify with the certificate's key";
}

/** certHash of the first ESSCertIDv2, when its algorithm is SHA-256 (the default). */
function essCertHash(value: DerElement): Uint8Array | undefined {
  const [certs] = childrenOf(expectTag(value, TAG.SEQUENCE, 'SigningCertificateV2'));
  const [first] = childrenOf(expectTag(certs, TAG.SEQUENCE, 'certs'));
  const fields = childrenOf(expectTag(first, TAG.SEQUENCE, 'ESSCertIDv2'));
  if (fields[0]?.tag === TAG.SEQUENCE) {
    const [algorithm] = childrenOf(fields[0]);
    if (!algorithm || !sameBytes(algorithm.bytes, oid(OID.sha256))) return undefined;
    return expectTag(fields[1], TAG.OCTET_STRING, 'certHash').contents;
  }
  return expectTag(fields[0], TAG.OCTET_STRING, 'certHash').contents;
}
