import Handlebars from 'handlebars';
import { AftaleError, type FieldProblem } from '@aftale/domain';
import type { DocumentModel, HeadingLevel, ListBlock, TextRun } from './model';
import { parseDocumentModel } from './model';
import { hashDocument } from './hash';
import { LruCache } from './lru';
import {
  SUBPROCESSORS_PATH,
  checkPath,
  describeProblem,
  knownPathsHint,
  tokenizeTemplate,
  type PlaceholderProblem,
} from './placeholders';
import { checkCustomValues, customPathSet, type CustomField } from './custom-fields';
import {
  buildContext,
  normalizeValues,
  type DocumentValues,
  type SubprocessorEntry,
} from './values';

/**
 * Rendering a model with a customer's values: a pure function, the same in the API, the PDF
 * worker and the browser widget.
 *
 * Defence in depth against template injection:
 * 1. Handlebars never sees vendor text. Each text run is tokenized by our own tokenizer;
 *    literal text is HTML-escaped by us, and only a validated `{{group.field}}` path is
 *    compiled, one tiny template per path.
 * 2. Paths that are unknown, undeclared or name object machinery fail closed before any
 *    template runs (and are refused at import and publish time already).
 * 3. The Handlebars environment is isolated, has no helpers, partials or decorators at all,
 *    compiles in strict mode with knownHelpersOnly and no @data, and denies prototype
 *    access; the context is built from null-prototype objects.
 * 4. A missing or empty value throws BAD_USER_INPUT naming it: never an empty blank.
 */

const BUILTIN_HELPERS = [
  'helperMissing',
  'blockHelperMissing',
  'each',
  'if',
  'unless',
  'with',
  'log',
  'lookup',
] as const;

/** An isolated Handlebars with every helper and decorator removed. */
export function createSafeHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  for (const name of BUILTIN_HELPERS) hb.unregisterHelper(name);
  hb.unregisterDecorator('inline');
  return hb;
}

export const SAFE_COMPILE_OPTIONS: CompileOptions = Object.freeze({
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(BUILTIN_HELPERS.map((name) => [name, false])) as KnownHelpers,
  data: false,
  compat: false,
  noEscape: false,
  preventIndent: true,
});

export const SAFE_RUNTIME_OPTIONS: Handlebars.RuntimeOptions = Object.freeze({
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  helpers: {},
  partials: {},
  decorators: {},
});

const hb = createSafeHandlebars();

interface PathTemplates {
  html: HandlebarsTemplateDelegate;
  text: HandlebarsTemplateDelegate;
}
const pathTemplates = new LruCache<string, PathTemplates>(1_000);

function templatesFor(path: string): PathTemplates {
  let templates = pathTemplates.get(path);
  if (!templates) {
    const source = `{{${path}}}`;
    templates = {
      html: hb.compile(source, SAFE_COMPILE_OPTIONS),
      text: hb.compile(source, { ...SAFE_COMPILE_OPTIONS, noEscape: true }),
    };
    pathTemplates.set(path, templates);
  }
  return templates;
}

// ---------------------------------------------------------------------------------------
// Compiled documents: the model with every string already split into literal text and
// placeholder paths. Cached by content hash.

type Segment = string | { path: string };
type CompiledText = Segment[];
interface CompiledRun {
  segments: CompiledText;
  bold?: true;
  italic?: true;
  href?: string;
}
interface CompiledItem {
  marker: string;
  runs: CompiledRun[];
  children?: CompiledList;
}
interface CompiledList {
  ordered: boolean;
  items: CompiledItem[];
}
type CompiledBlock =
  | { type: 'heading'; level: HeadingLevel; text: CompiledText; clause?: string; annex?: string }
  | { type: 'paragraph'; runs: CompiledRun[] }
  | { type: 'list'; ordered: boolean; items: CompiledItem[] }
  | { type: 'table'; header: CompiledText[]; rows: CompiledText[][] }
  | { type: 'subprocessors' };

