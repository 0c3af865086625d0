import type { FieldProblem } from '@aftale/domain';
import { IDENTIFIER, SUBPROCESSORS_PATH, isReservedName } from './placeholders';

/** One row of the `{{subprocessors}}` table. */
export interface SubprocessorEntry {
  name: string;
  /** Where the data is processed: country codes or places, e.g. "DE, NL". */
  location: string;
  /** Transfer basis outside the EU/EEA, e.g. "EU-US DPF" or "SCC"; empty inside the EEA. */
  legalBasis?: string;
  /** What the sub-processor does, e.g. "Hosting". */
  purpose: string;
}

type Group<K extends string> = Partial<Record<K, string>>;

/**
 * Values for a rendering, nested (`{ client: { name } }`) or flat (`{ 'client.name': ... }`).
 * Every value is a string of at most 100 KB.
 */
export interface DocumentValues {
  client?: Group<'name' | 'address' | 'zipCity' | 'cvr' | 'contact' | 'contactEmail'>;
  vendor?: Group<'name' | 'legalName' | 'cvr' | 'address'>;
  plan?: Group<'name'>;
  acceptance?: Group<'date'>;
  custom?: Record<string, string>;
  subprocessors?: readonly SubprocessorEntry[];
  [key: string]: unknown;
}

export const MAX_VALUE_BYTES = 100 * 1024;
export const MAX_VALUES = 500;
export const MAX_SUBPROCESSORS = 500;

/** UTF-8 length without allocating (runs in browsers too). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface NormalizedValues {
  /** Path → value. */
  values: Map<string, string>;
  subprocessors?: SubprocessorEntry[];
  problems: FieldProblem[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value));

function checkString(value: unknown, field: string, problems: FieldProblem[]): string | undefined {
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be text', hint: 'send every value as a string' });
    return undefined;
  }
  if (utf8Length(value) > MAX_VALUE_BYTES) {
    problems.push({ field, message: `is larger than ${MAX_VALUE_BYTES / 1024} KB` });
    return undefined;
  }
  return value.replace(/\r\n?/g, '\n');
}

function validPath(path: string): boolean {
  const parts = path.split('.');
  return parts.length <= 4 && parts.every((p) => IDENTIFIER.test(p) && !isReservedName(p));
}

function normalizeSubprocessors(
  input: unknown,
  root: string,
  problems: FieldProblem[],
): SubprocessorEntry[] | undefined {
  const field = `${root}.${SUBPROCESSORS_PATH}`;
  if (!Array.isArray(input)) {
    problems.push({ field, message: 'must be a list of sub-processors' });
    return undefined;
  }
  if (input.length > MAX_SUBPROCESSORS) {
    problems.push({ field, message: `at most ${MAX_SUBPROCESSORS} sub-processors` });
    return undefined;
  }
  const out: SubprocessorEntry[] = [];
  input.forEach((row: unknown, i) => {
    const at = `${field}.${i}`;
    if (!isPlainObject(row)) {
      problems.push({
        field: at,
        message: 'must be an object with name, location, legalBasis and purpose',
      });
      return;
    }
    const pick = (names: string[], required: boolean): string | undefined => {
      const name = names.find(
        (n) => Object.prototype.hasOwnProperty.call(row, n) && row[n] !== undefined,
      );
      if (!name) {
        if (required) problems.push({ field: `${at}.${names[0]}`, message: 'is required' });
        return undefined;
      }
      const value = checkString(row[name], `${at}.${name}`, problems);
      if (value !== undefined && required && !value.trim()) {
        problems.push({ field: `${at}.${name}`, message: 'must not be empty' });
      }
      return value;
    };
    const name = pick(['name'], true);
    const location = pick(['location', 'country'], true);
    const legalBasis = pick(['legalBasis'], false);
    const purpose = pick(['purpose', 'function'], true);
    if (name !== undefined && location !== undefined && purpose !== undefined) {
      out.push(legalBasis ? { name, location, legalBasis, purpose } : { name, location, purpose });
    }
  });
  return out;
}

/**
 * Flattens and validates caller values. Only own, plain-object properties are read, and no
 * key may name object machinery, so nothing reaches a prototype.
 */
export function normalizeValues(input: unknown, root = 'values'): NormalizedValues {
  const values = new Map<string, string>();
  const problems: FieldProblem[] = [];
  let subprocessors: SubprocessorEntry[] | undefined;
  if (input === undefined || input === null) return { values, problems };
  if (!isPlainObject(input)) {
    problems.push({ field: root, message: 'must be an object of values' });
    return { values, problems };
  }
  const put = (path: string, value: unknown) => {
    const field = `${root}.${path}`;
    if (!validPath(path)) {
      problems.push({ field, message: 'is not an allowed value name' });
      return;
    }
    if (value === undefined || value === null) return;
    const text = checkString(value, field, problems);
    if (text !== undefined) values.set(path, text);
  };
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (key === SUBPROCESSORS_PATH) {
      if (value !== undefined) subprocessors = normalizeSubprocessors(value, root, problems);
    } else if (isPlainObject(value)) {
      for (const inner of Object.keys(value)) put(`${key}.${inner}`, value[inner]);
    } else {
      put(key, value);
    }
    if (values.size > MAX_VALUES) {
      problems.push({ field: root, message: `at most ${MAX_VALUES} values` });
      break;
    }
  }
  return subprocessors ? { values, subprocessors, problems } : { values, problems };
}

/** Builds the Handlebars context: null-prototype objects, so no lookup can reach a prototype. */
export function buildContext(values: ReadonlyMap<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  for (const [path, value] of values) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = Object.create(null);
        node[part] = created;
        node = created;
      }
    }
    const last = parts[parts.length - 1]!;
    if (typeof node[last] !== 'object') node[last] = value;
  }
  return root;
}
