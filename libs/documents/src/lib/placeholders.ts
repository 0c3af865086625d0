/**
 * Placeholders: the standard set, the vendors' legacy `#CLIENT_NAME#` form, and the one
 * tokenizer that both the import/publish scanner and the renderer use, so what passes
 * publishing is exactly what renders.
 */

export interface StandardPlaceholder {
  path: string;
  /** The legacy `#NAME#` spelling vendors already use, if any. */
  legacy?: string;
  label: { da: string; en: string };
  /** Block placeholders stand alone in their paragraph and render as a table. */
  block?: true;
}

export const STANDARD_PLACEHOLDERS: readonly StandardPlaceholder[] = Object.freeze([
  {
    path: 'client.name',
    legacy: 'CLIENT_NAME',
    label: { da: 'Kundens navn', en: 'Customer name' },
  },
  {
    path: 'client.address',
    legacy: 'CLIENT_ADDRESS',
    label: { da: 'Kundens adresse', en: 'Customer address' },
  },
  {
    path: 'client.zipCity',
    legacy: 'CLIENT_ZIPCITY',
    label: { da: 'Postnr. og by', en: 'Postcode and city' },
  },
  { path: 'client.cvr', legacy: 'CLIENT_CVR', label: { da: 'CVR-nr.', en: 'CVR number' } },
  {
    path: 'client.contact',
    legacy: 'CLIENT_CONTACT',
    label: { da: 'Kontaktperson', en: 'Contact person' },
  },
  {
    path: 'client.contactEmail',
    legacy: 'CLIENT_CONTACTEMAIL',
    label: { da: 'Kontaktpersonens e-mail', en: 'Contact e-mail' },
  },
  { path: 'acceptance.date', label: { da: 'Dato for accept', en: 'Date of acceptance' } },
  { path: 'plan.name', label: { da: 'Abonnement', en: 'Plan' } },
  { path: 'vendor.name', label: { da: 'Leverandørens navn', en: 'Vendor name' } },
  {
    path: 'vendor.legalName',
    label: { da: 'Leverandørens juridiske navn', en: 'Vendor legal name' },
  },
  { path: 'vendor.cvr', label: { da: 'Leverandørens CVR-nr.', en: 'Vendor CVR number' } },
  { path: 'vendor.address', label: { da: 'Leverandørens adresse', en: 'Vendor address' } },
  {
    path: 'subprocessors',
    label: { da: 'Underdatabehandlere', en: 'Sub-processors' },
    block: true,
  },
]);

export const SUBPROCESSORS_PATH = 'subprocessors';

const STANDARD_BY_PATH = new Map(STANDARD_PLACEHOLDERS.map((p) => [p.path, p]));
export const LEGACY_PLACEHOLDERS: ReadonlyMap<string, string> = new Map(
  STANDARD_PLACEHOLDERS.filter((p) => p.legacy).map((p) => [p.legacy!, p.path]),
);

export const CUSTOM_PREFIX = 'custom.';
/** One path segment: a plain identifier. */
export const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/**
 * Names that reach into JavaScript's object machinery. They are refused everywhere (import,
 * publish, field declaration, values), whatever the prefix.
 */
export function isReservedName(segment: string): boolean {
  return (
    segment.startsWith('__') ||
    segment in Object.prototype ||
    ['constructor', 'prototype', 'this', 'root', 'parent', 'lookup', 'arguments'].includes(segment)
  );
}

export type PlaceholderProblem =
  /** `{{constructor}}`, `{{__proto__}}`, `{{this.constructor}}`... */
  | 'prototype-access'
  /** Helpers, blocks, partials, comments, triple braces, `../`, `@root`: not a plain path. */
  | 'unsupported-syntax'
  /** `{{` without a closing `}}`. */
  | 'unclosed'
  /** A `custom.*` path that the vendor has not declared. */
  | 'undeclared'
  /** A plain path that is not a standard placeholder. */
  | 'unknown'
  /** `{{subprocessors}}` used inside running text instead of on its own line. */
  | 'block-inline';

export type PlaceholderSyntax = 'mustache' | 'legacy';

export type TemplateSegment =
  | { kind: 'text'; text: string }
  | {
      kind: 'placeholder';
      raw: string;
      syntax: PlaceholderSyntax;
      /** The dotted path when the token is a well-formed path (known or not). */
      path: string | null;
      /** Structural problem found by the tokenizer itself (independent of declarations). */
      problem?: PlaceholderProblem;
      start: number;
      end: number;
    };

const LEGACY_TOKEN = /#([A-Z][A-Z0-9_]{2,40})#/g;

