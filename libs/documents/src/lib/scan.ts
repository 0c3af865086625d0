import type { Block, DocumentModel, ListBlock, TextRun } from './model';
import type { BlockLocation, PlaceholderOccurrence, SuspectedBlank } from './import-types';
import { findBlanks } from './blanks';
import {
  checkPath,
  describeProblem,
  tokenizeTemplate,
  type PlaceholderProblem,
} from './placeholders';

/**
 * Walks every piece of template text in a model, in document order, with where it sits.
 * The scanner tokenizes each run on its own, exactly as the renderer does.
 */
export interface TextSite {
  /** 0-based block index. */
  block: number;
  /** The whole text the runs belong to (paragraph, list item, cell, heading). */
  context: string;
  runs: { text: string; offset: number }[];
  /** Source line of the context's first character, when known. */
  line?: number;
  kind: 'heading' | 'paragraph' | 'item' | 'cell';
}

function runSites(content: readonly TextRun[]) {
  let offset = 0;
  return content.map((run) => {
    const site = { text: run.text, offset };
    offset += run.text.length;
    return site;
  });
}

export function walkText(
  model: DocumentModel,
  locations: readonly BlockLocation[] | undefined,
  visit: (site: TextSite) => void,
): void {
  model.blocks.forEach((block: Block, index) => {
    const location = locations?.[index];
    const part = (i: number) => location?.parts?.[i] ?? location?.line;
    const base = { block: index };
    switch (block.type) {
      case 'heading':
        visit({
          ...base,
          kind: 'heading',
          context: block.text,
          runs: [{ text: block.text, offset: 0 }],
          ...line(location?.line),
        });
        break;
      case 'paragraph':
        visit({
          ...base,
          kind: 'paragraph',
          context: block.content.map((r) => r.text).join(''),
          runs: runSites(block.content),
          ...line(location?.line),
        });
        break;
      case 'list': {
        let ordinal = 0;
        const walkList = (list: ListBlock) => {
          for (const item of list.items) {
            const at = part(ordinal++);
            visit({
              ...base,
              kind: 'item',
              context: item.content.map((r) => r.text).join(''),
              runs: runSites(item.content),
              ...line(at),
            });
            if (item.children) walkList(item.children);
          }
        };
        walkList(block);
        break;
      }
      case 'table': {
        const rows = block.header.length ? [block.header, ...block.rows] : block.rows;
        rows.forEach((row, r) => {
          for (const cell of row) {
            visit({
              ...base,
              kind: 'cell',
              context: cell,
              runs: [{ text: cell, offset: 0 }],
              ...line(part(r)),
            });
          }
        });
        break;
      }
      case 'subprocessors':
        break;
    }
  });
}

function line(value: number | undefined): { line?: number } {
  return value === undefined ? {} : { line: value };
}

/** About 40 characters of context around [start, end), on one line. */
export function contextAround(text: string, start: number, end: number, width = 40): string {
  const half = Math.floor(width / 2);
  const from = Math.max(0, start - half);
  const to = Math.min(text.length, end + half);
  const snippet = text.slice(from, to).replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '…' : ''}${snippet}${to < text.length ? '…' : ''}`;
}

const newlineCache = new WeakMap<TextSite, number[]>();

/** The source line of a character in a site's context (binary search; contexts can be long). */
export function lineAt(site: TextSite, offset: number): number | undefined {
  if (site.line === undefined) return undefined;
  let breaks = newlineCache.get(site);
  if (!breaks) {
    breaks = [];
    for (let i = site.context.indexOf('\n'); i >= 0; i = site.context.indexOf('\n', i + 1))
      breaks.push(i);
    newlineCache.set(site, breaks);
  }
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return site.line + lo;
}

export function scanPlaceholders(
  model: DocumentModel,
  declaredCustom: ReadonlySet<string>,
  locations?: readonly BlockLocation[],
): PlaceholderOccurrence[] {
  const found: PlaceholderOccurrence[] = [];
  walkText(model, locations, (site) => {
    for (const run of site.runs) {
      for (const segment of tokenizeTemplate(run.text)) {
        if (segment.kind !== 'placeholder') continue;
        let problem: PlaceholderProblem | undefined = segment.problem;
        if (!problem && segment.path) problem = checkPath(segment.path, declaredCustom).problem;
        const start = run.offset + segment.start;
        const at = lineAt(site, start);
        const occurrence: PlaceholderOccurrence = {
          raw: segment.raw,
          syntax: segment.syntax,
          path: segment.path,
          known: !problem,
          block: site.block + 1,
          context: contextAround(site.context, start, run.offset + segment.end),
          ...(at === undefined ? {} : { line: at }),
        };
        if (problem) {
          occurrence.problem = problem;
          occurrence.message = describeProblem(problem, segment.raw);
        }
        found.push(occurrence);
      }
    }
  });
  return found;
}

export function scanBlanks(
  model: DocumentModel,
  locations?: readonly BlockLocation[],
): SuspectedBlank[] {
  const found: SuspectedBlank[] = [];
  walkText(model, locations, (site) => {
    for (const match of findBlanks(site.context, site.kind === 'paragraph')) {
      const at = lineAt(site, match.start);
      found.push({
        text: match.text,
        kind: match.kind,
        block: site.block + 1,
        context: contextAround(site.context, match.start, match.end),
        ...(at === undefined ? {} : { line: at }),
      });
    }
  });
  return found;
}

/** The value paths a model needs, sorted; `subprocessors` when it has that block. */
export function listRequiredValues(model: DocumentModel): string[] {
  const paths = new Set<string>();
  walkText(model, undefined, (site) => {
    for (const run of site.runs) {
      for (const segment of tokenizeTemplate(run.text)) {
        if (segment.kind === 'placeholder' && segment.path && !segment.problem)
          paths.add(segment.path);
      }
    }
  });
  if (model.blocks.some((b) => b.type === 'subprocessors')) paths.add('subprocessors');
  return [...paths].sort();
}
