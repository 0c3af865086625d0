/**
 * HTML for the PDF renderer: the page wrapper with print CSS, and the header and footer
 * templates. Chromium renders header/footer templates as HTML, so every value placed in
 * them is escaped here.
 */

export type PdfLocale = 'da' | 'en';

export interface PdfHeader {
  vendor: string;
  customer: string;
  documentVersion: string;
}

/** Fonts Debian installs (fonts-dejavu-core; Liberation when present); all cover æøå. */
export const PDF_FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', 'Noto Sans', Arial, sans-serif";

/** Page margins; the header and footer are drawn inside the top and bottom ones. */
export const PDF_MARGINS = { top: '24mm', bottom: '20mm', left: '18mm', right: '18mm' } as const;

const LABELS: Record<PdfLocale, { page: string; of: string; version: string }> = {
  da: { page: 'Side', of: 'af', version: 'Version' },
  en: { page: 'Page', of: 'of', version: 'Version' },
};

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export function pdfLabels(locale: PdfLocale): { page: string; of: string; version: string } {
  const labels = LABELS[locale];
  if (!labels) throw new Error(`Unsupported PDF locale "${String(locale)}"; use "da" or "en"`);
  return labels;
}

// Templates do not inherit the document's CSS and default to a tiny font, so they carry
// their own. The side padding matches the page margins so text lines up with the body.
const TEMPLATE_STYLE =
  `font-family: ${PDF_FONT_FAMILY}; font-size: 8pt; color: #444; width: 100%; ` +
  `padding: 0 ${PDF_MARGINS.right} 0 ${PDF_MARGINS.left}; box-sizing: border-box; ` +
  `-webkit-print-color-adjust: exact;`;

export function pdfHeaderTemplate(header: PdfHeader, locale: PdfLocale): string {
  const labels = pdfLabels(locale);
  const cell = 'flex: 1 1 0; overflow-wrap: anywhere;';
  return (
    `<div style="${TEMPLATE_STYLE} padding-top: 8mm;">` +
    `<div style="display: flex; gap: 6mm; padding-bottom: 1.5mm; border-bottom: 0.5pt solid #bbb;">` +
    `<span style="${cell}">${escapeHtml(header.vendor)}</span>` +
    `<span style="${cell} text-align: center;">${escapeHtml(header.customer)}</span>` +
    `<span style="${cell} text-align: right;">${labels.version} ${escapeHtml(header.documentVersion)}</span>` +
    `</div></div>`
  );
}

export function pdfFooterTemplate(locale: PdfLocale): string {
  const labels = pdfLabels(locale);
  return (
    `<div style="${TEMPLATE_STYLE} text-align: center; padding-bottom: 6mm;">` +
    `${labels.page} <span class="pageNumber"></span> ${labels.of} <span class="totalPages"></span>` +
    `</div>`
  );
}

/** Print CSS for documents: A4, readable type, bordered tables, sensible page breaks. */
export const PDF_DOCUMENT_CSS = `
@page { size: A4; }
html { font-family: ${PDF_FONT_FAMILY}; font-size: 10pt; line-height: 1.45; color: #111; }
body { margin: 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
* { box-sizing: border-box; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.2em 0 0.45em; font-weight: bold;
  break-after: avoid; page-break-after: avoid; break-inside: avoid; page-break-inside: avoid; }
h1 { font-size: 17pt; margin-top: 0; }
h2 { font-size: 13pt; }
h3 { font-size: 11pt; }
h4, h5, h6 { font-size: 10pt; }
/* Keep a heading with the block that follows it. */
h1 + *, h2 + *, h3 + *, h4 + *, h5 + *, h6 + * { break-before: avoid; page-break-before: avoid; }
p { margin: 0 0 0.6em; }
p, li, dd, blockquote { orphans: 3; widows: 3; }
ul, ol { margin: 0 0 0.6em; padding-left: 1.6em; }
li { margin: 0.15em 0; }
body, p, li, td, th { overflow-wrap: break-word; }
table { width: 100%; border-collapse: collapse; margin: 0.4em 0 1em; font-size: 9pt; }
th, td { border: 0.75pt solid #555; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #ececec; font-weight: bold; }
/* Repeat the header row on each page and never split a row across pages. */
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr, img, figure, pre, blockquote { break-inside: avoid; page-break-inside: avoid; }
caption { caption-side: top; text-align: left; font-weight: bold; margin-bottom: 0.3em; }
blockquote { margin: 0.6em 0; padding-left: 1em; border-left: 2pt solid #bbb; color: #333; }
pre, code { font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 8.5pt; }
pre { white-space: pre-wrap; }
img { max-width: 100%; }
hr { border: 0; border-top: 0.75pt solid #999; margin: 1em 0; }
a { color: inherit; }
.page-break { break-after: page; page-break-after: always; }
`;

/**
 * A complete HTML document around `bodyHtml`, which must already be sanitised and
 * escaped by the document renderer. The CSP is one more guard: nothing may load.
 */
export function wrapDocumentHtml(
  bodyHtml: string,
  options: { title: string; locale: PdfLocale },
): string {
  pdfLabels(options.locale);
  return `<!DOCTYPE html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>${escapeHtml(options.title)}</title>
<style>${PDF_DOCUMENT_CSS}</style>
</head>
<body>
${bodyHtml}
</body>
</html>
`;
}
