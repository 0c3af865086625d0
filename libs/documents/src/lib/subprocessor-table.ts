import type { Block, TableBlock } from './model';
import type { SubprocessorEntry } from './values';

/**
 * Sub-processor lists as vendors paste them. Converted from a web page, a table often loses
 * its cell boundaries ("Amazon Web Services (AWS)DEHosting22. maj 2018"); with the header
 * telling us the columns, country codes, transfer bases and dates are distinctive enough
 * to split the cells again.
 */

export type ColumnKind =
  'name' | 'location' | 'legalBasis' | 'purpose' | 'updated' | 'cvr' | 'address';

const HEADER_TERMS: { kind: ColumnKind; pattern: RegExp }[] = [
  {
    kind: 'location',
    pattern:
      /Lokation\s*\/\s*Land|Location\s*\/\s*Country|Lokation|Location|Placering|Land|Country/iy,
  },
  {
    kind: 'name',
    pattern:
      /Underdatabehandlere?|Underleverandører?|Sub-?processors?|Leverandør|Navn|Name|Vendor|Supplier|Company/iy,
  },
  {
    kind: 'legalBasis',
    pattern:
      /Overførselsgrundlag|Lovgrundlag|Retsgrundlag|Legal basis|Transfer mechanism|Transfer basis/iy,
  },
  {
    kind: 'purpose',
    pattern:
      /Beskrivelse af behandling(?:en)?|Beskrivelse|Description|Funktion|Function|Formål|Purpose|Ydelse|Service/iy,
  },
  { kind: 'updated', pattern: /Opdateret|Updated|Tilføjet|Added|Dato|Date/iy },
  { kind: 'cvr', pattern: /CVR(?:-?nr\.?)?/iy },
  { kind: 'address', pattern: /Adresse|Address/iy },
];

export interface RecognisedHeader {
  cells: string[];
  kinds: ColumnKind[];
}

/** Maps header cells to column kinds; null unless it looks like a sub-processor table. */
export function recogniseSubprocessorHeader(cells: readonly string[]): ColumnKind[] | null {
  const kinds: ColumnKind[] = [];
  for (const cell of cells) {
    const text = cell.trim().replace(/:$/, '');
    const term = HEADER_TERMS.find(({ pattern }) => {
      pattern.lastIndex = 0;
      const match = pattern.exec(text);
      return match !== null && match[0].length === text.length;
    });
    if (!term) return null;
    kinds.push(term.kind);
  }
  return kinds.includes('name') &&
    (kinds.includes('location') || kinds.includes('purpose')) &&
    kinds.length >= 3
    ? kinds
    : null;
}

/** Splits a header whose cells were glued together ("LeverandørLokation / LandLovgrundlag..."). */
export function parseGluedHeader(line: string): RecognisedHeader | null {
  const text = line.trim();
  if (text.length > 200 || /[\t|]/.test(text)) return null;
  const cells: string[] = [];
  const kinds: ColumnKind[] = [];
  let pos = 0;
  while (pos < text.length) {
    while (text[pos] === ' ') pos++;
    if (pos >= text.length) break;
    let matched = false;
    for (const { kind, pattern } of HEADER_TERMS) {
      pattern.lastIndex = pos;
      const match = pattern.exec(text);
      if (match) {
        cells.push(match[0]);
        kinds.push(kind);
        pos += match[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) return null;
  }
  return recogniseSubprocessorHeader(cells) && cells.length >= 3 ? { cells, kinds } : null;
}

// ISO 3166 codes a European SaaS vendor's sub-processors actually sit in, plus UK, EU, EØS.
const COUNTRIES =
  'EØS|EEA|USA|AT|AU|BE|BG|BR|CA|CH|CN|CY|CZ|DE|DK|EE|EL|ES|EU|FI|FO|FR|GB|GL|GR|HK|HR|HU|IE|IL|IN|IS|IT|JP|KR|LI|LT|LU|LV|MT|NL|NO|NZ|PL|PT|RO|SE|SG|SI|SK|UA|UK|US|ZA';
const LEGAL_BASIS = String.raw`EU\s*[–-]\s*U\.?S\.?\s*(?:Privacy(?:\s*Shield)?|DPF|Data Privacy Framework)|EU-?US\s*DPF|Data Privacy Framework|DPF|Privacy Shield|SCCs?|EU-Kommissionens standardkontrakter|Standardkontrakter|Standard Contractual Clauses|BCR|Tilstrækkelighedsafgørelse|Adequacy(?: decision)?`;
const DATE = String.raw`\d{1,2}\.\s*\p{L}+\.?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}`;

/** A row regex for glued cells, or null when the columns cannot be told apart. */
export function gluedRowPattern(kinds: readonly ColumnKind[]): RegExp | null {
  const supported: ColumnKind[] = ['name', 'location', 'legalBasis', 'purpose', 'updated'];
  if (
    !kinds.every((k) => supported.includes(k)) ||
    kinds[0] !== 'name' ||
    !kinds.includes('location')
  )
    return null;
  let source = '^';
  kinds.forEach((kind, i) => {
    const last = i === kinds.length - 1;
    switch (kind) {
      case 'name':
        source += '(.+?)';
        break;
      case 'location':
        source += String.raw`(?<![\p{Lu}(])((?:${COUNTRIES})(?:\s*,\s*(?:${COUNTRIES}))*)(?![\p{Ll}])\s*`;
        break;
      case 'legalBasis':
        source += String.raw`(${LEGAL_BASIS})?\s*`;
        break;
      case 'purpose':
        source += last ? String.raw`(?=\p{Lu})(.+)` : String.raw`(?=\p{Lu})(.+?)\s*`;
        break;
      case 'updated':
        source += `(${DATE})`;
        break;
      default:
        return;
    }
  });
  return new RegExp(`${source}$`, 'u');
}

export function splitGluedRow(
  pattern: RegExp,
  kinds: readonly ColumnKind[],
  line: string,
): string[] | null {
  if (line.length > 500) return null; // a row, not a paragraph; keeps the lazy pattern cheap
  const match = pattern.exec(line.trim());
  if (!match) return null;
  return kinds.map((_, i) => (match[i + 1] ?? '').trim());
}

/** Sub-processor rows from every table whose header names its columns. */
export function extractSubprocessors(blocks: readonly Block[]): SubprocessorEntry[] {
  const out: SubprocessorEntry[] = [];
  for (const block of blocks) {
    if (block.type !== 'table') continue;
    const kinds = recogniseSubprocessorHeader(block.header);
    if (!kinds) continue;
    out.push(...rowsToEntries(block, kinds));
  }
  return out;
}

function rowsToEntries(table: TableBlock, kinds: ColumnKind[]): SubprocessorEntry[] {
  const column = (kind: ColumnKind) => kinds.indexOf(kind);
  return table.rows
    .map((row) => {
      const get = (kind: ColumnKind) => (column(kind) >= 0 ? (row[column(kind)] ?? '').trim() : '');
      const entry: SubprocessorEntry = {
        name: get('name'),
        location: get('location'),
        purpose: get('purpose'),
      };
      const legalBasis = get('legalBasis');
      if (legalBasis) entry.legalBasis = legalBasis;
      return entry;
    })
    .filter((entry) => entry.name);
}
