import fc from 'fast-check';
import { AftaleError } from '@aftale/domain';
import { importHtml, importMarkdown, importText } from './import-document';
import { htmlToBlocks, parseHtmlTree } from './html-importer';
import { parseDocumentModel } from './model';

describe('importHtml', () => {
  it('keeps headings, paragraphs, formatting, safe links, lists and tables', () => {
    const html = `<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
      <h1>Databehandleraftale</h1>
      <h2>7. Fortrolighed</h2>
      <p>Se <b>fed</b>, <em>kursiv</em> og <a href="https://x.dk/a?b=1&amp;c=2">link</a>.<br>Ny linje</p>
      <ol start="3"><li>tre<ul><li>under</li></ul></li><li><p>fire</p></li></ol>
      <table><thead><tr><th>Navn</th><th>Land</th></tr></thead><tbody><tr><td>AWS</td><td>DE</td></tr><tr><td>Kun en</td></tr></tbody></table>
    </body></html>`;
    const { model } = importHtml(html);
    expect(model.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Databehandleraftale' },
      { type: 'heading', level: 2, text: 'Fortrolighed', clause: '7' },
      {
        type: 'paragraph',
        content: [
          { text: 'Se ' },
          { text: 'fed', bold: true },
          { text: ', ' },
          { text: 'kursiv', italic: true },
          { text: ' og ' },
          { text: 'link', href: 'https://x.dk/a?b=1&c=2' },
          { text: '.\nNy linje' },
        ],
      },
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          {
            content: [{ text: 'tre' }],
            children: { type: 'list', ordered: false, items: [{ content: [{ text: 'under' }] }] },
          },
          { content: [{ text: 'fire' }] },
        ],
      },
      {
        type: 'table',
        header: ['Navn', 'Land'],
        rows: [
          ['AWS', 'DE'],
          ['Kun en', ''],
        ],
      },
    ]);
  });

  it('drops scripts, styles, event handlers, embedded objects and unknown tags but keeps text', () => {
    const html = `<p onclick="steal()" style="x">Hej <script>alert(1)</script><blink>med</blink> <custom-tag data-x="1">tekst</custom-tag>
      <img src=x onerror=alert(1)><iframe src="https://evil"></iframe><svg><text>svg</text></svg>
      <a href="javascript:alert(1)">klik</a> <a href="  JaVaScRiPt:alert(1)">igen</a></p>
      <noscript>nej</noscript><object data="x">obj</object><style>body{}</style><template><p>skjult</p></template>
      <form><input value="x"><button>Send</button><select><option>o</option></select></form>`;
    const result = importHtml(html);
    expect(result.model.blocks).toEqual([
      { type: 'paragraph', content: [{ text: 'Hej med tekst klik igen' }] },
    ]);
    const json = JSON.stringify(result.model);
    for (const bad of [
      'alert',
      'onclick',
      'script',
      'svg',
      'skjult',
      'Send',
      'obj',
      'nej',
      'javascript',
    ]) {
      expect(json).not.toContain(bad);
    }
    expect(result.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['CONTENT_DROPPED', 'LINK_DROPPED']),
    );
  });

  it('decodes entities and never lets markup back in', () => {
    const { model } = importHtml(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &aelig;&oslash;&aring; &#230; &#x27; &bogus;</p>',
    );
    expect(model.blocks).toEqual([
      { type: 'paragraph', content: [{ text: "<script>alert(1)</script> & æøå æ ' &bogus;" }] },
    ]);
  });

  it('treats Word-style paragraphs as headings when they look like one', () => {
    const { model } = importHtml(
      '<p><strong>Underretning</strong></p><p>Bilag A</p><p>7.2 Ansvar</p><p>Almindelig tekst.</p>',
    );
    expect(model.blocks).toEqual([
      { type: 'heading', level: 3, text: 'Underretning' },
      { type: 'heading', level: 2, text: 'Bilag A', annex: 'Bilag A' },
      { type: 'heading', level: 3, text: 'Ansvar', clause: '7.2' },
      { type: 'paragraph', content: [{ text: 'Almindelig tekst.' }] },
    ]);
  });

  it('copes with unclosed and misnested tags', () => {
    const { model } = importHtml('<p>en<p>to<li>x</li><b>fed <i>begge</b> slut</i><div>blok');
    expect(model.blocks).toEqual([
      { type: 'paragraph', content: [{ text: 'en' }] },
      { type: 'paragraph', content: [{ text: 'to' }] },
      { type: 'paragraph', content: [{ text: 'x' }] },
      {
        type: 'paragraph',
        content: [
          { text: 'fed ', bold: true },
          { text: 'begge', bold: true, italic: true },
          { text: ' slut' },
        ],
      },
      { type: 'paragraph', content: [{ text: 'blok' }] },
    ]);
  });

  it('reports source lines for blocks and placeholders', () => {
    const result = importHtml('<h1>Titel</h1>\n<p>linje to</p>\n<p>Kunde: {{client.nmae}}</p>');
    expect(result.unknownPlaceholders[0]).toMatchObject({ line: 3, block: 3 });
  });

  it('survives deep nesting without recursion trouble', () => {
    const deep = '<div>'.repeat(5000) + 'bund' + '</div>'.repeat(5000);
    expect(htmlToBlocks(deep).blocks).toEqual([{ type: 'paragraph', content: [{ text: 'bund' }] }]);
  });

  it('parses attributes in every quoting style', () => {
    const tree = parseHtmlTree(`<a href="d" title='s' data-x=u disabled>t</a>`);
    const a = tree.children[0];
    expect(a).toMatchObject({
      name: 'a',
      attrs: { href: 'd', title: 's', 'data-x': 'u', disabled: '' },
    });
  });
});

describe('importers on arbitrary input', () => {
  const markupish = fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '/',
      '=',
      '"',
      "'",
      '&',
      ';',
      '#',
      '{',
      '}',
      '*',
      '_',
      '[',
      ']',
      '(',
      ')',
      '|',
      '\t',
      '\n',
      ' ',
      'a',
      'B',
      '1',
      '.',
      '-',
      '•',
      'p',
      'li',
      'table',
      'script',
      'Bilag A',
      '7.2 ',
      'xxx',
    ),
    maxLength: 200,
  });

  it('either import a valid model or refuse with BAD_USER_INPUT', () => {
    fc.assert(
      fc.property(markupish, (input) => {
        for (const importer of [importHtml, importMarkdown, importText]) {
          try {
            const result = importer(input);
            expect(result.model.blocks.length).toBeGreaterThan(0);
            // Whatever comes out is a valid, sanitised model.
            expect(parseDocumentModel(result.model)).toEqual(result.model);
          } catch (error) {
            expect(error).toBeInstanceOf(AftaleError);
            expect((error as AftaleError).code).toBe('BAD_USER_INPUT');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
