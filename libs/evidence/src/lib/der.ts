/**
 * The little DER (X.690) needed to write and read a CMS signature: one-byte tags and
 * definite lengths. Reading hands back the exact bytes of each element, because a signature
 * covers bytes, not a re-encoding of them.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** [n] with constructed contents (EXPLICIT, or IMPLICIT SET/SEQUENCE OF). */
export const contextTag = (n: number): number => 0xa0 | n;

export interface DerElement {
  tag: number;
  /** The whole element: tag, length and contents. */
  bytes: Uint8Array;
  contents: Uint8Array;
}

/** One element at `offset`; throws DerError on anything truncated or not DER-shaped. */
export function readElement(bytes: Uint8Array, offset = 0): DerElement {
  if (offset + 2 > bytes.length) throw new DerError('truncated DER element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0 is BER's indefinite length; more than 4 bytes of length is no signature we make.
    if (count === 0 || count > 4) throw new DerError('unsupported DER length');
    if (offset + 2 + count > bytes.length) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new DerError('truncated DER element');
  return {
    tag,
    bytes: bytes.subarray(offset, end),
    contents: bytes.subarray(offset + header, end),
  };
}

/** The elements inside a constructed element, which must fill it exactly. */
export function childrenOf(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let at = 0; at < element.contents.length;) {
    const child = readElement(element.contents, at);
    out.push(child);
    at += child.bytes.length;
  }
  return out;
}

/** Reads one element, expecting `tag`. */
export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element || element.tag !== tag) throw new DerError(`${what} is missing or malformed`);
  return element;
}

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  return [0x80 | out.length, ...out];
}

export function encode(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const length = contents.reduce((n, c) => n + c.length, 0);
  const head = [tag, ...lengthBytes(length)];
  const out = new Uint8Array(head.length + length);
  out.set(head, 0);
  let at = head.length;
  for (const c of contents) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const sequence = (...elements: readonly Uint8Array[]) => encode(TAG.SEQUENCE, ...elements);

/** A DER SET OF: elements sorted by their encodings (X.690 11.6). */
export function setOf(...elements: readonly Uint8Array[]): Uint8Array {
  return encode(TAG.SET, ...[...elements].sort((a, b) => Buffer.compare(a, b)));
}

export const octetString = (bytes: Uint8Array) => encode(TAG.OCTET_STRING, bytes);
export const derNull = () => encode(TAG.NULL);

/** A small non-negative INTEGER. */
export function integer(value: number): Uint8Array {
  const out: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  if (out.length === 0 || out[0]! & 0x80) out.unshift(0);
  return encode(TAG.INTEGER, Uint8Array.from(out));
}

/** An OBJECT IDENTIFIER element from its dotted form. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      base128.unshift((n % 128) | (base128.length ? 0x80 : 0));
      if (n < 128) break;
    }
    body.push(...base128);
  }
  return encode(TAG.OID, Uint8Array.from(body));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
