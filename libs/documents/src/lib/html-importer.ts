import type { Block, HeadingLevel, ListBlock, ListItem, TableBlock, TextRun } from './model';
import { MODEL_LIMITS, normalizeRuns, runsText, sanitizeHref, tidyText } from './model';
import type { BlockLocation, ImportWarning, ImportedBlocks } from './import-types';
import { decodeEntities } from './html-entities';
import { headingFromLine, headingFromText, levelForDepth, parseClauseHeading } from './structure';
import { isSubprocessorsMarker } from './placeholders';

/**
 * HTML to the document model. Only text and a little structure survive: headings,
 * paragraphs, bold/italic, safe links, lists and tables. Scripts, styles, embedded objects,
 * forms and every attribute except a link's http(s)/mailto href are dropped; unknown tags
 * are unwrapped and their text kept. The output is text, never markup, so a parsing quirk
 * can garble text but cannot inject anything.
 *
 * A small tokenizer of our own rather than htmlparser2: htmlparser2 12 is ESM-only and the
 * Jest setup (CommonJS on Node 20) cannot load it; this one is pure and runs in browsers.
 */

interface Element {
  type: 'element';
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  line: number;
}
interface Text {
  type: 'text';
  text: string;
  line: number;
}
type Node = Element | Text;

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Elements whose content is not HTML and is skipped wholesale. */
const RAW = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'template',
  'plaintext',
]);
/** Elements dropped together with everything inside them. */
const DROP = new Set([
  ...RAW,
  'head',
  'meta',
  'link',
  'base',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'canvas',
  'audio',
  'video',
  'picture',
  'img',
  'input',
  'select',
  'button',
  'option',
  'datalist',
  'dialog',
  'frame',
  'frameset',
  'map',
]);
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'html',
  'legend',
  'main',
  'menu',
  'nav',
  'p',
  'pre',
  'section',
  'summary',
  'caption',
  'hr',
  'root',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
]);
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'div',
  'dl',
  'fieldset',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'ul',
]);
const MAX_DEPTH = 200;

