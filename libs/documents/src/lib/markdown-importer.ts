import type { Block, HeadingLevel, ListBlock, ListItem, TextRun } from './model';
import { MODEL_LIMITS, normalizeRuns, runsText, sanitizeHref, tidyText } from './model';
import type { BlockLocation, ImportWarning, ImportedBlocks } from './import-types';
import { decodeEntities } from './html-entities';
import { htmlToBlocks } from './html-importer';
import { headingFromText } from './structure';
import { isSubprocessorsMarker } from './placeholders';

/**
 * Markdown (CommonMark plus GFM tables) to the document model: ATX and setext headings,
 * paragraphs, nested lists, pipe tables, block quotes, code (kept as text), raw HTML blocks
 * (through the HTML importer) and inline bold, italic, code and links.
 *
 * Our own parser rather than marked: marked 18 is ESM-only and the Jest setup (CommonJS on
 * Node 20) cannot load it. Documents are contracts, not READMEs, so this subset is what
 * vendors' Markdown actually uses; anything else degrades to text, never to markup.
 */

interface Line {
  text: string;
  /** 1-based source line. */
  no: number;
}

const BLANK = /^[ \t\u00a0]*$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const THEMATIC = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const BLOCKQUOTE = /^ {0,3}>[ ]?/;
const LIST_ITEM = /^( {0,12})([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|[ \t]*$)/;
const HTML_BLOCK =
  /^ {0,3}<(?:table|div|p|ul|ol|h[1-6]|section|article|blockquote|pre|script|style|iframe|object|form|center|dl|hr|br|!--)(?:[\s>/]|$)/i;
const TABLE_DELIMITER = /^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$/;

function indentOf(text: string): number {
  let n = 0;
  for (const ch of text) {
    if (ch === ' ') n += 1;
    else if (ch === '\t') n += 4 - (n % 4);
    else break;
  }
  return n;
}

function splitRow(text: string): string[] {
  let row = text.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && row[i + 1] === '|') {
      current += '|';
      i++;
    } else if (row[i] === '|') {
      cells.push(current);
      current = '';
    } else current += row[i];
  }
  cells.push(current);
  return cells.map((cell) => cell.trim());
}

class MarkdownParser {
  readonly blocks: Block[] = [];
  readonly locations: BlockLocation[] = [];

  constructor(readonly warnings: ImportWarning[]) {}

  private emit(block: Block, location: BlockLocation): void {
    if (this.blocks.length >= MODEL_LIMITS.blocks) return;
    this.blocks.push(block);
    this.locations.push(location);
  }

  parse(lines: Line[]): void {
    let i = 0;
    while (i < lines.length) {
      const line = lines[i]!;
      const text = line.text;
      if (BLANK.test(text)) {
        i++;
        continue;
      }
      const fence = FENCE.exec(text);
      if (fence) {
        const marker = fence[1]!;
        const body: string[] = [];
        let j = i + 1;
        while (j < lines.length && !lines[j]!.text.trimStart().startsWith(marker))
          body.push(lines[j++]!.text);
        const content = body.join('\n').replace(/\s+$/, '');
        if (content)
          this.emit(
            { type: 'paragraph', content: normalizeRuns([{ text: content }]) },
            { line: line.no + 1 },
          );
        i = j + 1;
        continue;
      }
      const atx = ATX.exec(text);
      if (atx) {
        const level = atx[1]!.length as HeadingLevel;
        const title = runsText(parseInline(atx[2] ?? '', this.warnings, line.no));
        if (title.trim()) this.emit(headingFromText(tidyText(title), level), { line: line.no });
        i++;
        continue;
      }
      if (THEMATIC.test(text) && !LIST_ITEM.exec(text)?.[3]) {
        i++;
        continue;
      }
      if (BLOCKQUOTE.test(text)) {
        const inner: Line[] = [];
        while (i < lines.length && !BLANK.test(lines[i]!.text)) {
          inner.push({ text: lines[i]!.text.replace(BLOCKQUOTE, ''), no: lines[i]!.no });
          i++;
        }
        this.parse(inner);
        continue;
      }
      if (HTML_BLOCK.test(text)) {
        i = this.htmlBlock(lines, i);
        continue;
      }
      if (
        text.includes('|') &&
        i + 1 < lines.length &&
        TABLE_DELIMITER.test(lines[i + 1]!.text) &&
        lines[i + 1]!.text.includes('-')
      ) {
        i = this.table(lines, i);
        continue;
      }
      if (LIST_ITEM.test(text)) {
        i = this.list(lines, i);
        continue;
      }
      i = this.paragraph(lines, i);
    }
  }