interface StructuralProblem {
  raw: string;
  problem: PlaceholderProblem;
  block: number;
}

export interface CompiledDocument {
  hash: string;
  blockCount: number;
  blocks: CompiledBlock[];
  /** Every well-formed path used in running text. */
  paths: Set<string>;
  needsSubprocessors: boolean;
  problems: StructuralProblem[];
}

function compileText(text: string, block: number, doc: CompiledDocument): CompiledText {
  const out: CompiledText = [];
  for (const segment of tokenizeTemplate(text)) {
    if (segment.kind === 'text') out.push(segment.text);
    else if (segment.problem || !segment.path) {
      doc.problems.push({
        raw: segment.raw,
        problem: segment.problem ?? 'unsupported-syntax',
        block,
      });
    } else {
      doc.paths.add(segment.path);
      out.push({ path: segment.path });
    }
  }
  return out;
}

function compileRuns(
  runs: readonly TextRun[],
  block: number,
  doc: CompiledDocument,
): CompiledRun[] {
  return runs.map((run) => {
    const compiled: CompiledRun = { segments: compileText(run.text, block, doc) };
    if (run.bold) compiled.bold = true;
    if (run.italic) compiled.italic = true;
    if (run.href) compiled.href = run.href;
    return compiled;
  });
}

function compileList(list: ListBlock, block: number, doc: CompiledDocument): CompiledItem[] {
  return list.items.map((item, i) => {
    const compiled: CompiledItem = {
      marker: item.marker ?? (list.ordered ? `${(list.start ?? 1) + i}.` : '•'),
      runs: compileRuns(item.content, block, doc),
    };
    if (item.children) {
      compiled.children = {
        ordered: item.children.ordered,
        items: compileList(item.children, block, doc),
      };
    }
    return compiled;
  });
}

export function compileDocument(model: DocumentModel, hash: string): CompiledDocument {
  const doc: CompiledDocument = {
    hash,
    blockCount: model.blocks.length,
    blocks: [],
    paths: new Set(),
    needsSubprocessors: false,
    problems: [],
  };
  model.blocks.forEach((block, index) => {
    const n = index + 1;
    switch (block.type) {
      case 'heading': {
        const compiled: CompiledBlock = {
          type: 'heading',
          level: block.level,
          text: compileText(block.text, n, doc),
        };
        if (block.clause) compiled.clause = block.clause;
        if (block.annex) compiled.annex = block.annex;
        doc.blocks.push(compiled);
        break;
      }
      case 'paragraph':
        doc.blocks.push({ type: 'paragraph', runs: compileRuns(block.content, n, doc) });
        break;
      case 'list':
        doc.blocks.push({
          type: 'list',
          ordered: block.ordered,
          items: compileList(block, n, doc),
        });
        break;
      case 'table':
        doc.blocks.push({
          type: 'table',
          header: block.header.map((cell) => compileText(cell, n, doc)),
          rows: block.rows.map((row) => row.map((cell) => compileText(cell, n, doc))),
        });
        break;
      case 'subprocessors':
        doc.needsSubprocessors = true;
        doc.blocks.push({ type: 'subprocessors' });
        break;
    }
  });
  return doc;
}

export const COMPILED_CACHE_SIZE = 64;
const compiledCache = new LruCache<string, CompiledDocument>(COMPILED_CACHE_SIZE);

/** Drops every cached compilation (tests; or after a deploy that changes compilation). */
export function clearRenderCache(): void {
  compiledCache.clear();
  pathTemplates.clear();
}

