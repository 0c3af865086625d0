import mammoth from 'mammoth';
import { checkSize, fileError } from './input';

/**
 * Word .docx to HTML with mammoth; the HTML importer does the rest. Kept in its own module
 * so browser code can import the pure parts (see `browser.ts`) without mammoth.
 * The ZIP's central directory is checked first: a .docx is a ZIP, and a small one can
 * inflate to gigabytes.
 */

export const MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024;
export const MAX_DOCX_ENTRIES = 5_000;

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}
function u32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

interface ZipSummary {
  names: Set<string>;
  uncompressed: number;
}

/** Reads the ZIP central directory without inflating anything. */
export function inspectZip(bytes: Uint8Array): ZipSummary {
  const notDocx = () =>
    fileError(
      'This is not a valid Word .docx file (a .docx is a ZIP archive).',
      'Open it in Word and save it again as .docx, or upload it as text.',
    );
  if (bytes.length < 22 || u32(bytes, 0) !== 0x04034b50) {
    if (bytes.length >= 4 && u32(bytes, 0) === 0xe011cfd0) {
      throw fileError(
        'This is an old Word .doc file, not .docx.',
        'Save it as .docx (Word 2007 or later) and upload that.',
      );
    }
    throw notDocx();
  }
  // End of central directory: 22 bytes plus a comment of up to 64 KB, at the very end.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notDocx();
  const entries = u16(bytes, eocd + 10);
  const offset = u32(bytes, eocd + 16);
  if (entries > MAX_DOCX_ENTRIES || entries === 0xffff || offset === 0xffffffff) {
    throw fileError(
      'The Word file has too many parts to be a contract.',
      'Remove embedded objects and save it again.',
    );
  }
  const names = new Set<string>();
  let uncompressed = 0;
  let at = offset;
  const decoder = new TextDecoder();
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== 0x02014b50) throw notDocx();
    const size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    if (size === 0xffffffff) uncompressed = Infinity; // ZIP64: far beyond any contract
    uncompressed += size;
    names.add(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (uncompressed > MAX_DOCX_UNCOMPRESSED) {
    throw fileError(
      `The Word file unpacks to more than ${MAX_DOCX_UNCOMPRESSED / (1024 * 1024)} MB.`,
      'Remove embedded images or objects and save it again.',
    );
  }
  return { names, uncompressed };
}

export interface DocxHtml {
  html: string;
  messages: string[];
}

export async function docxToHtml(content: string | Uint8Array): Promise<DocxHtml> {
  if (typeof content === 'string') {
    throw fileError(
      'A .docx must be sent as the file bytes, not as text.',
      'Upload the .docx file itself.',
    );
  }
  checkSize(content);
  const zip = inspectZip(content);
  if (!zip.names.has('word/document.xml')) {
    throw fileError(
      'This ZIP archive is not a Word document (it has no word/document.xml).',
      'Upload a .docx saved by Word, LibreOffice or Google Docs.',
    );
  }
  const input =
    typeof Buffer !== 'undefined'
      ? { buffer: Buffer.from(content.buffer, content.byteOffset, content.byteLength) }
      : { arrayBuffer: content.slice().buffer as ArrayBuffer };
  try {
    const result = await mammoth.convertToHtml(input, {
      externalFileAccess: false,
      // Images carry no contract text; skip decoding them entirely.
      convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
    });
    return {
      html: result.value,
      messages: result.messages
        .map((m) => m.message)
        .filter((m) => !/unrecognised (paragraph|run) style/i.test(m)),
    };
  } catch {
    throw fileError(
      'The Word file could not be read; it may be damaged.',
      'Open it in Word, save it again as .docx and retry.',
    );
  }
}
