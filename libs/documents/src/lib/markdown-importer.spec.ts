import { importMarkdown } from './import-document';
import { parseInline } from './markdown-importer';
import type { ImportWarning } from './import-types';

describe('importMarkdown', () => {
  it('reads headings with clause numbers and annex markers', () => {
    const { model } = importMarkdown(
      '# Databehandleraftale\n\n## 7.2 Underretning\n\nSetext\n---\n\n# Bilag B – Underdatabehandlere\n',
    );
    expect(model.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Databehandleraftale' },
      { type: 'heading', level: 2, text: 'Underretning', clause: '7.2' },
      { type: 'heading', level: 2, text: 'Setext' },
      { type: 'heading', level: 1, text: 'Bilag B – Underdatabehandlere', annex: 'Bilag B' },
    ]);
  });

  it('reads paragraphs with soft and hard breaks', () => {
    const { model } = importMarkdown('linje et\nfortsat  \nny linje\n\nnæste');
    expect(model.blocks).toEqual([
      { type: 'paragraph', content: [{ text: 'linje et fortsat\nny linje' }] },
      { type: 'paragraph', content: [{ text: 'næste' }] },
    ]);
  });

  it('reads nested and ordered lists', () => {
    const { model } = importMarkdown('3. tre\n4. fire\n   - under\n\n- a\n- b');
    expect(model.blocks).toEqual([
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          { content: [{ text: 'tre' }] },
          {
            content: [{ text: 'fire' }],
            children: { type: 'list', ordered: false, items: [{ content: [{ text: 'under' }] }] },
          },
        ],
      },
      {
        type: 'list',
        ordered: false,
        items: [{ content: [{ text: 'a' }] }, { content: [{ text: 'b' }] }],
      },
    ]);
  });

  it('reads pipe tables with inline markup reduced to text', () => {
    const { model } = importMarkdown(
      '| Navn | Land |\n|:---|---:|\n| **AWS** | DE \\| NL |\n| kort |\n',
    );
    expect(model.blocks).toEqual([
      {
        type: 'table',
        header: ['Navn', 'Land'],
        rows: [
          ['AWS', 'DE | NL'],
          ['kort', ''],
        ],
      },
    ]);
  });

  it('passes raw HTML blocks through the HTML importer', () => {
    const { model, warnings } = importMarkdown(
      '<table><tr><th>A</th></tr><tr><td>1</td></tr></table>\n\n<script>alert(1)</script>\n\ntekst',
    );
    expect(model.blocks).toEqual([
      { type: 'table', header: ['A'], rows: [['1']] },
      { type: 'paragraph', content: [{ text: 'tekst' }] },
    ]);
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'CONTENT_DROPPED' }));
  });

  it('keeps placeholders intact inside emphasis and code', () => {
    const { model, unknownPlaceholders } = importMarkdown(
      '**{{client.name}}** og _#CLIENT_CVR#_ og `kode_med_understreg`',
    );
    expect(model.blocks[0]).toEqual({
      type: 'paragraph',
      content: [
        { text: '{{client.name}}', bold: true },
        { text: ' og ' },
        { text: '#CLIENT_CVR#', italic: true },
        { text: ' og kode_med_understreg' },
      ],
    });
    expect(unknownPlaceholders).toEqual([]);
  });

  it('turns {{subprocessors}} on its own line into the data table block', () => {
    expect(importMarkdown('{{subprocessors}}').model.blocks).toEqual([{ type: 'subprocessors' }]);
  });
});

describe('parseInline', () => {
  it('handles bold, italic, links and escapes', () => {
    expect(parseInline('a **b *c*** [d](https://x.dk "t") \\*e\\* snake_case_word')).toEqual([
      { text: 'a ' },
      { text: 'b ', bold: true },
      { text: 'c', bold: true, italic: true },
      { text: ' ' },
      { text: 'd', href: 'https://x.dk' },
      { text: ' *e* snake_case_word' },
    ]);
  });

  it('drops unsafe links but keeps their text, and keeps only alt text of images', () => {
    const warnings: ImportWarning[] = [];
    expect(
      parseInline('[klik](javascript:alert(1)) ![billede](x.png) <https://ok.dk>', warnings),
    ).toEqual([
      { text: 'klik' },
      { text: ' billede ' },
      { text: 'https://ok.dk', href: 'https://ok.dk' },
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'LINK_DROPPED',
        message: expect.stringContaining('javascript:alert(1)'),
      }),
    ]);
  });
});