function compiledFor(model: DocumentModel, hash: string | undefined): CompiledDocument {
  if (hash) {
    const cached = compiledCache.get(hash);
    // Entries are stored only under verified hashes; a caller-supplied hash is trusted as far
    // as a cheap shape check goes.
    if (cached && Array.isArray(model?.blocks) && cached.blockCount === model.blocks.length) {
      return cached;
    }
  }
  const parsed = parseDocumentModel(model);
  const actual = hashDocument(parsed);
  if (hash && hash !== actual) {
    throw AftaleError.field(
      'hash',
      'does not match the document',
      'pass hashDocument(model), or no hash',
    );
  }
  const cached = compiledCache.get(actual);
  if (cached) return cached;
  const compiled = compileDocument(parsed, actual);
  compiledCache.set(actual, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------
// Values

export interface RenderOptions {
  /** Declared custom fields: makes `custom.*` paths usable and checks their values. */
  customFields?: readonly CustomField[];
  /** Language of generated labels (the sub-processor table header). Default 'da'. */
  locale?: 'da' | 'en';
  /**
   * `hashDocument(model)` when the caller already has it (stored at publish time): skips
   * re-hashing on every render. It must be the hash of this very model.
   */
  hash?: string;
}

interface Prepared {
  compiled: CompiledDocument;
  context: Record<string, unknown>;
  subprocessors: SubprocessorEntry[];
}

function prepare(
  model: DocumentModel,
  values: DocumentValues | undefined,
  options: RenderOptions,
): Prepared {
  const compiled = compiledFor(model, options.hash);
  const declared = customPathSet(options.customFields);
  const documentProblems: FieldProblem[] = compiled.problems.map((p) => ({
    field: `document.blocks.${p.block - 1}`,
    message: describeProblem(p.problem, p.raw),
  }));
  for (const path of compiled.paths) {
    const check = checkPath(path, declared);
    if (!check.ok) {
      documentProblems.push({
        field: 'document',
        message: describeProblem(check.problem!, `{{${path}}}`),
        hint: knownPathsHint(declared),
      });
    }
  }
  if (documentProblems.length) throw AftaleError.badInput(documentProblems);

  const normalized = normalizeValues(values);
  const problems = [...normalized.problems];
  const reported = new Set(problems.map((p) => p.field));
  for (const path of [...compiled.paths].sort()) {
    const value = normalized.values.get(path);
    if (reported.has(`values.${path}`)) continue;
    if (value === undefined) {
      problems.push({
        field: `values.${path}`,
        message: `is required: the document uses {{${path}}}`,
      });
    } else if (!value.trim()) {
      problems.push({
        field: `values.${path}`,
        message: `must not be empty: the document uses {{${path}}}`,
      });
    }
  }
  if (compiled.needsSubprocessors && !normalized.subprocessors) {
    problems.push({
      field: `values.${SUBPROCESSORS_PATH}`,
      message: 'is required: the document has a {{subprocessors}} table',
      hint: 'send the list, e.g. [{ "name": "AWS", "location": "DE", "purpose": "Hosting" }]',
    });
  }
  if (options.customFields) {
    problems.push(
      ...checkCustomValues(options.customFields, (path) => normalized.values.get(path)),
    );
  }
  if (problems.length) throw AftaleError.badInput(problems);
  return {
    compiled,
    context: buildContext(normalized.values),
    subprocessors: normalized.subprocessors ?? [],
  };
}

// ---------------------------------------------------------------------------------------
// Output

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (ch) => ESCAPES[ch]!);
}

function evaluate(path: string, context: Record<string, unknown>, mode: 'html' | 'text'): string {
  try {
    return templatesFor(path)[mode](context, SAFE_RUNTIME_OPTIONS);
  } catch {
    // Strict mode: a lookup that misses throws. Values were checked, so this is a guard.
    throw AftaleError.field(`values.${path}`, `is required: the document uses {{${path}}}`);
  }
}

const SUBPROCESSOR_HEADERS = {
  da: ['Underdatabehandler', 'Lokation / land', 'Overførselsgrundlag', 'Funktion / formål'],
  en: ['Sub-processor', 'Location / country', 'Legal basis', 'Function / purpose'],
} as const;

const subprocessorCells = (s: SubprocessorEntry) => [
  s.name,
  s.location,
  s.legalBasis ?? '',
  s.purpose,
];

class HtmlWriter {
  constructor(
    private readonly context: Record<string, unknown>,
    private readonly subprocessors: SubprocessorEntry[],
    private readonly locale: 'da' | 'en',
  ) {}

