import { AftaleError } from '@aftale/domain';
import type { ImportWarning } from './import-types';
import { utf8Length } from './values';

/** Uploads above this are refused before any parsing. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export function fileError(message: string, hint?: string): AftaleError {
  return AftaleError.field('file', message, hint);
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** Size checks first, so a 50 MB upload costs nothing but a length comparison. */
export function checkSize(content: string | Uint8Array): void {
  if (typeof content === 'string') {
    // UTF-8 needs at least one byte per UTF-16 unit: the cheap length bounds the bytes.
    if (content.length > MAX_FILE_BYTES) throw tooLarge(content.length);
    if (!content.trim()) throw fileError('The file is empty.', 'Upload the document itself.');
    const bytes = utf8Length(content);
    if (bytes > MAX_FILE_BYTES) throw tooLarge(bytes);
    return;
  }
  if (!(content instanceof Uint8Array)) {
    throw fileError('The file content must be text or bytes.');
  }
  if (content.byteLength > MAX_FILE_BYTES) throw tooLarge(content.byteLength);
  if (content.byteLength === 0)
    throw fileError('The file is empty.', 'Upload the document itself.');
}

function tooLarge(bytes: number): AftaleError {
  return fileError(
    `The file is ${bytes > MAX_FILE_BYTES * 4 ? 'over ' + megabytes(MAX_FILE_BYTES * 4) : megabytes(bytes)}; the limit is ${megabytes(MAX_FILE_BYTES)}.`,
    'Remove embedded images or split the document.',
  );
}

type Signature = { bytes: number[]; what: string; hint: string };
const SIGNATURES: Signature[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'a ZIP archive (such as a Word .docx)',
    hint: 'Choose the format "docx" for Word files.',
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0],
    what: 'an old Word .doc file',
    hint: 'Save it as .docx (Word 2007 or later) and upload that.',
  },
  {
    bytes: [0x25, 0x50, 0x44, 0x46],
    what: 'a PDF',
    hint: 'Copy the text out of the PDF, or upload the Word original.',
  },
  {
    bytes: [0x89, 0x50, 0x4e, 0x47],
    what: 'a PNG image',
    hint: 'Upload the document text, not a picture of it.',
  },
  {
    bytes: [0xff, 0xd8, 0xff],
    what: 'a JPEG image',
    hint: 'Upload the document text, not a picture of it.',
  },
  {
    bytes: [0x47, 0x49, 0x46, 0x38],
    what: 'a GIF image',
    hint: 'Upload the document text, not a picture of it.',
  },
];

function sniff(at: (i: number) => number, length: number): Signature | undefined {
  return SIGNATURES.find((s) => s.bytes.length <= length && s.bytes.every((b, i) => at(i) === b));
}

const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/g;

function refuseBinaryText(text: string): void {
  const signature = sniff((i) => text.charCodeAt(i), text.length);
  if (signature) throw fileError(`This is ${signature.what}, not text.`, signature.hint);
  const control = text.match(CONTROL)?.length ?? 0;
  if (text.includes('\u0000') || control / text.length > 0.02) {
    throw fileError(
      'The file does not look like text: it contains binary data.',
      'Choose the format that matches the file, e.g. "docx" for Word documents.',
    );
  }
}

/**
 * Turns uploaded text content into a string: UTF-8 (with or without BOM), UTF-16 with a
 * BOM, or, failing UTF-8, Windows-1252 as older Danish Windows files are.
 */
export function decodeText(content: string | Uint8Array, warnings: ImportWarning[]): string {
  checkSize(content);
  if (typeof content === 'string') {
    const text = content.replace(/^\ufeff/, '');
    refuseBinaryText(text);
    return text.replace(/\r\n?/g, '\n');
  }
  const bytes = content;
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff)
    text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    const signature = sniff((i) => bytes[i] ?? -1, bytes.length);
    if (signature) throw fileError(`This is ${signature.what}, not text.`, signature.hint);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      if (bytes.includes(0)) {
        throw fileError(
          'The file does not look like text: it contains binary data.',
          'Choose the format that matches the file, e.g. "docx" for Word documents.',
        );
      }
      text = new TextDecoder('windows-1252').decode(bytes);
      warnings.push({
        code: 'ENCODING_FALLBACK',
        message:
          'The file is not UTF-8; it was read as Windows-1252 (Western European). Check that æ, ø and å look right.',
      });
    }
  }
  if (!text.trim()) throw fileError('The file is empty.', 'Upload the document itself.');
  refuseBinaryText(text);
  return text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
}