function lineIndex(html: string): (pos: number) => number {
  const starts = [0];
  for (let i = 0; i < html.length; i++) if (html.charCodeAt(i) === 10) starts.push(i + 1);
  return (pos) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

const TAG_NAME = /^[A-Za-z][A-Za-z0-9:-]*/;
const ATTRIBUTE = /^\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/;

/** Tokenizes and builds a forgiving tree: implied end tags for p, li, tr, td/th, dt/dd. */
export function parseHtmlTree(html: string, firstLine = 1): Element {
  const lineOf = lineIndex(html);
  const root: Element = { type: 'element', name: 'root', attrs: {}, children: [], line: firstLine };
  const stack: Element[] = [root];
  const top = () => stack[stack.length - 1]!;
  const at = (pos: number) => lineOf(pos) + firstLine - 1;
  const addText = (text: string, pos: number) => {
    if (text) top().children.push({ type: 'text', text: decodeEntities(text), line: at(pos) });
  };
  const closeUpTo = (names: string[], boundaries: string[]) => {
    for (let i = stack.length - 1; i > 0; i--) {
      const name = stack[i]!.name;
      if (boundaries.includes(name)) return;
      if (names.includes(name)) {
        stack.length = i;
        return;
      }
    }
  };

  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      addText(html.slice(pos), pos);
      break;
    }
    if (lt > pos) addText(html.slice(pos, lt), pos);
    pos = lt;
    if (html.startsWith('<!--', pos)) {
      const end = html.indexOf('-->', pos + 4);
      pos = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html[pos + 1] === '!' || html[pos + 1] === '?') {
      const end = html.indexOf('>', pos);
      pos = end < 0 ? html.length : end + 1;
      continue;
    }
    if (html[pos + 1] === '/') {
      const name = TAG_NAME.exec(html.slice(pos + 2, pos + 66))?.[0]?.toLowerCase();
      const end = html.indexOf('>', pos);
      pos = end < 0 ? html.length : end + 1;
      if (!name) continue;
      for (let i = stack.length - 1; i > 0; i--) {
        if (stack[i]!.name === name) {
          stack.length = i;
          break;
        }
        if (
          name !== 'p' &&
          ['table', 'ul', 'ol'].includes(stack[i]!.name) &&
          !['table', 'ul', 'ol'].includes(name)
        )
          break;
      }
      continue;
    }
    const nameMatch = TAG_NAME.exec(html.slice(pos + 1, pos + 65));
    if (!nameMatch) {
      addText('<', pos);
      pos += 1;
      continue;
    }
    const name = nameMatch[0].toLowerCase();
    let cursor = pos + 1 + nameMatch[0].length;
    const attrs: Record<string, string> = Object.create(null);
    let selfClosing = false;
    for (;;) {
      const rest = html.slice(cursor, cursor + 4096);
      const trimmed = rest.replace(/^\s+/, '');
      if (!trimmed) {
        cursor = html.length;
        break;
      }
      if (trimmed.startsWith('/>')) {
        selfClosing = true;
        cursor += rest.length - trimmed.length + 2;
        break;
      }
      if (trimmed.startsWith('>')) {
        cursor += rest.length - trimmed.length + 1;
        break;
      }
      const attr = ATTRIBUTE.exec(rest);
      if (!attr) {
        cursor += rest.length - trimmed.length + 1; // skip a stray character such as '/'
        continue;
      }
      const key = attr[1]!.toLowerCase();
      if (!(key in attrs)) attrs[key] = decodeEntities(attr[2] ?? attr[3] ?? attr[4] ?? '');
      cursor += attr[0].length;
    }
    const tagLine = at(pos);
    pos = cursor;

    if (CLOSES_P.has(name))
      closeUpTo(['p'], ['table', 'td', 'th', 'li', 'ul', 'ol', 'blockquote', 'div']);
    if (name === 'li') closeUpTo(['li'], ['ul', 'ol', 'table']);
    if (name === 'dt' || name === 'dd') closeUpTo(['dt', 'dd'], ['dl', 'table']);
    if (name === 'tr') closeUpTo(['tr'], ['table', 'thead', 'tbody', 'tfoot']);
    if (name === 'td' || name === 'th') closeUpTo(['td', 'th'], ['tr', 'table']);
    if (['thead', 'tbody', 'tfoot'].includes(name))
      closeUpTo(['thead', 'tbody', 'tfoot'], ['table']);

    const element: Element = { type: 'element', name, attrs, children: [], line: tagLine };
    top().children.push(element);
    if (RAW.has(name)) {
      const closing = new RegExp(`</${name}\\s*>`, 'gi');
      closing.lastIndex = pos;
      const close = closing.exec(html);
      const end = close ? close.index : html.length;
      element.children.push({ type: 'text', text: html.slice(pos, end), line: at(pos) });
      pos = close ? end + close[0].length : html.length;
      continue;
    }
    if (!selfClosing && !VOID.has(name) && stack.length < MAX_DEPTH) stack.push(element);
  }
  return root;
}

interface Format {
  bold?: true;
  italic?: true;
  href?: string;
  pre?: true;
}

const HEADING = /^h([1-6])$/;

export interface HtmlImportOptions {
  /** Line numbers are meaningless for HTML made by a converter (Word). */
  withLines?: boolean;
  firstLine?: number;
}

class Converter {
  readonly blocks: Block[] = [];
  readonly locations: BlockLocation[] = [];
  private runs: TextRun[] = [];
  private runsLine: number | undefined;
  private readonly dropped = new Set<string>();
  private readonly droppedLinks = new Set<string>();

  constructor(
    readonly warnings: ImportWarning[],
    private readonly withLines: boolean,
  ) {}

  private location(line: number | undefined): BlockLocation {
    return this.withLines && line !== undefined ? { line } : {};
  }