  text(text: CompiledText): string {
    return text
      .map((segment) =>
        typeof segment === 'string'
          ? escapeHtml(segment)
          : evaluate(segment.path, this.context, 'html'),
      )
      .join('')
      .replace(/\n/g, '<br>');
  }

  runs(runs: CompiledRun[]): string {
    return runs
      .map((run) => {
        let html = this.text(run.segments);
        if (run.italic) html = `<em>${html}</em>`;
        if (run.bold) html = `<strong>${html}</strong>`;
        if (run.href)
          html = `<a class="aftale-link" href="${escapeHtml(run.href)}" rel="noopener noreferrer nofollow">${html}</a>`;
        return html;
      })
      .join('');
  }

  items(items: CompiledItem[], ordered: boolean): string {
    const tag = ordered ? 'ol' : 'ul';
    const body = items
      .map((item) => {
        const marker = ordered
          ? `<span class="aftale-marker">${escapeHtml(item.marker)}</span>`
          : `<span class="aftale-marker" aria-hidden="true">${escapeHtml(item.marker)}</span>`;
        const children = item.children
          ? this.items(item.children.items, item.children.ordered)
          : '';
        return `<li class="aftale-item">${marker} ${this.runs(item.runs)}${children}</li>`;
      })
      .join('');
    return `<${tag} class="aftale-list${ordered ? ' aftale-list-ordered' : ''}">${body}</${tag}>`;
  }

  table(header: string[], rows: string[][], extraClass = ''): string {
    const head = header.length
      ? `<thead><tr>${header.map((cell) => `<th scope="col">${cell}</th>`).join('')}</tr></thead>`
      : '';
    const body = rows
      .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
      .join('');
    return `<table class="aftale-table${extraClass}">${head}<tbody>${body}</tbody></table>`;
  }

  block(block: CompiledBlock): string {
    switch (block.type) {
      case 'heading': {
        const clause = block.clause
          ? `<span class="aftale-clause">${escapeHtml(block.clause)}</span> `
          : '';
        const annex = block.annex ? ` aftale-annex" data-annex="${escapeHtml(block.annex)}` : '';
        return `<h${block.level} class="aftale-heading${annex}">${clause}${this.text(block.text)}</h${block.level}>`;
      }
      case 'paragraph':
        return `<p class="aftale-paragraph">${this.runs(block.runs)}</p>`;
      case 'list':
        return this.items(block.items, block.ordered);
      case 'table':
        return this.table(
          block.header.map((cell) => this.text(cell)),
          block.rows.map((row) => row.map((cell) => this.text(cell))),
        );
      case 'subprocessors':
        return this.table(
          SUBPROCESSOR_HEADERS[this.locale].map(escapeHtml),
          this.subprocessors.map((s) =>
            subprocessorCells(s).map((cell) => escapeHtml(cell).replace(/\n/g, '<br>')),
          ),
          ' aftale-subprocessors',
        );
    }
  }
}

/**
 * Renders a model with values to an HTML fragment:
 * `<article class="aftale-document">` holding `h1-h6.aftale-heading` (annex headings also
 * `.aftale-annex[data-annex]`, clause numbers in `span.aftale-clause`), `p.aftale-paragraph`,
 * `ul/ol.aftale-list > li.aftale-item > span.aftale-marker`, `table.aftale-table` (the data
 * table also `.aftale-subprocessors`). Every value is escaped. Wrap it with
 * `wrapDocumentHtml` for an A4 page.
 */
export function renderDocument(
  model: DocumentModel,
  values: DocumentValues,
  options: RenderOptions = {},
): string {
  const { compiled, context, subprocessors } = prepare(model, values, options);
  const writer = new HtmlWriter(context, subprocessors, options.locale ?? 'da');
  return `<article class="aftale-document">\n${compiled.blocks.map((b) => writer.block(b)).join('\n')}\n</article>`;
}

