import type { Block, HeadingBlock, ListBlock, ListItem, TableBlock } from './model';
import { MODEL_LIMITS, normalizeRuns, tidyText } from './model';
import type { BlockLocation, ImportWarning, ImportedBlocks } from './import-types';
import { htmlFragmentText, htmlToBlocks } from './html-importer';
import { headingFromLine } from './structure';
import { isSubprocessorsMarker } from './placeholders';
import {
  gluedRowPattern,
  parseGluedHeader,
  recogniseSubprocessorHeader,
  splitGluedRow,
  type ColumnKind,
} from './subprocessor-table';

/**
 * Plain text, as vendors keep it after copying from a web page or a PDF: one paragraph per
 * line, clause numbers typed by hand ("7.2", "2.Præambel", "§ 3"), headings in CAPS or as
 * short lines of their own, "Bilag A" annexes, bullet characters, tables as tab- or
 * pipe-separated lines, raw HTML left over from the conversion, and tables whose cell
 * boundaries were lost altogether.
 */

interface Line {
  text: string;
  no: number;
}

const BLANK = /^\s*$/;
const BULLET = /^(\s*)(?:([•·▪◦‣∙●○■□])\s*|([-–*])[ \t\u00a0]+|(?<=^\s+)([-–])(?=\S))(\S.*)$/u;
// Numbered items count as list items only when indented (" 1. ..."); unindented numbered
// lines are clauses or their paragraphs.
const INDENTED_NUMBER = /^([ \t\u00a0]+)(\d{1,2}|[a-z])([.)])[ \t\u00a0]+(\S.*)$/u;
const ITEM_NUMBER =
  /^((?:\d{1,2}(?:\.\d{1,2}){0,3}[a-z]?\.)|\d{1,2}(?:\.\d{1,2}){1,3}|[a-z][.)])(?:[ \t\u00a0]+|(?=\p{Lu}))(\S.*)$/u;
const STARTS_NUMBERED = /^\s*(?:§\s*)?\d{1,2}(?:\.\d{1,2}){0,3}[a-z]?(?:\.|\s)/u;
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/;
const TOC_TITLE = /^(indhold|indholdsfortegnelse|contents|table of contents)$/i;

interface ListLine {
  indent: number;
  marker?: string;
  text: string;
  no: number;
}

function asListLine(line: Line): ListLine | null {
  const bullet = BULLET.exec(line.text);
  if (bullet) {
    const indent = bullet[1]?.length ?? /^\s*/.exec(line.text)?.[0].length ?? 0;
    const text = bullet[5]!.trim();
    const numbered = ITEM_NUMBER.exec(text);
    return numbered
      ? { indent, marker: numbered[1]!, text: numbered[2]!.trim(), no: line.no }
      : { indent, text, no: line.no };
  }
  const ordered = INDENTED_NUMBER.exec(line.text);
  if (ordered) {
    return {
      indent: ordered[1]!.length,
      marker: `${ordered[2]}${ordered[3]}`,
      text: ordered[4]!.trim(),
      no: line.no,
    };
  }
  return null;
}

function letterStats(text: string): { letters: number; upper: number } {
  const letters = text.match(/\p{L}/gu) ?? [];
  return { letters: letters.length, upper: letters.filter((ch) => /\p{Lu}/u.test(ch)).length };
}

function capsHeading(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length > 80 || /[\t|]/.test(trimmed)) return false;
  const { letters, upper } = letterStats(trimmed.replace(/\{\{[^}]*\}\}|#[A-Z0-9_]+#/g, ''));
  return letters >= 4 && upper / letters >= 0.8 && !/[.;,]$/.test(trimmed);
}

function shortTitle(text: string): boolean {
  const trimmed = text.trim();
  return (
    trimmed.length <= 60 &&
    trimmed.split(/\s+/).length <= 8 &&
    /^\p{Lu}/u.test(trimmed) &&
    !/[.,;:!?]$/.test(trimmed) &&
    !HTML_TAG.test(trimmed) &&
    !/\t/.test(trimmed)
  );
}

