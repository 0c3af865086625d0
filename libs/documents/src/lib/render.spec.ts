import { AftaleError } from '@aftale/domain';
import fc from 'fast-check';
import {
  assertPublishable,
  clearRenderCache,
  declareCustomFields,
  hashDocument,
  importMarkdown,
  renderDocument,
  renderText,
  wrapDocumentHtml,
  type DocumentModel,
  type DocumentValues,
} from '../index';
import { DEMO_DPA_MARKDOWN } from './demo-documents';
import {
  SAFE_COMPILE_OPTIONS,
  SAFE_RUNTIME_OPTIONS,
  compileDocument,
  createSafeHandlebars,
} from './render';
import { buildContext } from './values';

const model = (...texts: string[]): DocumentModel => ({
  version: 1,
  blocks: texts.map((text) => ({ type: 'paragraph', content: [{ text }] })),
});

const VALUES: DocumentValues = {
  client: {
    name: 'Min Dag Min Energi ApS',
    address: 'Vestergade 1',
    zipCity: '7500 Holstebro',
    cvr: '45629627',
    contact: 'Ida Jensen',
    contactEmail: 'ida@example.dk',
  },
  vendor: {
    name: 'Nordlys',
    legalName: 'Nordlys Intranet ApS',
    cvr: '37308838',
    address: 'Havnegade 2, 8000 Aarhus C',
  },
  plan: { name: 'Standard' },
  acceptance: { date: '2. marts 2026' },
  subprocessors: [
    { name: 'Amazon Web Services', location: 'DE', purpose: 'Hosting' },
    { name: 'Sendgrid', location: 'US', legalBasis: 'EU-US DPF', purpose: 'E-mail' },
  ],
};

function errorOf(fn: () => unknown): AftaleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AftaleError) return error;
    throw error;
  }
  throw new Error('expected an AftaleError');
}