  private emit(block: Block, line: number | undefined): void {
    if (this.blocks.length >= MODEL_LIMITS.blocks) return;
    this.blocks.push(block);
    this.locations.push(this.location(line));
  }

  private text(text: string, format: Format): string {
    const collapsed = format.pre ? text : text.replace(/[ \t\n\r\f]+/g, ' ');
    return collapsed;
  }

  flush(): void {
    const runs = normalizeRuns(this.runs);
    const line = this.runsLine;
    this.runs = [];
    this.runsLine = undefined;
    if (!runs.some((r) => r.text.trim())) return;
    const text = runsText(runs);
    if (isSubprocessorsMarker(text)) {
      this.emit({ type: 'subprocessors' }, line);
      return;
    }
    // Word users mark headings by typing "7. Fortrolighed" or "Bilag A" on its own, or by
    // making a short paragraph bold.
    if (!text.includes('\n') && !runs.some((r) => r.href)) {
      const guessed = headingFromLine(text);
      if (guessed) {
        this.emit(guessed, line);
        return;
      }
      if (
        runs.every((r) => r.bold || !r.text.trim()) &&
        text.length <= 100 &&
        !/[.;,:]$/.test(text) &&
        /\p{L}/u.test(text)
      ) {
        const clause = parseClauseHeading(text, false);
        this.emit(
          clause
            ? {
                type: 'heading',
                level: levelForDepth(clause.depth),
                text: clause.title,
                clause: clause.clause,
              }
            : { type: 'heading', level: 3, text: text.trim() },
          line,
        );
        return;
      }
    }
    this.emit({ type: 'paragraph', content: runs }, line);
  }

  private drop(name: string): void {
    if (this.dropped.has(name)) return;
    this.dropped.add(name);
    if (
      [
        'script',
        'style',
        'iframe',
        'object',
        'embed',
        'applet',
        'frame',
        'frameset',
        'form',
        'input',
        'button',
        'select',
        'textarea',
      ].includes(name)
    ) {
      this.warnings.push({
        code: 'CONTENT_DROPPED',
        message: `<${name}> elements were removed: a document keeps only text.`,
      });
    }
  }

  private linkFormat(element: Element, format: Format): Format {
    const raw = element.attrs['href'];
    if (raw === undefined) return format;
    const href = sanitizeHref(raw);
    if (href) return { ...format, href };
    const shown = raw.trim().slice(0, 60);
    if (shown && !shown.startsWith('#') && !this.droppedLinks.has(shown)) {
      this.droppedLinks.add(shown);
      this.warnings.push({
        code: 'LINK_DROPPED',
        message: `The link "${shown}" was removed (only absolute http(s) and mailto links are kept); its text stays.`,
        ...(this.withLines ? { line: element.line } : {}),
      });
    }
    return format;
  }

  walk(node: Node, format: Format): void {
    if (node.type === 'text') {
      let text = this.text(node.text, format);
      // Browsers collapse white space across element boundaries; so do we.
      const previous = this.runs[this.runs.length - 1]?.text;
      if (
        !format.pre &&
        text.startsWith(' ') &&
        (previous === undefined || /[ \n]$/.test(previous))
      ) {
        text = text.slice(1);
      }
      if (!text) return;
      if (this.runsLine === undefined && text.trim()) this.runsLine = node.line;
      this.runs.push({ text, ...pick(format) });
      return;
    }
    const { name } = node;
    if (DROP.has(name)) {
      this.drop(name);
      return;
    }
    const heading = HEADING.exec(name);
    if (heading) {
      this.flush();
      const text = tidyText(inlineText(node));
      if (text) this.emit(headingFromText(text, Number(heading[1]) as HeadingLevel), node.line);
      return;
    }
    switch (name) {
      case 'br':
        this.runs.push({ text: '\n', ...pick(format) });
        return;
      case 'hr':
        this.flush();
        return;
      case 'ul':
      case 'ol': {
        this.flush();
        const parts: number[] = [];
        const list = this.list(node, parts, 0);
        if (list.items.length) {
          this.emit(list, node.line);
          if (this.withLines) this.locations[this.locations.length - 1]!.parts = parts;
        }
        return;
      }
      case 'table': {
        this.flush();
        const parts: number[] = [];
        const table = this.table(node, parts);
        if (table) {
          this.emit(table, node.line);
          if (this.withLines) this.locations[this.locations.length - 1]!.parts = parts;
        }
        return;
      }
      case 'b':
      case 'strong':
        return this.children(node, { ...format, bold: true });
      case 'i':
      case 'em':
      case 'cite':
      case 'dfn':
        return this.children(node, { ...format, italic: true });
      case 'a':
        return this.children(node, this.linkFormat(node, format));
      case 'pre':
        this.flush();
        this.children(node, { ...format, pre: true });
        this.flush();
        return;
    }
    if (BLOCK.has(name)) {
      this.flush();
      this.children(node, format);
      this.flush();
      return;
    }
    // Unknown or purely presentational inline element: keep its text.
    this.children(node, format);
  }