  private htmlBlock(lines: Line[], start: number): number {
    // To the first blank line, or to the matching </table> for tables with blank lines.
    const opensTable = /<table\b/i.test(lines[start]!.text);
    let end = start;
    const body: string[] = [];
    while (end < lines.length) {
      const text = lines[end]!.text;
      if (!opensTable && BLANK.test(text)) break;
      body.push(text);
      end++;
      if (opensTable && /<\/table\s*>/i.test(text)) break;
    }
    const imported = htmlToBlocks(body.join('\n'), { firstLine: lines[start]!.no });
    imported.blocks.forEach((block, k) => this.emit(block, imported.locations[k] ?? {}));
    this.warnings.push(...imported.warnings);
    return end;
  }

  private table(lines: Line[], start: number): number {
    const header = splitRow(lines[start]!.text).map((c) =>
      inlineText(c, this.warnings, lines[start]!.no),
    );
    const parts = [lines[start]!.no];
    const rows: string[][] = [];
    let i = start + 2;
    while (i < lines.length && !BLANK.test(lines[i]!.text) && lines[i]!.text.includes('|')) {
      const cells = splitRow(lines[i]!.text).map((c) => inlineText(c, this.warnings, lines[i]!.no));
      rows.push(header.map((_, k) => cells[k] ?? ''));
      parts.push(lines[i]!.no);
      i++;
      if (rows.length >= MODEL_LIMITS.rows) break;
    }
    this.emit(
      {
        type: 'table',
        header: header.slice(0, MODEL_LIMITS.columns),
        rows: rows.map((r) => r.slice(0, MODEL_LIMITS.columns)),
      },
      { line: lines[start]!.no, parts },
    );
    return i;
  }

  private paragraph(lines: Line[], start: number): number {
    const body: Line[] = [lines[start]!];
    let i = start + 1;
    while (i < lines.length) {
      const text = lines[i]!.text;
      if (BLANK.test(text)) break;
      const setext = SETEXT.exec(text);
      if (setext && body.length) {
        const title = runsText(
          parseInline(body.map((l) => l.text.trim()).join(' '), this.warnings, body[0]!.no),
        );
        this.emit(headingFromText(tidyText(title), setext[1]!.startsWith('=') ? 1 : 2), {
          line: body[0]!.no,
        });
        return i + 1;
      }
      if (ATX.test(text) || FENCE.test(text) || BLOCKQUOTE.test(text) || HTML_BLOCK.test(text))
        break;
      const item = LIST_ITEM.exec(text);
      if (item && item[3] && (/^[-*+]$/.test(item[2]!) || /^1[.)]$/.test(item[2]!))) break;
      body.push(lines[i]!);
      i++;
    }
    // A hard break is two trailing spaces or a backslash; other line ends are soft.
    const source = body
      .map((l, k) => {
        const last = k === body.length - 1;
        if (last) return l.text.trim();
        if (/( {2,}|\\)$/.test(l.text)) return l.text.replace(/( {2,}|\\)$/, '').trim() + '\n';
        return l.text.trim() + ' ';
      })
      .join('');
    const runs = normalizeRuns(parseInline(source, this.warnings, lines[start]!.no));
    if (!runs.length) return i;
    const location = { line: lines[start]!.no };
    if (isSubprocessorsMarker(runsText(runs))) this.emit({ type: 'subprocessors' }, location);
    else this.emit({ type: 'paragraph', content: runs }, location);
    return i;
  }

  private list(lines: Line[], start: number): number {
    const parts: number[] = [];
    const { list, next } = this.parseList(lines, start, parts, 0);
    this.emit(list, { line: lines[start]!.no, parts });
    return next;
  }

  /** Parses the list starting at `start` (its first item line); returns where it ended. */
  private parseList(
    lines: Line[],
    start: number,
    parts: number[],
    depth: number,
  ): { list: ListBlock; next: number } {
    const first = LIST_ITEM.exec(lines[start]!.text)!;
    const indent = indentOf(first[1]!);
    const ordered = /\d/.test(first[2]!);
    const items: ListItem[] = [];
    const list: ListBlock = { type: 'list', ordered, items };
    if (ordered) {
      const n = Number.parseInt(first[2]!, 10);
      if (n !== 1) list.start = n;
    }
    let i = start;
    while (i < lines.length) {
      const match = LIST_ITEM.exec(lines[i]!.text);
      if (!match || indentOf(match[1]!) !== indent || /\d/.test(match[2]!) !== ordered) break;
      const contentIndent = indent + match[2]!.length + 1;
      const itemLines: Line[] = [{ text: match[3] ?? '', no: lines[i]!.no }];
      parts.push(lines[i]!.no);
      const item: ListItem = { content: [] };
      items.push(item);
      i++;
      // Continuation: indented lines, lazy paragraph lines, and nested lists.
      while (i < lines.length) {
        const text = lines[i]!.text;
        if (BLANK.test(text)) {
          let k = i + 1;
          while (k < lines.length && BLANK.test(lines[k]!.text)) k++;
          const following = lines[k];
          if (!following || indentOf(following.text) < contentIndent) break;
          itemLines.push({ text: '', no: lines[i]!.no });
          i++;
          continue;
        }
        const nested = LIST_ITEM.exec(text);
        if (nested && indentOf(nested[1]!) >= contentIndent && depth < MODEL_LIMITS.listDepth - 1) {
          const child = this.parseList(lines, i, parts, depth + 1);
          item.children = item.children
            ? { ...item.children, items: [...item.children.items, ...child.list.items] }
            : child.list;
          i = child.next;
          continue;
        }
        if (nested && indentOf(nested[1]!) <= indent) break;
        if (
          indentOf(text) < contentIndent &&
          (ATX.test(text) || FENCE.test(text) || BLOCKQUOTE.test(text))
        )
          break;
        itemLines.push({ text: text.trim(), no: lines[i]!.no });
        i++;
      }
      const source = itemLines
        .map((l) => l.text)
        .join('\n')
        .replace(/\n{2,}/g, '\u2029') // paragraph break inside an item
        .replace(/( {2,}|\\)\n/g, '\u2028') // hard break
        .replace(/\n/g, ' ')
        .replace(/[\u2028\u2029]/g, '\n');
      item.content = normalizeRuns(parseInline(source, this.warnings, itemLines[0]!.no));
      if (items.length >= MODEL_LIMITS.items) break;
    }
    list.items = items.filter((item) => item.content.length || item.children);
    return { list, next: i };
  }
}

