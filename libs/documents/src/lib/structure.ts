import type { Block, HeadingBlock, HeadingLevel } from './model';
import { MODEL_VERSION } from './model';
import { lineAt, walkText } from './scan';
import type { BlockLocation, ImportWarning } from './import-types';
import { canonicalJson } from './hash';

/**
 * Recognising headings in text that was never marked up (plain text, Word paragraphs), and
 * the structural checks every import gets: duplicated annexes, annexes referred to but
 * missing, headings printed twice in a row.
 */

const ANNEX_WORDS: Record<string, string> = {
  bilag: 'Bilag',
  underbilag: 'Underbilag',
  annex: 'Annex',
  appendix: 'Appendix',
  appendiks: 'Appendiks',
  schedule: 'Schedule',
};

// Word, then an uppercase letter, a number or a roman numeral; the id is case-sensitive so
// "Bilag i denne aftale" is not annex I.
const ANNEX_LINE = /^(\p{L}+)\s+([A-Z]|\d{1,2}|[IVX]{1,5})(?![\p{L}\d])\s*([:.\-–—]?)\s*(.*)$/u;

export interface AnnexHeading {
  annex: string;
  title: string;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * An annex heading such as "Bilag A", "Bilag A:", "Bilag 1- Instruks til Databehandleren",
 * "Bilag B Underdatabehandlere" or "ANNEX C – Instructions". A sentence that merely starts
 * with "Bilag A indeholder ..." is not one.
 */
export function parseAnnexHeading(line: string, strict = true): AnnexHeading | null {
  const text = line.trim();
  if (text.length > 120) return null;
  const match = ANNEX_LINE.exec(text);
  if (!match) return null;
  const word = ANNEX_WORDS[match[1]!.toLowerCase()];
  if (!word) return null;
  const separator = match[3]!;
  const title = match[4]!.trim();
  if (strict && title) {
    if (separator === '.' && /^\d/.test(title)) return null; // "Bilag C.6" is a reference
    if (/[.;,]$/.test(title) || words(title) > 14) return null;
    if (!separator && !/^[\p{Lu}\d"“”«(]/u.test(title)) return null;
  }
  return { annex: `${word} ${match[2]}`, title };
}

export interface ClauseHeading {
  clause: string;
  title: string;
  depth: number;
}

const CLAUSE_LINE =
  /^(§\s*\d{1,3}(?:\.\d{1,2}){0,3}|\d{1,2}(?:\.\d{1,2}){0,3}|[A-H]\.\d{1,2}(?:\.\d{1,2}){0,2})\.?(?:[ \t\u00a0]+|(?=\p{Lu}))(\S.*)$/u;

/**
 * A numbered clause heading: "7 Fortrolighed", "2.Præambel", "7.2 Underretning", "§ 3
 * Fortrolighed", "B.2 Godkendte underdatabehandlere". Long numbered sentences are clauses
 * of running text, not headings, so the title must be short and not end like a sentence.
 */
export function parseClauseHeading(line: string, strict = true): ClauseHeading | null {
  const text = line.trim();
  const match = CLAUSE_LINE.exec(text);
  if (!match) return null;
  const clause = match[1]!.replace(/^§\s*/, '§ ');
  const title = match[2]!.trim();
  if (strict) {
    if (!/^[\p{Lu}"“”«]/u.test(title)) return null;
    if (title.length > 100 || words(title) > 14) return null;
    if (/[.;,!?]$/.test(title)) return null;
    if (title.endsWith(':') && words(title) > 3) return null;
    if (/^\d/.test(title)) return null;
  }
  const depth = clause.replace(/^§ /, '').split('.').length;
  return { clause, title, depth };
}

export function levelForDepth(depth: number): HeadingLevel {
  return Math.min(6, Math.max(2, depth + 1)) as HeadingLevel;
}

/**
 * Turns the text of an explicit heading (Markdown `##`, HTML `<h2>`) into a heading block,
 * pulling out its clause number or annex marker.
 */
export function headingFromText(text: string, level: HeadingLevel): HeadingBlock {
  const trimmed = text.trim();
  const annex = parseAnnexHeading(trimmed, false);
  if (annex) return { type: 'heading', level, text: trimmed, annex: annex.annex };
  const clause = parseClauseHeading(trimmed, false);
  if (clause && /^\S/.test(clause.title) && !/^\d/.test(clause.title)) {
    return { type: 'heading', level, text: clause.title, clause: clause.clause };
  }
  return { type: 'heading', level, text: trimmed };
}

/** A heading guessed from a single line of running text, or null. */
export function headingFromLine(line: string): HeadingBlock | null {
  const annex = parseAnnexHeading(line);
  if (annex) return { type: 'heading', level: 2, text: line.trim(), annex: annex.annex };
  const clause = parseClauseHeading(line);
  if (clause) {
    return {
      type: 'heading',
      level: levelForDepth(clause.depth),
      text: clause.title,
      clause: clause.clause,
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Structural checks

const sameHeading = (a: HeadingBlock, b: HeadingBlock) =>
  a.text === b.text && a.level === b.level && a.clause === b.clause && a.annex === b.annex;

const ANNEX_REFERENCE =
  /(?<![\p{L}])([Bb]ilag|BILAG|[Aa]nnex|ANNEX|[Aa]ppendix|APPENDIX|[Aa]ppendiks)\s+([A-Z]|\d{1,2})(?![\p{L}\d])/gu;

/**
 * Collapses a heading printed twice in a row, and reports duplicated and missing annexes.
 * Returns the (possibly shortened) blocks and locations.
 */
export function checkStructure(
  blocks: Block[],
  locations: BlockLocation[],
  warnings: ImportWarning[],
): { blocks: Block[]; locations: BlockLocation[] } {
  const outBlocks: Block[] = [];
  const outLocations: BlockLocation[] = [];
  blocks.forEach((block, i) => {
    const previous = outBlocks[outBlocks.length - 1];
    if (block.type === 'heading' && previous?.type === 'heading' && sameHeading(previous, block)) {
      const line = locations[i]?.line;
      warnings.push({
        code: 'DUPLICATE_HEADING',
        message: `The heading "${block.annex ?? block.text}" is printed twice in a row${line ? ` (line ${line})` : ''}; the second copy was dropped.`,
        ...(line ? { line } : {}),
        ...(block.annex ? { annex: block.annex } : {}),
      });
      return;
    }
    outBlocks.push(block);
    outLocations.push(locations[i] ?? {});
  });

  // Sections per annex: the blocks from its heading to the next annex heading.
  const sections = new Map<string, { index: number; end: number; line?: number }[]>();
  let current: { annex: string; start: number } | null = null;
  const close = (end: number) => {
    if (!current) return;
    const list = sections.get(current.annex) ?? [];
    const line = outLocations[current.start]?.line;
    list.push({
      index: current.start,
      ...(line ? { line } : {}),
      end,
    });
    sections.set(current.annex, list);
  };
  outBlocks.forEach((block, i) => {
    if (block.type === 'heading' && block.annex) {
      close(i);
      current = { annex: block.annex, start: i };
    }
  });
  close(outBlocks.length);

  for (const [annex, copies] of sections) {
    if (copies.length < 2) continue;
    const lines = copies.map((c) => c.line).filter((l): l is number => l !== undefined);
    // Serialised only for duplicated annexes: most documents have none.
    const contents = copies.map((c) =>
      outBlocks.slice(c.index + 1, c.end).map((b) => canonicalJson(b)),
    );
    const first = contents[0]!;
    const same = (c: string[]) => c.length === first.length && c.every((b, k) => b === first[k]);
    // The last copy runs to the end of the document, so trailing text may follow it.
    const prefix = (c: string[]) => {
      const [short, long] = c.length < first.length ? [c, first] : [first, c];
      return short.length > 0 && short.every((b, k) => b === long[k]);
    };
    const how = contents.every(same)
      ? 'with identical content'
      : contents.every(prefix)
        ? 'repeating the same content'
        : 'with different content';
    warnings.push({
      code: 'DUPLICATE_ANNEX',
      message: `${annex} appears ${copies.length} times${lines.length ? ` (lines ${lines.join(', ')})` : ''} ${how}; a DPA must contain each annex once — delete the extra ${copies.length > 2 ? 'copies' : 'copy'}.`,
      annex,
      ...(lines.length ? { line: lines[0], lines } : {}),
    });
  }

  const referenced = new Map<string, number | undefined>();
  walkText({ version: MODEL_VERSION, blocks: outBlocks }, outLocations, (site) => {
    const block = outBlocks[site.block]!;
    if (block.type === 'heading' && block.annex) return;
    for (const match of site.context.matchAll(ANNEX_REFERENCE)) {
      const word = ANNEX_WORDS[match[1]!.toLowerCase()]!;
      const marker = `${word} ${match[2]}`;
      if (!referenced.has(marker)) referenced.set(marker, lineAt(site, match.index));
    }
  });
  for (const [marker, line] of referenced) {
    if (sections.has(marker)) continue;
    // Only flag a missing annex when its family exists ("Bilag" references in a document
    // whose annexes are "Bilag ..."), or when the document has no annexes at all.
    const word = marker.split(' ')[0]!;
    const family = [...sections.keys()].some((k) => k.startsWith(`${word} `));
    if (sections.size && !family) continue;
    warnings.push({
      code: 'MISSING_ANNEX',
      message: `The text refers to ${marker}${line ? ` (first at line ${line})` : ''}, but the document has no ${marker} heading.`,
      annex: marker,
      ...(line ? { line } : {}),
    });
  }
  return { blocks: outBlocks, locations: outLocations };
}