  private children(node: Element, format: Format): void {
    for (const child of node.children) this.walk(child, format);
  }

  private list(node: Element, parts: number[], depth: number): ListBlock {
    const items: ListItem[] = [];
    const list: ListBlock = { type: 'list', ordered: node.name === 'ol', items };
    const start = Number.parseInt(node.attrs['start'] ?? '', 10);
    if (list.ordered && Number.isFinite(start) && start >= 0 && start !== 1) list.start = start;
    for (const child of node.children) {
      if (child.type === 'text') continue;
      if (
        (child.name === 'ul' || child.name === 'ol') &&
        items.length &&
        depth < MODEL_LIMITS.listDepth - 1
      ) {
        // A list directly inside a list belongs to the item before it.
        const previous = items[items.length - 1]!;
        const nested = this.list(child, parts, depth + 1);
        previous.children = previous.children
          ? { ...previous.children, items: [...previous.children.items, ...nested.items] }
          : nested;
        continue;
      }
      if (items.length >= MODEL_LIMITS.items) break;
      const runs: TextRun[] = [];
      const nestedLists: Element[] = [];
      collectInline(child, {}, runs, child.name === 'li' ? nestedLists : undefined, this);
      const item: ListItem = { content: normalizeRuns(runs) };
      parts.push(child.line);
      items.push(item);
      for (const nestedList of nestedLists) {
        if (depth >= MODEL_LIMITS.listDepth - 1) break;
        const nested = this.list(nestedList, parts, depth + 1);
        item.children = item.children
          ? { ...item.children, items: [...item.children.items, ...nested.items] }
          : nested;
      }
    }
    // Items emptied by sanitising (an <li> holding only an image) add nothing.
    list.items = items.filter((item) => item.content.length || item.children);
    return list;
  }

  private table(node: Element, parts: number[]): TableBlock | null {
    const rows: { cells: string[]; header: boolean; allTh: boolean; line: number }[] = [];
    const visit = (element: Element, inHead: boolean) => {
      for (const child of element.children) {
        if (child.type === 'text') continue;
        if (child.name === 'tr') {
          const cells = child.children.filter(
            (c): c is Element => c.type === 'element' && (c.name === 'td' || c.name === 'th'),
          );
          rows.push({
            cells: cells.slice(0, MODEL_LIMITS.columns).map((cell) => tidyText(inlineText(cell))),
            header: inHead,
            allTh: cells.length > 0 && cells.every((c) => c.name === 'th'),
            line: child.line,
          });
        } else if (['thead', 'tbody', 'tfoot'].includes(child.name)) {
          visit(child, child.name === 'thead');
        } else if (child.name === 'caption') {
          continue;
        }
      }
    };
    visit(node, false);
    if (!rows.length || rows.length > MODEL_LIMITS.rows) return null;
    let headerIndex = -1;
    rows.forEach((row, i) => {
      if (row.header) headerIndex = i;
    });
    if (headerIndex < 0 && rows[0]!.allTh) headerIndex = 0;
    const width = Math.max(...rows.map((r) => r.cells.length));
    const pad = (cells: string[]) => [...cells, ...Array<string>(width - cells.length).fill('')];
    const header = headerIndex >= 0 ? pad(rows[headerIndex]!.cells) : [];
    const body = rows.filter((_, i) => i !== headerIndex && (headerIndex < 0 || !rows[i]!.header));
    if (headerIndex >= 0) parts.push(rows[headerIndex]!.line);
    const kept = body.filter((r) => r.cells.some((c) => c));
    for (const row of kept) parts.push(row.line);
    if (!header.length && !kept.length) return null;
    return { type: 'table', header, rows: kept.map((r) => pad(r.cells)) };
  }