function plain(text: CompiledText, context: Record<string, unknown>): string {
  return text.map((s) => (typeof s === 'string' ? s : evaluate(s.path, context, 'text'))).join('');
}

function plainRuns(runs: CompiledRun[], context: Record<string, unknown>): string {
  return runs.map((run) => plain(run.segments, context)).join('');
}

function plainItems(
  items: CompiledItem[],
  context: Record<string, unknown>,
  depth: number,
): string[] {
  return items.flatMap((item) => [
    `${'  '.repeat(depth)}${item.marker} ${plainRuns(item.runs, context)}`,
    ...(item.children ? plainItems(item.children.items, context, depth + 1) : []),
  ]);
}

/**
 * The plain text of exactly what `renderDocument` shows (same values, same checks), one
 * block per paragraph: for e-mail bodies, search, and for proving that the HTML and the PDF
 * carry the same words.
 */
export function renderText(
  model: DocumentModel,
  values: DocumentValues,
  options: RenderOptions = {},
): string {
  const { compiled, context, subprocessors } = prepare(model, values, options);
  const locale = options.locale ?? 'da';
  const table = (rows: string[][]) => rows.map((row) => row.join('\t')).join('\n');
  return compiled.blocks
    .map((block) => {
      switch (block.type) {
        case 'heading':
          return `${block.clause ? `${block.clause} ` : ''}${plain(block.text, context)}`;
        case 'paragraph':
          return plainRuns(block.runs, context);
        case 'list':
          return plainItems(block.items, context, 0).join('\n');
        case 'table': {
          const rows = block.rows.map((row) => row.map((cell) => plain(cell, context)));
          return table(
            block.header.length
              ? [block.header.map((cell) => plain(cell, context)), ...rows]
              : rows,
          );
        }
        case 'subprocessors':
          return table([
            [...SUBPROCESSOR_HEADERS[locale]],
            ...subprocessors.map(subprocessorCells),
          ]);
      }
    })
    .join('\n\n');
}

/** Print styles for A4: page margins, headings kept with their text, annexes on new pages. */
export const DOCUMENT_CSS = `@page { size: A4; margin: 20mm 18mm 22mm 18mm; }
.aftale-document { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; max-width: 174mm; margin: 0 auto; }
.aftale-heading { break-after: avoid; page-break-after: avoid; margin: 1.1em 0 0.4em; line-height: 1.25; }
h1.aftale-heading { font-size: 18pt; } h2.aftale-heading { font-size: 14pt; } h3.aftale-heading { font-size: 12pt; }
h4.aftale-heading, h5.aftale-heading, h6.aftale-heading { font-size: 10.5pt; }
.aftale-annex { break-before: page; page-break-before: always; }
.aftale-paragraph { margin: 0 0 0.6em; orphans: 3; widows: 3; }
.aftale-list { list-style: none; margin: 0 0 0.8em; padding-left: 0; }
.aftale-list .aftale-list { margin: 0.2em 0 0; padding-left: 1.4em; }
.aftale-item { padding-left: 2.4em; text-indent: -2.4em; margin: 0 0 0.25em; break-inside: avoid; }
.aftale-item > * { text-indent: 0; }
.aftale-marker { display: inline-block; min-width: 2em; text-indent: 0; }
.aftale-table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; font-size: 9.5pt; }
.aftale-table th, .aftale-table td { border: 0.5pt solid #888; padding: 3pt 5pt; text-align: left; vertical-align: top; }
.aftale-table thead { display: table-header-group; }
.aftale-table tr { break-inside: avoid; page-break-inside: avoid; }
.aftale-link { color: inherit; }
`;

/** A complete HTML page around a rendered fragment, ready for the PDF printer. */
export function wrapDocumentHtml(
  fragment: string,
  options: { title: string; lang?: 'da' | 'en' },
): string {
  return `<!doctype html>
<html lang="${options.lang ?? 'da'}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(options.title)}</title>
<style>
${DOCUMENT_CSS}</style>
</head>
<body>
${fragment}
</body>
</html>
`;
}