class TextParser {
  readonly blocks: Block[] = [];
  readonly locations: BlockLocation[] = [];
  readonly warnings: ImportWarning[] = [];
  private paragraph: Line[] = [];
  private readonly htmlLines = new Set<number>();

  constructor(private readonly lines: Line[]) {}

  private emit(block: Block, location: BlockLocation): void {
    if (this.blocks.length >= MODEL_LIMITS.blocks) return;
    this.blocks.push(block);
    this.locations.push(location);
  }

  private flush(): void {
    if (!this.paragraph.length) return;
    const lines = this.paragraph;
    this.paragraph = [];
    const text = lines.map((l) => this.stripHtml(l)).join('\n');
    const runs = normalizeRuns([{ text }]);
    if (!runs.length) return;
    if (isSubprocessorsMarker(text)) this.emit({ type: 'subprocessors' }, { line: lines[0]!.no });
    else this.emit({ type: 'paragraph', content: runs }, { line: lines[0]!.no });
  }

  /** Raw HTML tags left in the text by a converter: keep the text, report the line. */
  private stripHtml(line: Line): string {
    if (!HTML_TAG.test(line.text)) return line.text.trim();
    if (this.htmlLines.has(line.no)) return htmlFragmentText(line.text);
    this.htmlLines.add(line.no);
    this.warnings.push({
      code: 'RAW_HTML_REMOVED',
      message: `Line ${line.no} contained HTML tags; they were removed and the text kept.`,
      line: line.no,
    });
    return htmlFragmentText(line.text);
  }

  private prevBlank(i: number): boolean {
    return i === 0 || BLANK.test(this.lines[i - 1]!.text);
  }

  private nextNonBlank(i: number): Line | undefined {
    for (let j = i + 1; j < this.lines.length; j++)
      if (!BLANK.test(this.lines[j]!.text)) return this.lines[j];
    return undefined;
  }

