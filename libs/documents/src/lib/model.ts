import { z } from 'zod';
import { AftaleError, issuesToProblems } from '@aftale/domain';

/**
 * The sanitised document model every importer produces and the renderer consumes. Text is
 * always a plain string (never HTML): the renderer escapes it, so nothing a vendor pastes
 * can become markup. Strings may contain placeholders (`{{client.name}}`); a newline in a
 * string is a line break.
 */
export const MODEL_VERSION = 1;

export interface TextRun {
  text: string;
  bold?: true;
  italic?: true;
  /** Absolute http(s) or mailto URL; anything else is dropped at import. */
  href?: string;
}

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export interface HeadingBlock {
  type: 'heading';
  level: HeadingLevel;
  /** The heading text without its clause number. */
  text: string;
  /** Clause number as written, without a trailing dot: "7", "7.2", "§ 3", "B.2". */
  clause?: string;
  /** Normalised annex marker when the heading opens an annex: "Bilag A", "Annex B", "Bilag 2". */
  annex?: string;
}

export interface ParagraphBlock {
  type: 'paragraph';
  content: TextRun[];
}

export interface ListItem {
  content: TextRun[];
  /** The item's own number as written ("1.", "a.", "6.1.1"); absent = numbered by position. */
  marker?: string;
  children?: ListBlock;
}

export interface ListBlock {
  type: 'list';
  ordered: boolean;
  /** First number of an ordered list without explicit markers; default 1. */
  start?: number;
  items: ListItem[];
}

export interface TableBlock {
  type: 'table';
  /** Header cells; empty when the source table had no header row. */
  header: string[];
  rows: string[][];
}

/** The `{{subprocessors}}` block placeholder: a table rendered from data, not pasted text. */
export interface SubprocessorsBlock {
  type: 'subprocessors';
}

export type Block = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | SubprocessorsBlock;

export interface DocumentModel {
  version: typeof MODEL_VERSION;
  blocks: Block[];
}

/** Limits that keep a hostile model from exhausting memory in the renderer or the browser. */
export const MODEL_LIMITS = {
  blocks: 20_000,
  textChars: 100_000,
  runs: 2_000,
  items: 2_000,
  listDepth: 8,
  columns: 30,
  rows: 5_000,
} as const;

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** Accepts only absolute http(s) and mailto URLs; returns the normalised href or undefined. */
export function sanitizeHref(href: string | undefined | null): string | undefined {
  if (!href) return undefined;
  const trimmed = href.trim();
  if (!SAFE_HREF.test(trimmed) || trimmed.length > 2048) return undefined;
  if (/[\s<>"'`]/.test(trimmed) || trimmed.includes('{{')) return undefined;
  try {
    const url = new URL(trimmed);
    if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) return undefined;
  } catch {
    return undefined;
  }
  return trimmed;
}

// Control characters (except tab and newline), zero-width characters, the BOM and the
// private-use sentinels the Markdown importer uses internally never belong in a document.
const JUNK_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f\u200b\u2060\ufeff\ue000\ue001]/g;

/** Removes characters that must never reach the model; keeps newlines and tabs. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(JUNK_CHARS, '');
}

/** Collapses runs of whitespace (but not newlines) and trims each line. */
export function tidyText(text: string): string {
  return cleanText(text)
    .split('\n')
    .map((line) =>
      line.replace(/[ \t\f\v\u00a0]+/g, (m) => (m.includes('\u00a0') ? '\u00a0' : ' ')).trim(),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const sameFormat = (a: TextRun, b: TextRun) =>
  a.bold === b.bold && a.italic === b.italic && a.href === b.href;

/** Whether text ends inside a `{{` token. Looks at the tail only: runs can be long. */
function unclosedMustache(text: string): boolean {
  const tail = text.slice(-300);
  return tail.lastIndexOf('{{') > tail.lastIndexOf('}}');
}

/**
 * Merges adjacent runs of the same format, drops empty runs, tidies line breaks, and
 * re-joins a placeholder a word processor split across differently formatted runs
 * (`{{client.` + `name}}`, `#CLIENT_` + `NAME#`) so it survives as one token.
 */
export function normalizeRuns(runs: TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const run of runs) {
    const text = cleanText(run.text);
    if (!text) continue;
    const last = out[out.length - 1];
    if (
      last &&
      (sameFormat(last, run) || unclosedMustache(last.text) || splitsLegacy(last.text, text))
    ) {
      last.text += text;
      continue;
    }
    const copy: TextRun = { text };
    if (run.bold) copy.bold = true;
    if (run.italic) copy.italic = true;
    const href = sanitizeHref(run.href);
    if (href) copy.href = href;
    out.push(copy);
  }
  for (const run of out) {
    run.text = run.text.replace(/[ \t]*\n[ \t]*/g, '\n').replace(/\n{2,}/g, '\n');
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]!.text.endsWith('\n') && out[i]!.text.startsWith('\n')) {
      out[i]!.text = out[i]!.text.slice(1);
    }
  }
  // Trim the paragraph's outer whitespace without touching inner runs.
  if (out.length) {
    out[0]!.text = out[0]!.text.replace(/^[ \t\n\u00a0]+/, '');
    const last = out[out.length - 1]!;
    last.text = last.text.replace(/[ \t\n\u00a0]+$/, '');
  }
  return out.filter((run) => run.text.length > 0);
}