/** The visible text of rendered HTML: inline tags vanish, block tags become spaces. */
function visibleText(html: string): string {
  return html
    .replace(/<\/?(strong|em|a|span)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

beforeEach(() => clearRenderCache());

describe('renderDocument', () => {
  it('produces a stable, classed fragment', () => {
    const doc: DocumentModel = {
      version: 1,
      blocks: [
        { type: 'heading', level: 2, text: 'Fortrolighed', clause: '4' },
        { type: 'heading', level: 2, text: 'Bilag A – Oplysninger', annex: 'Bilag A' },
        {
          type: 'paragraph',
          content: [
            { text: 'Se ' },
            { text: 'vilkår', bold: true },
            { text: ' og ', italic: true },
            { text: 'hjemmesiden', href: 'https://nordlys.example/vilkaar' },
          ],
        },
        {
          type: 'list',
          ordered: true,
          items: [
            {
              content: [{ text: 'første' }],
              children: { type: 'list', ordered: false, items: [{ content: [{ text: 'under' }] }] },
            },
            { content: [{ text: 'anden' }], marker: '6.1.2' },
          ],
        },
        { type: 'table', header: ['Navn', 'Land'], rows: [['AWS', 'DE']] },
      ],
    };
    expect(renderDocument(doc, {})).toBe(
      [
        '<article class="aftale-document">',
        '<h2 class="aftale-heading"><span class="aftale-clause">4</span> Fortrolighed</h2>',
        '<h2 class="aftale-heading aftale-annex" data-annex="Bilag A">Bilag A – Oplysninger</h2>',
        '<p class="aftale-paragraph">Se <strong>vilkår</strong><em> og </em><a class="aftale-link" href="https://nordlys.example/vilkaar" rel="noopener noreferrer nofollow">hjemmesiden</a></p>',
        '<ol class="aftale-list aftale-list-ordered"><li class="aftale-item"><span class="aftale-marker">1.</span> første<ul class="aftale-list"><li class="aftale-item"><span class="aftale-marker" aria-hidden="true">•</span> under</li></ul></li><li class="aftale-item"><span class="aftale-marker">6.1.2</span> anden</li></ol>',
        '<table class="aftale-table"><thead><tr><th scope="col">Navn</th><th scope="col">Land</th></tr></thead><tbody><tr><td>AWS</td><td>DE</td></tr></tbody></table>',
        '</article>',
      ].join('\n'),
    );
  });

  it('fills in both placeholder forms', () => {
    const html = renderDocument(model('Kunde: {{client.name}}, CVR #CLIENT_CVR#'), VALUES);
    expect(html).toContain('Kunde: Min Dag Min Energi ApS, CVR 45629627');
  });

  it('escapes a customer name so it appears as literal text', () => {
    const name = '<script>alert(1)</script> ApS';
    const html = renderDocument(model('Dataansvarlig: {{client.name}}'), { client: { name } });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; ApS');
    expect(html).not.toContain('<script>');
    expect(visibleText(html)).toBe(`Dataansvarlig: ${name}`);
    expect(renderText(model('Dataansvarlig: {{client.name}}'), { client: { name } })).toBe(
      `Dataansvarlig: ${name}`,
    );
  });

  it('shows any customer value as literal text and never as markup', () => {
    const doc = model('Kunde: {{client.name}} <i>slut</i>');
    fc.assert(
      fc.property(
        fc
          .string({
            unit: fc.constantFrom(
              '<',
              '>',
              '&',
              '"',
              "'",
              '`',
              '=',
              '/',
              'a',
              ' ',
              '\n',
              '{',
              '}',
              'ø',
            ),
          })
          .filter((s) => !!s.trim()),
        (name) => {
          const html = renderDocument(doc, { client: { name } });
          expect(html.replace(/<\/?(article|p)\b[^>]*>|<br>/g, '')).not.toMatch(/[<>]/);
          expect(visibleText(html)).toBe(squash(`Kunde: ${name} <i>slut</i>`));
          expect(renderText(doc, { client: { name } })).toBe(`Kunde: ${name} <i>slut</i>`);
        },
      ),
    );
  });

  it('escapes attribute breakers and vendor text too', () => {
    const html = renderDocument(model('<b>vendor</b> "{{client.name}}"'), {
      client: { name: '" onmouseover="x` =\'' },
    });
    expect(html).toContain(
      '&lt;b&gt;vendor&lt;/b&gt; &quot;&quot; onmouseover&#x3D;&quot;x&#x60; &#x3D;&#x27;&quot;',
    );
  });

  it('refuses a missing value, naming its path, instead of leaving a blank', () => {
    const error = errorOf(() =>
      renderDocument(model('{{client.name}} / {{client.cvr}}'), { client: { name: 'A' } }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.problems).toEqual([expect.objectContaining({ field: 'values.client.cvr' })]);
    expect(error.message).toContain('values.client.cvr');
  });

  it('refuses an empty or whitespace-only value', () => {
    const error = errorOf(() =>
      renderDocument(model('{{client.name}}'), { client: { name: '  ' } }),
    );
    expect(error.problems[0]).toMatchObject({
      field: 'values.client.name',
      message: expect.stringContaining('empty'),
    });
  });

  it('refuses a value over 100 KB, naming the field', () => {
    const error = errorOf(() =>
      renderDocument(model('{{client.name}}'), { client: { name: 'x'.repeat(100 * 1024 + 1) } }),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({
        field: 'values.client.name',
        message: expect.stringContaining('100 KB'),
      }),
    ]);
    // Exactly 100 KB is fine; multi-byte characters count as bytes.
    expect(() =>
      renderDocument(model('{{client.name}}'), { client: { name: 'x'.repeat(100 * 1024) } }),
    ).not.toThrow();
    expect(() =>
      renderDocument(model('{{client.name}}'), { client: { name: 'ø'.repeat(60 * 1024) } }),
    ).toThrow(AftaleError);
  });

  it('refuses values that are not strings', () => {
    const error = errorOf(() =>
      renderDocument(model('{{client.name}}'), { client: { name: 42 as unknown as string } }),
    );
    expect(error.problems[0]).toMatchObject({
      field: 'values.client.name',
      message: 'must be text',
    });
  });

  it('accepts flat dotted values', () => {
    expect(renderText(model('{{client.name}}'), { 'client.name': 'Flad ApS' })).toBe('Flad ApS');
  });

  it('keeps line breaks in values and text as <br>', () => {
    const html = renderDocument(model('A\nB {{client.address}}'), {
      client: { address: 'Vej 1\n2. sal' },
    });
    expect(html).toContain('A<br>B Vej 1<br>2. sal');
  });

  it.each([
    '{{constructor.constructor}}',
    '{{__proto__}}',
    '{{this.constructor}}',
    '{{client.constructor}}',
    '{{constructor.constructor "return process.exit()"}}',
    '{{#with "s" as |s|}}{{s.constructor}}{{/with}}',
    '{{lookup this "constructor"}}',
    '{{> partial}}',
    '{{{client.name}}}',
    '{{client.name.length}}',
    '{{@root.client.name}}',
    '{{../client.name}}',
    '{{!-- comment --}}',
    '{{client.name',
    '#SECRET_TOKEN#',
    '{{client.nmae}}',
    '{{custom.subdomain}}',
    '{{subprocessors}} inline',
  ])('fails closed on %s at render time', (template) => {
    const error = errorOf(() => renderDocument(model(`Tekst ${template} mere`), VALUES));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(() => renderText(model(`Tekst ${template} mere`), VALUES)).toThrow(AftaleError);
  });

  it('renders the {{subprocessors}} block as a table from data, escaped', () => {
    const doc: DocumentModel = { version: 1, blocks: [{ type: 'subprocessors' }] };
    const html = renderDocument(doc, {
      subprocessors: [
        { name: '<b>Evil</b> Inc', location: 'US', legalBasis: 'SCC', purpose: 'Hosting' },
      ],
    });
    expect(html).toContain('<table class="aftale-table aftale-subprocessors">');
    expect(html).toContain('<th scope="col">Underdatabehandler</th>');
    expect(html).toContain(
      '<td>&lt;b&gt;Evil&lt;/b&gt; Inc</td><td>US</td><td>SCC</td><td>Hosting</td>',
    );
    expect(renderDocument(doc, { subprocessors: [] }, { locale: 'en' })).toContain(
      '<th scope="col">Sub-processor</th>',
    );
    const error = errorOf(() => renderDocument(doc, {}));
    expect(error.problems[0]!.field).toBe('values.subprocessors');
    const bad = errorOf(() =>
      renderDocument(doc, { subprocessors: [{ name: 'X', location: 'DK' }] as never }),
    );
    expect(bad.problems[0]!.field).toBe('values.subprocessors.0.purpose');
  });

  it('uses declared custom fields and validates their values', () => {
    const customFields = declareCustomFields([
      {
        key: 'subdomain',
        label: 'Intranet-adresse',
        rule: { kind: 'regex', pattern: '[a-z0-9-]{2,30}', maxLength: 30 },
      },
    ]);
    const doc = model('https://{{custom.subdomain}}.nordlys.example');
    expect(renderText(doc, { custom: { subdomain: 'min-dag' } }, { customFields })).toBe(
      'https://min-dag.nordlys.example',
    );
    const error = errorOf(() =>
      renderText(doc, { custom: { subdomain: 'Min Dag!' } }, { customFields }),
    );
    expect(error.problems[0]).toMatchObject({ field: 'values.custom.subdomain' });
    // Without the declaration the placeholder is unknown.
    expect(() => renderText(doc, { custom: { subdomain: 'min-dag' } })).toThrow(AftaleError);
  });

  it('shows the same text in HTML as in plain text', () => {
    const { model: dpa } = importMarkdown(DEMO_DPA_MARKDOWN);
    const values = {
      ...VALUES,
      client: { ...VALUES.client, name: '<script>alert(1)</script> ApS' },
    };
    expect(visibleText(renderDocument(dpa, values))).toBe(squash(renderText(dpa, values)));
  });

  it('wraps a fragment as an A4 page', () => {
    const page = wrapDocumentHtml(renderDocument(model('x'), {}), { title: 'DPA <1>' });
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('size: A4');
    expect(page).toContain('<title>DPA &lt;1&gt;</title>');
  });
});

describe('compiled template cache', () => {
  it('is keyed by the content hash and accepts the hash from the caller', () => {
    const doc = model('Hej {{client.name}}');
    const hash = hashDocument(doc);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(renderText(doc, { client: { name: 'A' } }, { hash })).toBe('Hej A');
    // Same content, new object: same hash, same output.
    expect(renderText(structuredClone(doc), { client: { name: 'B' } })).toBe('Hej B');
  });

  it('refuses a hash that does not belong to the document', () => {
    const doc = model('Hej');
    const error = errorOf(() => renderText(doc, {}, { hash: hashDocument(model('Farvel')) }));
    expect(error.problems[0]!.field).toBe('hash');
  });

  it('never serves a cached compilation for different content', () => {
    const a = model('A {{client.name}}');
    const b = model('B {{client.name}}');
    expect(renderText(a, { client: { name: 'x' } })).toBe('A x');
    expect(renderText(b, { client: { name: 'x' } })).toBe('B x');
    for (let i = 0; i < 100; i++) renderText(model(`filler ${i}`), {});
    expect(renderText(a, { client: { name: 'y' } })).toBe('A y');
  });

  it('validates a model it has not seen before', () => {
    const bad = {
      version: 1,
      blocks: [{ type: 'paragraph', content: [{ text: 'x', onclick: 'y' }] }],
    };
    expect(() => renderDocument(bad as unknown as DocumentModel, {})).toThrow(AftaleError);
  });
});

describe('the Handlebars environment itself', () => {
  const hb = createSafeHandlebars();
  const context = buildContext(new Map([['client.name', 'X']]));

  it('renders a plain path', () => {
    expect(hb.compile('{{client.name}}', SAFE_COMPILE_OPTIONS)(context, SAFE_RUNTIME_OPTIONS)).toBe(
      'X',
    );
  });

  it.each([
    '{{constructor.constructor}}',
    '{{__proto__}}',
    '{{this.constructor}}',
    '{{[constructor]}}',
    '{{client.name.constructor}}',
    '{{constructor.constructor "return globalThis.__pwned = 1"}}',
    '{{#with (lookup this "constructor")}}{{#with (lookup this "constructor")}}{{this "globalThis.__pwned = 1"}}{{/with}}{{/with}}',
    '{{#each this}}{{@key}}{{/each}}',
    '{{> x}}',
    '{{#*inline "x"}}y{{/inline}}',
    '{{client.missing}}',
  ])('cannot evaluate %s even if it got past the tokenizer', (template) => {
    expect(() =>
      hb.compile(template, SAFE_COMPILE_OPTIONS)(context, SAFE_RUNTIME_OPTIONS),
    ).toThrow();
    expect((globalThis as Record<string, unknown>)['__pwned']).toBeUndefined();
  });

  it('has no helpers and is isolated from the global Handlebars', () => {
    expect(Object.keys(hb.helpers)).toEqual([]);
    expect(Object.keys(hb.partials)).toEqual([]);
  });

  it('the compiler refuses structural placeholders before any template runs', () => {
    const compiled = compileDocument(model('{{constructor.constructor}} {{client.name}}'), 'h');
    expect(compiled.problems).toEqual([expect.objectContaining({ problem: 'prototype-access' })]);
    expect([...compiled.paths]).toEqual(['client.name']);
  });

  it('publish refuses what render refuses', () => {
    expect(() => assertPublishable(model('{{this.constructor}}'))).toThrow(AftaleError);
  });
});
