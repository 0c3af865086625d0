/**
 * JSON Canonicalization Scheme (RFC 8785, JCS). Evidence is hashed and signed as these exact
 * bytes, so anything JSON cannot round-trip is refused rather than silently dropped or
 * coerced: a value that changes on the way through JSON.parse would make a hash nobody can
 * recompute.
 */
import { AftaleError } from '@aftale/domain';

/** Deeper nesting than any evidence record needs; keeps hostile input off the call stack. */
const MAX_DEPTH = 500;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** RFC 8785 canonical JSON of a value: sorted keys, ECMAScript numbers, no whitespace. */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, '$', new Set<object>(), 0, out);
  return out.join('');
}

/** The UTF-8 bytes of {@link canonicalize}: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

function fail(path: string, message: string, hint?: string): never {
  throw AftaleError.field(path, `not canonical JSON: ${message}`, hint);
}

function memberPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function writeString(value: string, path: string, out: string[]): void {
  // RFC 8785 §3.2.2.2: strings must be valid Unicode; JSON.stringify would escape a lone
  // surrogate as \udXXX, which other JCS implementations reject.
  if (LONE_SURROGATE.test(value)) fail(path, 'the string holds a lone UTF-16 surrogate');
  // For well-formed strings JSON.stringify is exactly JCS's escaping: \b \t \n \f \r, other
  // controls as lowercase \u00xx, `"` and `\`; everything else verbatim.
  out.push(JSON.stringify(value));
}

function write(value: unknown, path: string, ancestors: Set<object>, depth: number, out: string[]) {
  switch (typeof value) {
    case 'string':
      return writeString(value, path, out);
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number`, 'a finite number');
      // ECMAScript Number::toString is the serialisation RFC 8785 §3.2.2.3 prescribes; -0 → "0".
      out.push(String(value));
      return;
    case 'undefined':
      return fail(path, 'undefined has no JSON form', 'omit the member or use null');
    case 'bigint':
      return fail(path, 'a BigInt has no JSON form', 'a string of digits or a safe integer');
    case 'function':
    case 'symbol':
      return fail(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (ancestors.has(object)) fail(path, 'the value refers to itself (a cycle)');
  if (depth >= MAX_DEPTH) fail(path, `nesting deeper than ${MAX_DEPTH} levels`);
  ancestors.add(object);
  if (Array.isArray(object)) {
    out.push('[');
    for (let i = 0; i < object.length; i++) {
      if (i > 0) out.push(',');
      // A hole reads as undefined and is refused like one.
      write(object[i], `${path}[${i}]`, ancestors, depth + 1, out);
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      fail(
        path,
        `a ${kind} is not plain JSON data`,
        kind === 'Date' ? 'an ISO 8601 string, e.g. date.toISOString()' : 'a plain object',
      );
    }
    const record = object as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is RFC 8785 §3.2.3's order.
    const keys = Object.keys(record).sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      const child = memberPath(path, key);
      writeString(key, child, out);
      out.push(':');
      write(record[key], child, ancestors, depth + 1, out);
    });
    out.push('}');
  }
  ancestors.delete(object);
}