  warnDropped(name: string): void {
    this.drop(name);
  }
}

function pick(format: Format): Omit<TextRun, 'text'> {
  const out: Omit<TextRun, 'text'> = {};
  if (format.bold) out.bold = true;
  if (format.italic) out.italic = true;
  if (format.href) out.href = format.href;
  return out;
}

/**
 * Inline content of an element as runs; block boundaries inside become line breaks. Lists
 * nested in a list item are handed back instead of flattened.
 */
function collectInline(
  node: Node,
  format: Format,
  runs: TextRun[],
  nestedLists: Element[] | undefined,
  converter: Converter,
): void {
  if (node.type === 'text') {
    let text = format.pre ? node.text : node.text.replace(/[ \t\n\r\f]+/g, ' ');
    const previous = runs[runs.length - 1]?.text;
    if (
      !format.pre &&
      text.startsWith(' ') &&
      (previous === undefined || /[ \n]$/.test(previous))
    ) {
      text = text.slice(1);
    }
    if (text) runs.push({ text, ...pick(format) });
    return;
  }
  const { name } = node;
  if (DROP.has(name)) {
    converter.warnDropped(name);
    return;
  }
  if ((name === 'ul' || name === 'ol') && nestedLists) {
    nestedLists.push(node);
    return;
  }
  let next = format;
  if (name === 'b' || name === 'strong') next = { ...format, bold: true };
  else if (name === 'i' || name === 'em') next = { ...format, italic: true };
  else if (name === 'a' && node.attrs['href'] !== undefined) {
    const href = sanitizeHref(node.attrs['href']);
    next = href ? { ...format, href } : format;
  } else if (name === 'pre') next = { ...format, pre: true };
  if (name === 'br') {
    runs.push({ text: '\n' });
    return;
  }
  const block = BLOCK.has(name) && name !== 'li';
  if (block && runs.length) runs.push({ text: '\n' });
  for (const child of node.children) collectInline(child, next, runs, nestedLists, converter);
  if (block) runs.push({ text: '\n' });
  if (name === 'td' || name === 'th') runs.push({ text: ' ' });
}

const silent = new Converter([], false);

/** The plain text of an element, block boundaries as line breaks. */
function inlineText(node: Element): string {
  const runs: TextRun[] = [];
  collectInline(node, {}, runs, undefined, silent);
  return runs.map((r) => r.text).join('');
}

/** Converts HTML into model blocks with their source lines. */
export function htmlToBlocks(html: string, options: HtmlImportOptions = {}): ImportedBlocks {
  const warnings: ImportWarning[] = [];
  const converter = new Converter(warnings, options.withLines ?? true);
  const tree = parseHtmlTree(html, options.firstLine ?? 1);
  converter.walk(tree, {});
  converter.flush();
  return { blocks: converter.blocks, locations: converter.locations, warnings };
}

/** Strips tags and decodes entities: the text of an HTML fragment found inside plain text. */
export function htmlFragmentText(fragment: string): string {
  return tidyText(inlineText(parseHtmlTree(fragment)));
}