  parse(): void {
    const { lines } = this;
    let i = 0;
    while (i < lines.length) {
      const line = lines[i]!;
      const text = line.text;
      if (BLANK.test(text)) {
        this.flush();
        i++;
        continue;
      }
      if (/<table\b/i.test(text)) {
        this.flush();
        i = this.htmlTable(i);
        continue;
      }
      if (text.includes('\t') && text.split('\t').filter((c) => c.trim()).length >= 2) {
        this.flush();
        i = this.delimitedTable(i, '\t');
        continue;
      }
      if (
        /^\s*\|.*\|/.test(text) ||
        (text.split('|').length >= 3 && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1]?.text ?? ''))
      ) {
        this.flush();
        i = this.delimitedTable(i, '|');
        continue;
      }
      const glued = parseGluedHeader(text);
      if (glued) {
        this.flush();
        i = this.gluedTable(i, glued.cells, glued.kinds);
        continue;
      }
      if (asListLine(line)) {
        this.flush();
        i = this.list(i);
        continue;
      }
      const heading = headingFromLine(text);
      if (heading) {
        this.flush();
        this.emit(heading, { line: line.no });
        i++;
        continue;
      }
      if (this.prevBlank(i) && capsHeading(text)) {
        this.flush();
        this.emit({ type: 'heading', level: 2, text: text.trim() }, { line: line.no });
        i++;
        continue;
      }
      if (this.prevBlank(i) && shortTitle(text)) {
        const next = this.nextNonBlank(i);
        if (next && (asListLine(next) || next.text.trim().length > 60)) {
          this.flush();
          this.emit({ type: 'heading', level: 3, text: text.trim() }, { line: line.no });
          i++;
          continue;
        }
      }
      // A numbered line opens its own paragraph: "1.Databehandleren må kun ...".
      if (STARTS_NUMBERED.test(text)) this.flush();
      this.paragraph.push(line);
      i++;
    }
    this.flush();
    this.tableOfContents();
  }

  private htmlTable(start: number): number {
    let end = start;
    const body: string[] = [];
    while (end < this.lines.length) {
      const text = this.lines[end]!.text;
      body.push(text);
      end++;
      if (/<\/table\s*>/i.test(text)) break;
    }
    const imported = htmlToBlocks(body.join('\n'), { firstLine: this.lines[start]!.no });
    imported.blocks.forEach((block, k) => this.emit(block, imported.locations[k] ?? {}));
    this.warnings.push(...imported.warnings, {
      code: 'RAW_HTML_REMOVED',
      message: `Lines ${this.lines[start]!.no}-${this.lines[end - 1]!.no} held an HTML table; it was kept as a table.`,
      line: this.lines[start]!.no,
    });
    return end;
  }

  private cell(raw: string, line: Line): string {
    const text = HTML_TAG.test(raw) ? this.stripHtml({ text: raw, no: line.no }) : raw;
    return tidyText(text);
  }

  private delimitedTable(start: number, separator: '\t' | '|'): number {
    const rows: { cells: string[]; no: number }[] = [];
    let i = start;
    while (i < this.lines.length) {
      const line = this.lines[i]!;
      if (BLANK.test(line.text) || !line.text.includes(separator)) break;
      i++;
      let cells = line.text.split(separator);
      if (separator === '|') {
        if (/^\s*\|?[\s:|-]+$/.test(line.text) && line.text.includes('-')) continue; // | --- | --- |
        if (!cells[0]!.trim()) cells = cells.slice(1);
        if (cells.length && !cells[cells.length - 1]!.trim()) cells = cells.slice(0, -1);
      }
      rows.push({
        cells: cells.slice(0, MODEL_LIMITS.columns).map((c) => this.cell(c, line)),
        no: line.no,
      });
    }
    const [head, ...body] = rows;
    if (!head) return i;
    const width = Math.max(...rows.map((r) => r.cells.length));
    const pad = (cells: string[]) => [...cells, ...Array<string>(width - cells.length).fill('')];
    const table: TableBlock = {
      type: 'table',
      header: pad(head.cells).map((c) => c.replace(/:$/, '')),
      rows: body.map((r) => pad(r.cells)),
    };
    this.emitTable(table, [head.no, ...body.map((r) => r.no)]);
    return i;
  }

  private gluedTable(start: number, header: string[], kinds: ColumnKind[]): number {
    const pattern = gluedRowPattern(kinds);
    const rows: string[][] = [];
    const parts = [this.lines[start]!.no];
    let i = start + 1;
    while (pattern && i < this.lines.length && !BLANK.test(this.lines[i]!.text)) {
      const cells = splitGluedRow(pattern, kinds, this.lines[i]!.text);
      if (!cells) {
        this.warnings.push({
          code: 'UNPARSED_TABLE_ROW',
          message: `Line ${this.lines[i]!.no} follows the table at line ${this.lines[start]!.no} but could not be split into its columns; it was kept as text.`,
          line: this.lines[i]!.no,
        });
        break;
      }
      rows.push(cells);
      parts.push(this.lines[i]!.no);
      i++;
    }
    this.emitTable({ type: 'table', header, rows }, parts);
    return i;
  }

  private emitTable(table: TableBlock, parts: number[]): void {
    const line = parts[0]!;
    if (!table.rows.length) {
      this.warnings.push({
        code: 'EMPTY_TABLE',
        message: `The table at line ${line} has a header but no rows.`,
        line,
      });
    }
    if (recogniseSubprocessorHeader(table.header)) {
      this.warnings.push({
        code: 'SUBPROCESSOR_TABLE',
        message: `The table at line ${line} lists sub-processors (${table.rows.length} rows). Keep them as data and put {{subprocessors}} on its own line instead, so changes reach every customer.`,
        line,
      });
    }
    this.emit(table, { line, parts });
  }

  private list(start: number): number {
    const entries: ListLine[] = [];
    let i = start;
    while (i < this.lines.length) {
      const line = this.lines[i]!;
      if (BLANK.test(line.text)) {
        const next = this.nextNonBlank(i);
        const nextIndex = next ? this.lines.indexOf(next, i) : -1;
        if (!next || !asListLine(next)) break;
        i = nextIndex;
        continue;
      }
      const entry = asListLine(line);
      if (!entry) break;
      entries.push({ ...entry, text: this.stripHtml({ text: entry.text, no: line.no }) });
      i++;
    }
    const root: ListBlock = { type: 'list', ordered: false, items: [] };
    const stack: { indent: number; list: ListBlock }[] = [
      { indent: entries[0]!.indent, list: root },
    ];
    const parts: number[] = [];
    const order: ListItem[] = [];
    for (const entry of entries) {
      while (stack.length > 1 && entry.indent < stack[stack.length - 1]!.indent) stack.pop();
      let top = stack[stack.length - 1]!;
      const parent = top.list.items[top.list.items.length - 1];
      if (entry.indent > top.indent && parent && stack.length < MODEL_LIMITS.listDepth) {
        parent.children ??= { type: 'list', ordered: false, items: [] };
        top = { indent: entry.indent, list: parent.children };
        stack.push(top);
      }
      const item: ListItem = { content: normalizeRuns([{ text: entry.text }]) };
      if (entry.marker) item.marker = entry.marker;
      top.list.items.push(item);
      order.push(item);
      parts.push(entry.no);
    }
    // Lines are collected in document order, which is the walker's depth-first order.
    const markOrdered = (list: ListBlock) => {
      list.ordered = list.items.length > 0 && list.items.every((item) => item.marker);
      list.items.forEach((item) => item.children && markOrdered(item.children));
    };
    markOrdered(root);
    if (order.length) this.emit(root, { line: entries[0]!.no, parts });
    return i;
  }

  /**
   * A run of four or more numbered headings with nothing between them is a table of
   * contents, not the document's structure: it becomes a list.
   */
  private tableOfContents(): void {
    const isClause = (b: Block | undefined): b is HeadingBlock =>
      b?.type === 'heading' && !!b.clause;
    for (let i = 0; i < this.blocks.length; i++) {
      if (!isClause(this.blocks[i])) continue;
      // Entries of a table of contents count upwards; the first real heading after it
      // ("2.Præambel" after "15. Kontaktpersoner") starts over.
      const top = (h: HeadingBlock) => Number.parseInt(h.clause!.replace(/^§ /, ''), 10);
      let j = i;
      while (
        isClause(this.blocks[j + 1]) &&
        top(this.blocks[j + 1] as HeadingBlock) > top(this.blocks[j] as HeadingBlock)
      )
        j++;
      if (j - i + 1 < 4) {
        i = j;
        continue;
      }
      const first = this.blocks[i] as HeadingBlock;
      const from = TOC_TITLE.test(first.text) ? i + 1 : i;
      const headings = this.blocks.slice(from, j + 1) as HeadingBlock[];
      const parts = this.locations.slice(from, j + 1).map((l) => l.line ?? 0);
      const list: ListBlock = {
        type: 'list',
        ordered: true,
        items: headings.map((h) => ({ content: [{ text: h.text }], marker: `${h.clause}.` })),
      };
      this.blocks.splice(from, j + 1 - from, list);
      this.locations.splice(from, j + 1 - from, { line: parts[0]!, parts });
      this.warnings.push({
        code: 'TABLE_OF_CONTENTS',
        message: `Lines ${parts[0]}-${parts[parts.length - 1]} look like a table of contents; they were kept as a list, not as headings.`,
        line: parts[0]!,
      });
      i = from;
    }
  }
}

/** Converts plain text into model blocks with their source lines. */
export function textToBlocks(text: string): ImportedBlocks {
  const lines = text.split('\n').map((line, k) => ({ text: line, no: k + 1 }));
  const parser = new TextParser(lines);
  parser.parse();
  return { blocks: parser.blocks, locations: parser.locations, warnings: parser.warnings };
}
