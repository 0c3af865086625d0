import {
  DEMO_DPA_MARKDOWN,
  DEMO_TERMS_MARKDOWN,
  assertPublishable,
  importMarkdown,
  renderDocument,
  renderText,
  type HeadingBlock,
} from '../index';

const VALUES = {
  client: {
    name: 'Min Dag Min Energi ApS',
    address: 'Vestergade 12',
    zipCity: '8000 Aarhus C',
    cvr: '45629627',
    contact: 'Ida Jensen',
    contactEmail: 'ida@mindag.example',
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
    { name: 'Amazon Web Services EMEA SARL', location: 'DE', purpose: 'Hosting og backup' },
    { name: 'Sendgrid', location: 'US', legalBasis: 'EU-US DPF', purpose: 'Udsendelse af e-mail' },
  ],
};

describe('demo DPA', () => {
  const result = importMarkdown(DEMO_DPA_MARKDOWN);

  it('imports without unknown placeholders, blanks or warnings', () => {
    expect(result.unknownPlaceholders).toEqual([]);
    expect(result.suspectedBlanks).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(new Set(result.placeholders.map((p) => p.path))).toEqual(
      new Set([
        'client.name',
        'client.address',
        'client.zipCity',
        'client.cvr',
        'client.contact',
        'client.contactEmail',
        'vendor.name',
        'vendor.legalName',
        'vendor.cvr',
        'vendor.address',
        'plan.name',
        'acceptance.date',
      ]),
    );
  });

  it('follows the standard clauses: sections 1-15 and annexes A-D, sub-processors from data', () => {
    const headings = result.model.blocks.filter((b): b is HeadingBlock => b.type === 'heading');
    expect(headings.filter((h) => h.clause).map((h) => h.clause)).toEqual(
      Array.from({ length: 15 }, (_, i) => String(i + 1)),
    );
    expect(headings.filter((h) => h.annex).map((h) => h.annex)).toEqual([
      'Bilag A',
      'Bilag B',
      'Bilag C',
      'Bilag D',
    ]);
    expect(result.model.blocks.some((b) => b.type === 'subprocessors')).toBe(true);
    expect(assertPublishable(result.model).requiredValues).toContain('subprocessors');
  });

  it('renders with sample values and stays a few pages', () => {
    const html = renderDocument(result.model, VALUES);
    expect(html).toContain(
      'Min Dag Min Energi ApS<br>Vestergade 12<br>8000 Aarhus C<br>CVR-nr. 45629627',
    );
    expect(html).toContain(
      '<td>Sendgrid</td><td>US</td><td>EU-US DPF</td><td>Udsendelse af e-mail</td>',
    );
    const words = renderText(result.model, VALUES).split(/\s+/).length;
    expect(words).toBeGreaterThan(800);
    expect(words).toBeLessThan(2000);
  });
});

describe('demo terms for Nordlys Intranet ApS', () => {
  const result = importMarkdown(DEMO_TERMS_MARKDOWN);

  it('imports without unknown placeholders and renders with sample values', () => {
    expect(result.unknownPlaceholders).toEqual([]);
    expect(result.suspectedBlanks).toEqual([]);
    expect(assertPublishable(result.model).requiredValues).toEqual([
      'acceptance.date',
      'client.cvr',
      'client.name',
      'plan.name',
    ]);
    const text = renderText(result.model, VALUES);
    expect(text).toContain('Nordlys Intranet ApS');
    expect(text).toContain('Min Dag Min Energi ApS, CVR-nr. 45629627');
  });

  it('states the binding period, renewal, refund, access and data terms', () => {
    const text = renderText(result.model, VALUES);
    expect(text).toMatch(/bindingsperiode/);
    expect(text).toMatch(/fornyes automatisk.*senest dagen før/s);
    expect(text).toMatch(/refunderes .* ikke/);
    expect(text).toMatch(/betalte periode udløber\. Derefter lukkes adgangen/);
    expect(text).toMatch(/I 3 måneder efter lukningen/);
  });
});
