import type { BlankKind } from './import-types';

/**
 * Blanks written the way vendors write them in Word before anyone invented placeholders:
 * `Firma navn`, `xxxx`, `CVR. nr.: xxx`, `Dato: x/x-2024`, `[indsæt navn]`, `______`.
 * They are suspects, not certainties: the import reports them and publishing refuses them
 * unless the vendor says they are intended.
 */

export interface BlankMatch {
  start: number;
  end: number;
  text: string;
  kind: BlankKind;
}

const X_DATE = String.raw`[xX]{1,2}\s*[/.\-]\s*[xX]{1,2}\s*[/.\-]\s*(?:\d{2,4}|[xX]{2,4})`;
const X_RUN = String.raw`[xX]{2,}(?:\s*,\s*[xX]{2,})*`;
const RULE = String.raw`_{3,}|\.{5,}|…{2,}`;

const PATTERNS: { kind: BlankKind; regex: RegExp }[] = [
  {
    // A short label, a colon and an x-blank: "CVR. nr.: xxx", "Dato : xx/x-2024".
    kind: 'labelled',
    regex: new RegExp(
      String.raw`(?<![\p{L}\d])\p{L}[\p{L}.\-]*(?: [\p{L}.\-]+){0,2}\s*:\s*(?:${X_DATE}|${X_RUN}|${RULE})(?![\p{L}\d])`,
      'gu',
    ),
  },
  {
    // A signature-block label with nothing after it: "Navn:" at the end of a line.
    kind: 'labelled',
    regex:
      /(?<![\p{L}\d])(?:Navn|Name|Dato|Date|Underskrift|Signatur|Signature|Titel|Title|Stilling|CVR(?:[.\- ]*nr\.?)?)\s*:[ \t]*$/gimu,
  },
  { kind: 'x-date', regex: new RegExp(String.raw`(?<![\p{L}\d])${X_DATE}(?![\p{L}\d])`, 'gu') },
  { kind: 'x-run', regex: /(?<![\p{L}\d])[xX]{3,}(?![\p{L}\d])/gu },
  {
    kind: 'bracket',
    regex:
      /\[[^\]\n]{0,40}?(?:indsæt|insert|navn|name|dato|date|firma|company|kunde|customer|adresse|address|cvr|e-?mail)[^\]\n]{0,40}\]|<<[^<>\n]{1,40}>>|«[^«»\n]{1,40}»/giu,
  },
  { kind: 'rule', regex: new RegExp(RULE, 'gu') },
  // A web address whose host was an input field: "https:// .intras.dk/".
  { kind: 'url', regex: /https?:\/\/\s+\.?[\w.-]*\/?/giu },
];

// A line that is nothing but the label of a missing company detail.
const LABEL_ONLY =
  /^(?:firma ?navn|firmaets navn|virksomheds ?navn|virksomhedens navn|kunde ?navn|kundens navn|navn på (?:virksomhed(?:en)?|kunde(?:n)?)|company name|customer name|client name|\[navn\]|\[firma\])$/iu;

/**
 * Finds suspected blanks in one text. `paragraph` enables the whole-line label check, which
 * would misfire on table headers.
 */
export function findBlanks(text: string, paragraph: boolean): BlankMatch[] {
  const found: BlankMatch[] = [];
  for (const { kind, regex } of PATTERNS) {
    for (const match of text.matchAll(regex)) {
      found.push({
        start: match.index,
        end: match.index + match[0].length,
        text: match[0].trim(),
        kind,
      });
    }
  }
  if (paragraph) {
    let offset = 0;
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed && LABEL_ONLY.test(trimmed)) {
        const start = offset + line.indexOf(trimmed);
        found.push({ start, end: start + trimmed.length, text: trimmed, kind: 'label-only' });
      }
      offset += line.length + 1;
    }
  }
  // Earlier patterns win over later ones on the same characters.
  const accepted: BlankMatch[] = [];
  for (const match of found) {
    if (accepted.some((a) => match.start < a.end && a.start < match.end)) continue;
    accepted.push(match);
  }
  return accepted.sort((a, b) => a.start - b.start);
}