// ---------------------------------------------------------------------------------------
// Inline

interface Format {
  bold?: true;
  italic?: true;
  href?: string;
}

// Code spans, placeholders, autolinks, HTML tags and escapes are cut out first and stand in
// the text as private-use sentinels, so emphasis and link parsing never look inside them.
const ATOM_OPEN = '\ue000';
const ATOM_CLOSE = '\ue001';
const ATOMS =
  /(`{1,3})([^`]{1,2000})\1(?!`)|\{\{[^{}\n]{0,200}\}\}\}?|#[A-Z][A-Z0-9_]{2,40}#|<((?:https?:\/\/|mailto:)[^\s<>]{1,2048})>|<\/?[A-Za-z][A-Za-z0-9-]{0,40}(?:\s[^<>]{0,1000})?\/?>|\\([!-/:-@[-`{-~])|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

interface Atom {
  text: string;
  href?: string;
  lineBreak?: true;
}

function cutAtoms(source: string): { text: string; atoms: Atom[] } {
  const atoms: Atom[] = [];
  const text = source
    .replace(/[\ue000\ue001]/g, '')
    .replace(ATOMS, (raw, _ticks?: string, code?: string, autolink?: string, escaped?: string) => {
      let atom: Atom;
      if (code !== undefined) atom = { text: code.replace(/^ (.*) $/, '$1') };
      else if (autolink !== undefined) atom = { text: autolink, href: autolink };
      else if (escaped !== undefined) atom = { text: escaped };
      else if (raw.startsWith('&')) atom = { text: decodeEntities(raw) };
      else if (raw.startsWith('<'))
        atom = /^<br\s*\/?>$/i.test(raw) ? { text: '\n', lineBreak: true } : { text: '' };
      else atom = { text: raw }; // a placeholder, kept verbatim
      atoms.push(atom);
      return `${ATOM_OPEN}${atoms.length - 1}${ATOM_CLOSE}`;
    });
  return { text, atoms };
}

const ATOM_REF = /\ue000(\d+)\ue001/g;

function restore(text: string, atoms: Atom[]): string {
  return text.replace(ATOM_REF, (_, n: string) => atoms[Number(n)]?.text ?? '');
}

const isSpace = (ch: string | undefined) => ch === undefined || /[\s\u00a0]/.test(ch);
const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

function canOpen(s: string, i: number, delim: string): boolean {
  const after = s[i + delim.length];
  if (isSpace(after)) return false;
  return !(delim[0] === '_' && isWordChar(s[i - 1]));
}

function canClose(s: string, i: number, delim: string): boolean {
  if (isSpace(s[i - 1])) return false;
  return !(delim[0] === '_' && isWordChar(s[i + delim.length]));
}

// Emphasis and links are searched for at most this far ahead, so hostile input (thousands
// of unmatched "*" or "[") costs linear time, not quadratic.
const REACH = 2_000;
const MAX_NESTING = 16;
/** Failed emphasis/link searches allowed per paragraph before the rest is plain text. */
const MAX_MISSES = 200;

interface Budget {
  misses: number;
}