function analysePath(
  inner: string,
  triple: boolean,
): { path: string | null; problem?: PlaceholderProblem } {
  const trimmed = inner.trim();
  // Any identifier anywhere in the token, even quoted, that names object machinery.
  const words = trimmed.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? [];
  if (words.some(isReservedName)) return { path: null, problem: 'prototype-access' };
  const parts = trimmed.split('.');
  if (triple || parts.length > 4 || !parts.every((p) => IDENTIFIER.test(p))) {
    return { path: null, problem: 'unsupported-syntax' };
  }
  return { path: trimmed };
}

function pushLegacy(text: string, offset: number, out: TemplateSegment[]): void {
  let last = 0;
  for (const match of text.matchAll(LEGACY_TOKEN)) {
    const index = match.index;
    if (index > last) out.push({ kind: 'text', text: text.slice(last, index) });
    const name = match[1]!;
    const path = LEGACY_PLACEHOLDERS.get(name) ?? null;
    const segment: TemplateSegment = {
      kind: 'placeholder',
      raw: match[0],
      syntax: 'legacy',
      path,
      start: offset + index,
      end: offset + index + match[0].length,
    };
    if (!path) segment.problem = 'unknown';
    out.push(segment);
    last = index + match[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
}

/**
 * Splits a text string into literal text and placeholder tokens. Everything between `{{` and
 * `}}` is a token; only a plain dotted path is well-formed. Legacy `#NAME#` tokens are found
 * in the literal parts.
 */
export function tokenizeTemplate(text: string): TemplateSegment[] {
  const out: TemplateSegment[] = [];
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    if (open < 0) break;
    if (open > pos) pushLegacy(text.slice(pos, open), pos, out);
    const triple = text[open + 2] === '{';
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      out.push({
        kind: 'placeholder',
        raw: text.slice(open, Math.min(text.length, open + 60)),
        syntax: 'mustache',
        path: null,
        problem: 'unclosed',
        start: open,
        end: text.length,
      });
      return out;
    }
    let end = close + 2;
    if (triple && text[end] === '}') end += 1;
    const inner = text.slice(open + (triple ? 3 : 2), close);
    const { path, problem } = analysePath(inner, triple);
    const segment: TemplateSegment = {
      kind: 'placeholder',
      raw: text.slice(open, end),
      syntax: 'mustache',
      path,
      start: open,
      end,
    };
    if (problem) segment.problem = problem;
    out.push(segment);
    pos = end;
  }
  if (pos < text.length) pushLegacy(text.slice(pos), pos, out);
  return out;
}

export function hasPlaceholderSyntax(text: string): boolean {
  return text.includes('{{') || /#[A-Z][A-Z0-9_]{2,40}#/.test(text);
}

/** Rewrites known legacy tokens to the `{{path}}` form; unknown ones stay for reporting. */
export function modernizeLegacy(text: string): string {
  return text.replace(LEGACY_TOKEN, (raw, name: string) => {
    const path = LEGACY_PLACEHOLDERS.get(name);
    return path ? `{{${path}}}` : raw;
  });
}

export interface PathCheck {
  ok: boolean;
  problem?: PlaceholderProblem;
  kind?: 'standard' | 'custom' | 'block';
}

/** Whether a well-formed path may be used in running text, given the declared custom fields. */
export function checkPath(path: string, declaredCustom: ReadonlySet<string>): PathCheck {
  const standard = STANDARD_BY_PATH.get(path);
  if (standard)
    return standard.block
      ? { ok: false, problem: 'block-inline', kind: 'block' }
      : { ok: true, kind: 'standard' };
  if (path.startsWith(CUSTOM_PREFIX)) {
    return declaredCustom.has(path)
      ? { ok: true, kind: 'custom' }
      : { ok: false, problem: 'undeclared' };
  }
  return { ok: false, problem: 'unknown' };
}

/** True when a paragraph's whole text is the `{{subprocessors}}` block placeholder. */
export function isSubprocessorsMarker(text: string): boolean {
  return /^\{\{\s*subprocessors\s*\}\}$/.test(text.trim());
}

export function describeProblem(problem: PlaceholderProblem, raw: string): string {
  switch (problem) {
    case 'prototype-access':
      return `${raw} reaches into JavaScript internals and is never allowed`;
    case 'unsupported-syntax':
      return `${raw} is not a plain placeholder: only {{group.field}} paths are allowed (no helpers, blocks, partials or triple braces)`;
    case 'unclosed':
      return `${raw} has no closing }}`;
    case 'undeclared':
      return `${raw} is a custom field that has not been declared`;
    case 'block-inline':
      return `${raw} is a table and must stand alone on its own line`;
    case 'unknown':
      return `${raw} is not a known placeholder`;
  }
}

export function knownPathsHint(declaredCustom: Iterable<string>): string {
  const standard = STANDARD_PLACEHOLDERS.filter((p) => !p.block).map((p) => p.path);
  return `Use one of ${[...standard, ...declaredCustom].map((p) => `{{${p}}}`).join(', ')}; {{subprocessors}} on its own line; or declare a custom field.`;
}
