import { escapeHtml, pdfFooterTemplate, pdfHeaderTemplate, wrapDocumentHtml } from './pdf-html';
import { isAllowedDocumentUrl } from './pdf-renderer';

describe('PDF HTML', () => {
  it('escapes the characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>Bøg & Søn</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Bøg &amp; Søn&lt;/a&gt;',
    );
  });

  it('puts header values into the template as text only', () => {
    const header = pdfHeaderTemplate(
      {
        vendor: 'Vendor <b>',
        customer: '<script>alert(1)</script> ApS',
        documentVersion: '"><img src=x>',
      },
      'da',
    );
    expect(header).not.toMatch(/<script|<img|<b>/);
    expect(header).toContain('&lt;script&gt;alert(1)&lt;/script&gt; ApS');
    expect(header).toContain('Version &quot;&gt;&lt;img src=x&gt;');
  });

  it('numbers pages in the locale', () => {
    expect(pdfFooterTemplate('da')).toContain(
      'Side <span class="pageNumber"></span> af <span class="totalPages"></span>',
    );
    expect(pdfFooterTemplate('en')).toContain(
      'Page <span class="pageNumber"></span> of <span class="totalPages"></span>',
    );
    expect(() => pdfFooterTemplate('de' as never)).toThrow(/Unsupported PDF locale/);
  });

  it('wraps a body in a complete document with print CSS and a no-load CSP', () => {
    const html = wrapDocumentHtml('<p>Brødtekst</p>', { title: 'Aftale <1>', locale: 'da' });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="da">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('<title>Aftale &lt;1&gt;</title>');
    expect(html).toContain('@page { size: A4; }');
    expect(html).toContain("'DejaVu Sans'");
    expect(html).toMatch(/tr, img[^{]*\{ break-inside: avoid;/);
    expect(html).toContain('<p>Brødtekst</p>');
  });

  it('lets documents load only data: and about: URLs', () => {
    expect(isAllowedDocumentUrl('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedDocumentUrl('about:blank')).toBe(true);
    for (const url of [
      'http://127.0.0.1/x',
      'https://example.com/',
      'file:///etc/passwd',
      'ftp://x/',
      'ws://x/',
      'blob:http://x/1',
      'chrome://crash',
      'DATA:text/html,x',
    ]) {
      expect(isAllowedDocumentUrl(url)).toBe(false);
    }
  });
});