function findCloser(s: string, from: number, delim: string): number {
  const limit = Math.min(s.length, from + REACH);
  for (let j = from; j < limit; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (!s.startsWith(delim, j)) continue;
    // A single * must not close on half of a ** run.
    if (delim.length === 1 && s[j + 1] === delim && canOpen(s, j, delim + delim)) {
      const inner = findCloser(s, j + 2, delim + delim);
      if (inner > 0) {
        j = inner + 1;
        continue;
      }
    }
    if (j > from && canClose(s, j, delim)) {
      // "***" closing "**": the last two close the bold, the first closes an inner "*".
      return delim.length === 2 && s[j + 2] === delim[0] ? j + 1 : j;
    }
  }
  return -1;
}

/** `[text](url "title")` at i: the text, the url and where it ends. */
function matchLink(s: string, i: number): { text: string; url: string; end: number } | null {
  let depth = 0;
  let j = i;
  const limit = Math.min(s.length, i + REACH);
  for (; j < limit; j++) {
    if (s[j] === '[') depth++;
    else if (s[j] === ']' && --depth === 0) break;
  }
  if (depth !== 0 || s[j + 1] !== '(') return null;
  // The destination may itself contain balanced parentheses.
  let close = -1;
  for (let k = j + 2, open = 0, end = Math.min(s.length, j + 2 + REACH); k < end; k++) {
    if (s[k] === '(') open++;
    else if (s[k] === ')' && open-- === 0) {
      close = k;
      break;
    }
  }
  if (close < 0) return null;
  const target = s.slice(j + 2, close).trim();
  const url = target.replace(/\s+(?:"[^"]*"|'[^']*')$/, '').replace(/^<(.*)>$/, '$1');
  return { text: s.slice(i + 1, j), url, end: close + 1 };
}

function parseSpan(
  s: string,
  format: Format,
  atoms: Atom[],
  out: TextRun[],
  warn: (url: string) => void,
  budget: Budget,
  depth = 0,
): void {
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ text: restore(buffer, atoms), ...format });
    buffer = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === ATOM_OPEN) {
      const end = s.indexOf(ATOM_CLOSE, i);
      const atom = atoms[Number(s.slice(i + 1, end))];
      if (atom?.href) {
        flush();
        const href = sanitizeHref(atom.href);
        out.push(href ? { text: atom.text, ...format, href } : { text: atom.text, ...format });
      } else buffer += s.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (depth >= MAX_NESTING || budget.misses >= MAX_MISSES) {
      buffer += ch;
      i++;
      continue;
    }
    if (ch === '!' && s[i + 1] === '[') {
      const link = matchLink(s, i + 1);
      if (link) {
        buffer += link.text; // an image keeps only its alt text
        i = link.end;
        continue;
      }
      budget.misses++;
    }
    if (ch === '[') {
      const link = matchLink(s, i);
      if (link) {
        flush();
        const href = sanitizeHref(restore(link.url, atoms));
        if (!href && link.url) warn(restore(link.url, atoms));
        parseSpan(
          link.text,
          href ? { ...format, href } : format,
          atoms,
          out,
          warn,
          budget,
          depth + 1,
        );
        i = link.end;
        continue;
      }
      budget.misses++;
    }
    if (ch === '*' || ch === '_') {
      const delim = s[i + 1] === ch ? ch + ch : ch;
      if (canOpen(s, i, delim)) {
        const close = findCloser(s, i + delim.length, delim);
        if (close > 0) {
          flush();
          const inner = s.slice(i + delim.length, close);
          parseSpan(
            inner,
            delim.length === 2 ? { ...format, bold: true } : { ...format, italic: true },
            atoms,
            out,
            warn,
            budget,
            depth + 1,
          );
          i = close + delim.length;
          continue;
        }
        budget.misses++;
      }
      buffer += delim;
      i += delim.length;
      continue;
    }
    buffer += ch;
    i++;
  }
  flush();
}

/** Inline Markdown to runs. */
export function parseInline(
  source: string,
  warnings: ImportWarning[] = [],
  line?: number,
): TextRun[] {
  const { text, atoms } = cutAtoms(source);
  const runs: TextRun[] = [];
  const budget: Budget = { misses: 0 };
  const warn = (url: string) => {
    warnings.push({
      code: 'LINK_DROPPED',
      message: `The link "${url.slice(0, 60)}" was removed (only absolute http(s) and mailto links are kept); its text stays.`,
      ...(line ? { line } : {}),
    });
  };
  parseSpan(text, {}, atoms, runs, warn, budget);
  return runs;
}

function inlineText(source: string, warnings: ImportWarning[], line: number): string {
  return tidyText(runsText(parseInline(source, warnings, line)));
}

/** Converts Markdown into model blocks with their source lines. */
export function markdownToBlocks(markdown: string): ImportedBlocks {
  const warnings: ImportWarning[] = [];
  const parser = new MarkdownParser(warnings);
  const lines = markdown.split('\n').map((text, k) => ({ text, no: k + 1 }));
  parser.parse(lines);
  return { blocks: parser.blocks, locations: parser.locations, warnings };
}
