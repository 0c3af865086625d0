/**
 * README.txt of a proof bundle: how to check this particular bundle by hand with sha256sum,
 * openssl, xxd and pdfsig. The inclusion walk is spelled out with this bundle's own hashes,
 * so a reader needs neither Aftale nor a programming language to follow it.
 */
import { inclusionSides } from './merkle';
import type { ByteRange } from './pdf-signature';
import type { SignedTreeHead } from './tree-head';

export interface ReadmeFacts {
  format: string;
  treeHead: SignedTreeHead;
  leafIndex: number;
  leafHash: string;
  auditPath: readonly string[];
  /** The PDF's signature, when the bundle has a PDF. */
  pdf: { signer: string; byteRange: ByteRange } | undefined;
  documents: readonly string[];
}

export function bundleReadme(f: ReadmeFacts): string {
  const { treeHead: th } = f;
  const sides = inclusionSides(f.leafIndex, th.treeSize, f.auditPath.length);
  const walk = f.auditPath.map((p, i) =>
    sides[i] === 'left'
      ? `   h=$(printf '01%s%s' "${p}" "$h" | xxd -r -p | sha256sum | cut -d' ' -f1)`
      : `   h=$(printf '01%s%s' "$h" "${p}" | xxd -r -p | sha256sum | cut -d' ' -f1)`,
  );
  const files = [
    ['evidence.json', 'the evidence record, RFC 8785 canonical JSON; these bytes are the log leaf'],
    ['proof.json', 'leaf index, leaf hash, audit path and tree size (RFC 9162 inclusion proof)'],
    [
      'tree-head.json',
      'the signed tree head: log id, tree size, root hash, time, key id, signature',
    ],
    ['tree-head.signed-bytes', 'the exact bytes the tree head signature covers'],
    ['tree-head.sig', 'the raw 64-byte Ed25519 signature (the base64 one in tree-head.json)'],
    ['public-key.pem', `the log's Ed25519 public key, key id ${th.keyId}`],
    ...(f.pdf
      ? [
          ['acceptance.pdf', 'the signed PDF of the accepted DPA, with its acceptance certificate'],
          ['pdf-signing-certificate.pem', 'the certificate (chain) that signed acceptance.pdf'],
        ]
      : []),
    ...f.documents.map((d) => [`documents/${d}`, 'a document exactly as shown to the signer']),
    ['SHA256SUMS', 'SHA-256 of every other file, in sha256sum format'],
  ];
  const width = Math.max(...files.map(([name]) => name!.length));
  const lines = [
    `Aftale proof bundle (${f.format})`,
    '',
    `This archive shows that the acceptance recorded in evidence.json sits, unaltered, at`,
    `position ${f.leafIndex} of the tamper-evident log "${th.logId}", and that the log's key`,
    `signed a tree head of ${th.treeSize} entries that commits to it`,
    `(at ${new Date(th.timestamp).toISOString()}).`,
    '',
    'Every step below runs offline with standard tools from a shell in the unzipped folder.',
    '`aftale proof verify <this file>.zip` runs all of them at once. The format is documented',
    'in docs/proof-bundle.md of Aftale.',
    '',
    'Files',
    ...files.map(([name, what]) => `  ${name!.padEnd(width)}  ${what}`),
    '',
    '1. Every file is intact',
    '',
    '   sha256sum -c SHA256SUMS',
    '',
    '   Every line must say OK.',
    '',
    '2. The tree head is signed by the log key',
    '',
    '   openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin \\',
    '     -in tree-head.signed-bytes -sigfile tree-head.sig',
    '',
    '   It must print "Signature Verified Successfully" (OpenSSL 3.0 or newer).',
    '   tree-head.signed-bytes is the RFC 8785 JSON of tree-head.json without "signature":',
    '',
    '   cat tree-head.signed-bytes; echo',
    '',
    '   must show the same keyId, logId, rootHash, timestamp and treeSize as tree-head.json.',
    '   The key id is the start of the SHA-256 of the key:',
    '',
    '   openssl pkey -pubin -in public-key.pem -outform DER | sha256sum | cut -c1-16',
    '',
    `   must print ${th.keyId}. Make sure public-key.pem is the key the vendor or Aftale`,
    '   published for this log: a bundle signed with some other key proves nothing.',
    '',
    '3. evidence.json is the log leaf (RFC 9162: leaf hash = SHA-256(0x00 || leaf))',
    '',
    "   (printf '\\000'; cat evidence.json) | sha256sum",
    '',
    `   must print ${f.leafHash} (the "leafHash" in proof.json).`,
    '',
    `4. The leaf is in the tree (RFC 9162 section 2.1.3.2; leaf ${f.leafIndex} of ${th.treeSize})`,
    '',
    `   h=${f.leafHash}`,
    ...walk,
    '   echo "$h"',
    '',
    `   must print ${th.rootHash} (the "rootHash" in tree-head.json).`,
    '   Each line hashes 0x01 || left || right, with the audit path of proof.json in order.',
    '',
    '5. The documents are the ones recorded in the evidence',
    '',
    f.documents.length > 0
      ? '   sha256sum documents/*'
      : '   (This bundle carries no separate document files.)',
    '',
    '   Every hash must equal the "sha256" of the entry of "documents" in evidence.json whose',
    '   "file" names that document.',
    '',
    '6. The PDF signature',
    '',
    ...(f.pdf ? pdfSteps(f.pdf) : ['   (This bundle carries no PDF.)', '']),
  ];
  return lines.join('\n');
}

/** pdfsig, and the same check by hand with openssl, with this PDF's own byte range. */
function pdfSteps({ signer, byteRange }: NonNullable<ReadmeFacts['pdf']>): string[] {
  const [, before, after] = byteRange;
  return [
    '   pdfsig acceptance.pdf',
    '',
    '   (poppler-utils) must show "Signature Validation: Signature is Valid." and "Total',
    '   document signed", signature type ETSI.CAdES.detached (PAdES), signed by',
    `   "${signer}".`,
    '   Its "Certificate Validation" line says whether your system trusts the issuer.',
    '',
    `   The same by hand: the signature covers every byte of the file but the /Contents hex`,
    `   string at bytes ${before} to ${after} (its /ByteRange). Cut both out and check them:`,
    '',
    `   head -c ${before} acceptance.pdf > pdf.signed-bytes`,
    `   tail -c +${after + 1} acceptance.pdf >> pdf.signed-bytes`,
    `   head -c ${after - 1} acceptance.pdf | tail -c +${before + 2} | xxd -r -p > pdf.p7s`,
    '   openssl cms -verify -binary -inform DER -in pdf.p7s -content pdf.signed-bytes \\',
    '     -certfile pdf-signing-certificate.pem -nointern -noverify -out /dev/null',
    '',
    '   It must print "CMS Verification successful". -nointern accepts only the bundled',
    '   certificate as the signer; -noverify leaves its chain unchecked (give -CAfile with',
    '   the issuer you trust instead). As with public-key.pem, the signature proves',
    "   something only if pdf-signing-certificate.pem is the platform's certificate.",
    '',
  ];
}
