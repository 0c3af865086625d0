import type { PdfRenderFn } from '../documents/document-pdf.job';
import { wrapDocumentHtml } from './pdf-html';
import { PdfRenderer } from './pdf-renderer';

/** The document PDF pipeline on a shared renderer pool: wrap the fragment, print it. */
export function pdfRenderFn(renderer: PdfRenderer): PdfRenderFn {
  return (input) =>
    renderer.renderPdf({
      html: wrapDocumentHtml(input.bodyHtml, { title: input.title, locale: input.locale }),
      header: input.header,
      locale: input.locale,
    });
}
