import { importText } from './import-document';
import type { HeadingBlock, ListBlock, ParagraphBlock, TableBlock } from './model';

const blocks = (text: string) => importText(text).model.blocks;
const headings = (text: string) =>
  blocks(text)
    .filter((b): b is HeadingBlock => b.type === 'heading')
    .map((h) => ({ clause: h.clause, annex: h.annex, text: h.text, level: h.level }));

describe('importText', () => {
  it('detects numbered clause headings in their common spellings', () => {
    const text = [
      '1. Indledning',
      '',
      'Lang tekst om aftalen, som fortsætter over mange ord og ender med et punktum.',
      '',
      '7.2 Underretning om brud',
      '',
      '2.Præambel',
      '',
      '§ 3 Fortrolighed',
      '',
      'B.2 Godkendte underdatabehandlere',
    ].join('\n');
    expect(headings(text)).toEqual([
      { clause: '1', text: 'Indledning', level: 2 },
      { clause: '7.2', text: 'Underretning om brud', level: 3 },
      { clause: '2', text: 'Præambel', level: 2 },
      { clause: '§ 3', text: 'Fortrolighed', level: 2 },
      { clause: 'B.2', text: 'Godkendte underdatabehandlere', level: 3 },
    ]);
  });

  it('keeps numbered sentences as paragraphs, one per clause', () => {
    const result = blocks(
      '3.1 Databehandleren må kun behandle oplysninger efter instruks.\n3.2 Den dataansvarlige har ansvaret.',
    );
    expect(result.map((b) => b.type)).toEqual(['paragraph', 'paragraph']);
    expect((result[0] as ParagraphBlock).content[0]!.text).toBe(
      '3.1 Databehandleren må kun behandle oplysninger efter instruks.',
    );
  });

  it('detects CAPS headings and annex headings, but not sentences about annexes', () => {
    const text = [
      'GENERELLE BETINGELSER',
      '',
      'Bilag A indeholder nærmere oplysninger om behandlingen.',
      '',
      'Bilag A – Oplysninger om behandlingen',
      '',
      'Annex B',
      '',
      'BILAG 2: Sikkerhed',
      '',
      'Bilag C:',
    ].join('\n');
    expect(headings(text)).toEqual([
      { text: 'GENERELLE BETINGELSER', level: 2 },
      { annex: 'Bilag A', text: 'Bilag A – Oplysninger om behandlingen', level: 2 },
      { annex: 'Annex B', text: 'Annex B', level: 2 },
      { annex: 'Bilag 2', text: 'BILAG 2: Sikkerhed', level: 2 },
      { annex: 'Bilag C', text: 'Bilag C:', level: 2 },
    ]);
  });

  it('keeps address lines as line breaks inside one paragraph', () => {
    const [first] = blocks('#CLIENT_NAME#\n#CLIENT_ADDRESS#\n#CLIENT_ZIPCITY#');
    expect(first).toEqual({
      type: 'paragraph',
      content: [{ text: '#CLIENT_NAME#\n#CLIENT_ADDRESS#\n#CLIENT_ZIPCITY#' }],
    });
  });

  it('builds nested bullet lists and keeps written item numbers', () => {
    const [list] = blocks(
      ' • Support\n  • Mail og telefon\n • Hosting\n- 1.Første\n- 2.Anden',
    ) as ListBlock[];
    expect(list).toEqual({
      type: 'list',
      ordered: false,
      items: [
        {
          content: [{ text: 'Support' }],
          children: {
            type: 'list',
            ordered: false,
            items: [{ content: [{ text: 'Mail og telefon' }] }],
          },
        },
        { content: [{ text: 'Hosting' }] },
        { content: [{ text: 'Første' }], marker: '1.' },
        { content: [{ text: 'Anden' }], marker: '2.' },
      ],
    });
  });

  it('reads pipe tables, tab tables and HTML tables written in the text', () => {
    const text = [
      '| Navn | Land |',
      '| --- | --- |',
      '| AWS | DE |',
      '',
      'Kategori\tEksempel',
      'Kontakt\t<ul><li>Mail</li></ul>',
      '',
      '<table><tr><th>A</th><th>B</th></tr>',
      '<tr><td>1 &amp; 2</td><td><script>x()</script>3</td></tr></table>',
    ].join('\n');
    const tables = blocks(text).filter((b): b is TableBlock => b.type === 'table');
    expect(tables).toEqual([
      { type: 'table', header: ['Navn', 'Land'], rows: [['AWS', 'DE']] },
      { type: 'table', header: ['Kategori', 'Eksempel'], rows: [['Kontakt', 'Mail']] },
      { type: 'table', header: ['A', 'B'], rows: [['1 & 2', '3']] },
    ]);
  });

  it('strips raw HTML left in running text and says so', () => {
    const result = importText('Tekst med <b>fed</b> skrift<br>og <span onclick="x()">mere</span>.');
    expect(result.model.blocks[0]).toEqual({
      type: 'paragraph',
      content: [{ text: 'Tekst med fed skrift\nog mere.' }],
    });
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'RAW_HTML_REMOVED', line: 1 }),
    );
  });

  it('turns a line with only {{subprocessors}} into the data table block', () => {
    expect(blocks('Underdatabehandlere:\n\n{{subprocessors}}')[1]).toEqual({
      type: 'subprocessors',
    });
  });

  it('reports placeholders with line and context', () => {
    const result = importText(
      'Første linje\n\nKunden {{client.nmae}} accepterer betingelserne for abonnementet.',
    );
    expect(result.unknownPlaceholders).toEqual([
      expect.objectContaining({
        raw: '{{client.nmae}}',
        path: 'client.nmae',
        known: false,
        problem: 'unknown',
        line: 3,
        block: 2,
        context: 'Kunden {{client.nmae}} accepterer betingel…',
      }),
    ]);
  });
});

describe('structural warnings', () => {
  it('tells identical and different annex copies apart', () => {
    const same = importText('Bilag 1 – Instruks\n\nTekst.\n\nBilag 1 – Instruks\n\nTekst.');
    expect(same.warnings).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_ANNEX',
        annex: 'Bilag 1',
        lines: [1, 5],
        message: expect.stringContaining('identical content'),
      }),
    ]);
    const different = importText('Bilag A\n\nEn.\n\nBilag A\n\nTo.');
    expect(different.warnings[0]!.message).toContain('different content');
  });

  it('warns about annexes referred to but missing, only within the family used', () => {
    const result = importText('Se bilag C og Annex 9.\n\nBilag A\n\nTekst.');
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MISSING_ANNEX', annex: 'Bilag C', line: 1 }),
    ]);
  });
});
