import { AftaleError } from '@aftale/domain';
import { normalizeRuns, parseDocumentModel, sanitizeHref, tidyText } from './model';

describe('parseDocumentModel', () => {
  it('accepts a valid model', () => {
    const model = {
      version: 1,
      blocks: [
        { type: 'heading', level: 2, text: 'x', clause: '1' },
        { type: 'paragraph', content: [{ text: 'a', bold: true, href: 'https://x.dk' }] },
        {
          type: 'list',
          ordered: false,
          items: [{ content: [], children: { type: 'list', ordered: true, items: [] } }],
        },
        { type: 'table', header: [], rows: [['a']] },
        { type: 'subprocessors' },
      ],
    };
    expect(parseDocumentModel(model)).toEqual(model);
  });

  it.each([
    [{ version: 2, blocks: [] }, 'document.version'],
    [{ version: 1, blocks: [{ type: 'script', text: 'x' }] }, 'document.blocks.0.type'],
    [
      { version: 1, blocks: [{ type: 'paragraph', content: [{ text: 'x', html: '<b>' }] }] },
      'document.blocks.0.content.0',
    ],
    [
      {
        version: 1,
        blocks: [{ type: 'paragraph', content: [{ text: 'x', href: 'javascript:alert(1)' }] }],
      },
      'document.blocks.0.content.0.href',
    ],
    [{ version: 1, blocks: [{ type: 'heading', level: 7, text: 'x' }] }, 'document.blocks.0.level'],
    [
      { version: 1, blocks: [{ type: 'paragraph', content: [{ text: 'x'.repeat(100_001) }] }] },
      'document.blocks.0.content.0.text',
    ],
  ])('refuses %j at %s', (input, field) => {
    try {
      parseDocumentModel(input);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(AftaleError);
      expect((error as AftaleError).problems.map((p) => p.field)).toContain(field);
    }
  });

  it('refuses lists nested too deep', () => {
    let list: Record<string, unknown> = { type: 'list', ordered: false, items: [] };
    for (let i = 0; i < 12; i++)
      list = { type: 'list', ordered: false, items: [{ content: [], children: list }] };
    expect(() => parseDocumentModel({ version: 1, blocks: [list] })).toThrow(/nest at most/);
  });
});

describe('sanitizeHref', () => {
  it.each([
    ['https://x.dk/a?b=1', 'https://x.dk/a?b=1'],
    ['mailto:ida@example.dk', 'mailto:ida@example.dk'],
    ['javascript:alert(1)', undefined],
    [' JAVASCRIPT:alert(1)', undefined],
    ['data:text/html,<script>', undefined],
    ['/relative', undefined],
    ['https://x.dk/"onmouseover="x', undefined],
    ['https://{{custom.subdomain}}.x.dk', undefined],
  ])('%s → %s', (href, expected) => {
    expect(sanitizeHref(href)).toBe(expected);
  });
});

describe('normalizeRuns', () => {
  it('merges same-format runs, drops empty ones and trims the ends', () => {
    expect(
      normalizeRuns([
        { text: '  a' },
        { text: 'b' },
        { text: '' },
        { text: 'c', bold: true },
        { text: ' \n' },
      ]),
    ).toEqual([{ text: 'ab' }, { text: 'c', bold: true }]);
  });

  it('re-joins placeholders split across differently formatted runs', () => {
    expect(
      normalizeRuns([
        { text: 'Til {{client.' },
        { text: 'name}} og ', bold: true },
        { text: '#CLIENT_', italic: true },
        { text: 'CVR#' },
      ]),
    ).toEqual([{ text: 'Til {{client.name}} og ' }, { text: '#CLIENT_CVR#', italic: true }]);
  });

  it('removes control characters and unsafe hrefs', () => {
    expect(normalizeRuns([{ text: 'a\u0000b\u200bc', href: 'javascript:x' }])).toEqual([
      { text: 'abc' },
    ]);
  });
});

it('tidyText collapses spaces and blank lines', () => {
  expect(tidyText('  a   b \n\n\n\n c\t')).toBe('a b\n\nc');
});

it('refuses clause numbers, annex markers and list markers that could hide a placeholder', () => {
  for (const block of [
    { type: 'heading', level: 2, text: 'x', clause: '{{client.name}}' },
    { type: 'heading', level: 2, text: 'x', annex: 'Bilag {{x}}' },
    { type: 'list', ordered: true, items: [{ content: [], marker: '#CLIENT_NAME#' }] },
  ]) {
    expect(() => parseDocumentModel({ version: 1, blocks: [block] })).toThrow(AftaleError);
  }
});