/** True when `#NAME#` starts at the end of one run and finishes in the next. */
function splitsLegacy(before: string, after: string): boolean {
  const head = /#[A-Z0-9_]{0,40}$/.exec(before.slice(-42))?.[0];
  const tail = /^[A-Z0-9_]{0,40}#/.exec(after.slice(0, 42))?.[0];
  return !!head && !!tail && /^#[A-Z][A-Z0-9_]{2,40}#$/.test(head + tail);
}

export function runsText(runs: readonly TextRun[]): string {
  return runs.map((run) => run.text).join('');
}

export function paragraph(text: string): ParagraphBlock {
  return { type: 'paragraph', content: text ? [{ text }] : [] };
}

// ---------------------------------------------------------------------------------------
// Schema: models arriving from storage or the API are parsed, never trusted.

const text = z.string().max(MODEL_LIMITS.textChars, `at most ${MODEL_LIMITS.textChars} characters`);

const runSchema = z
  .object({
    text,
    bold: z.literal(true).optional(),
    italic: z.literal(true).optional(),
    href: z
      .string()
      .max(2048)
      .refine((href) => sanitizeHref(href) === href, 'only absolute http(s) or mailto links')
      .optional(),
  })
  .strict();

const runsSchema = z.array(runSchema).max(MODEL_LIMITS.runs);

const headingSchema = z
  .object({
    type: z.literal('heading'),
    level: z.literal([1, 2, 3, 4, 5, 6]),
    text,
    // Clause numbers, annex markers and list markers are shown as written and never
    // evaluated, so they may not carry anything that looks like a placeholder.
    clause: z
      .string()
      .regex(
        /^(?:§ ?)?[0-9A-Za-z]{1,4}(?:\.[0-9A-Za-z]{1,4}){0,5}$/,
        'a clause number such as 7, 7.2 or § 3',
      )
      .optional(),
    annex: z
      .string()
      .regex(/^\p{L}{2,20} [0-9A-Za-z]{1,5}$/u, 'an annex marker such as "Bilag A"')
      .optional(),
  })
  .strict();

const paragraphSchema = z.object({ type: z.literal('paragraph'), content: runsSchema }).strict();

const listItemSchema = z
  .object({
    content: runsSchema,
    marker: z
      .string()
      .regex(/^[0-9A-Za-z.()§•◦▪‣–* -]{1,20}$/u, 'a list marker such as 1., a) or 6.1.1')
      .optional(),
    get children() {
      return listSchema.optional();
    },
  })
  .strict();

const listSchema = z
  .object({
    type: z.literal('list'),
    ordered: z.boolean(),
    start: z.number().int().min(0).max(1_000_000).optional(),
    items: z.array(listItemSchema).max(MODEL_LIMITS.items),
  })
  .strict();

const cells = z.array(text).max(MODEL_LIMITS.columns);
const tableSchema = z
  .object({
    type: z.literal('table'),
    header: cells,
    rows: z.array(cells).max(MODEL_LIMITS.rows),
  })
  .strict();

const subprocessorsSchema = z.object({ type: z.literal('subprocessors') }).strict();

export const documentModelSchema = z
  .object({
    version: z.literal(MODEL_VERSION),
    blocks: z
      .array(
        z.discriminatedUnion('type', [
          headingSchema,
          paragraphSchema,
          listSchema,
          tableSchema,
          subprocessorsSchema,
        ]),
      )
      .max(MODEL_LIMITS.blocks),
  })
  .strict();

function listDepth(list: ListBlock, depth = 1): number {
  let max = depth;
  for (const item of list.items) {
    if (item.children) max = Math.max(max, listDepth(item.children, depth + 1));
  }
  return max;
}

/** Parses an untrusted model (from storage or the API); throws BAD_USER_INPUT naming the path. */
export function parseDocumentModel(input: unknown, root = 'document'): DocumentModel {
  const result = documentModelSchema.safeParse(input);
  if (!result.success) throw AftaleError.badInput(issuesToProblems(result.error.issues, root));
  const model = result.data as unknown as DocumentModel;
  model.blocks.forEach((block, i) => {
    if (block.type === 'list' && listDepth(block) > MODEL_LIMITS.listDepth) {
      throw AftaleError.field(
        `${root}.blocks.${i}`,
        `lists nest at most ${MODEL_LIMITS.listDepth} deep`,
      );
    }
  });
  return model;
}
