import { AftaleError } from '@aftale/domain';
import {
  assertPublishable,
  declareCustomFields,
  hashDocument,
  importText,
  type DocumentModel,
} from '../index';

const model = (...texts: string[]): DocumentModel => ({
  version: 1,
  blocks: texts.map((text) => ({ type: 'paragraph', content: [{ text }] })),
});

function refusal(fn: () => unknown): AftaleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AftaleError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('assertPublishable', () => {
  it('passes a document with known placeholders and returns its hash and needs', () => {
    const doc: DocumentModel = {
      version: 1,
      blocks: [
        ...model('{{client.name}} #CLIENT_CVR#', '{{plan.name}}').blocks,
        { type: 'subprocessors' },
      ],
    };
    expect(assertPublishable(doc)).toEqual({
      hash: hashDocument(doc),
      requiredValues: ['client.cvr', 'client.name', 'plan.name', 'subprocessors'],
    });
  });

  it('lists every unknown, undeclared or unsafe placeholder at once', () => {
    const doc = model(
      'Kunde {{client.nmae}} og {{custom.subdomain}}',
      'Farligt: {{constructor.constructor}} {{__proto__}} {{this.constructor}}',
      '{{#each client}}x{{/each}} #CLIENT_PHONE# {{client.name',
    );
    const error = refusal(() => assertPublishable(doc));
    expect(error.code).toBe('BAD_USER_INPUT');
    const messages = error.problems.map((p) => p.message);
    expect(messages).toHaveLength(9);
    for (const raw of [
      '{{client.nmae}}',
      '{{custom.subdomain}}',
      '{{constructor.constructor}}',
      '{{__proto__}}',
      '{{this.constructor}}',
      '{{#each client}}',
      '{{/each}}',
      '#CLIENT_PHONE#',
      '{{client.name',
    ]) {
      expect(messages.some((m) => m.includes(raw))).toBe(true);
    }
    expect(error.problems[0]).toMatchObject({
      field: 'document.blocks.0',
      hint: expect.stringContaining('{{client.name}}'),
    });
  });

  it('accepts declared custom fields', () => {
    const customFields = declareCustomFields([
      { key: 'subdomain', label: 'Adresse', rule: 'text' },
    ]);
    expect(
      assertPublishable(model('https://{{custom.subdomain}}.x.dk'), customFields).requiredValues,
    ).toEqual(['custom.subdomain']);
  });

  it('refuses suspected blanks unless told they are intended', () => {
    const doc = model('Firma navn', 'CVR. nr.: xxx');
    const error = refusal(() => assertPublishable(doc));
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('"Firma navn" looks like an unfilled blank'),
      expect.stringContaining('"CVR. nr.: xxx" looks like an unfilled blank'),
    ]);
    expect(assertPublishable(doc, [], { allowSuspectedBlanks: true }).requiredValues).toEqual([]);
  });

  it('refuses an empty or malformed model', () => {
    expect(refusal(() => assertPublishable({ version: 1, blocks: [] })).problems[0]!.field).toBe(
      'document',
    );
    expect(() => assertPublishable({ version: 1 } as DocumentModel)).toThrow(AftaleError);
  });

  it('refuses a {{subprocessors}} table used inside running text', () => {
    const error = refusal(() => assertPublishable(model('Se {{subprocessors}} her')));
    expect(error.problems[0]!.message).toContain('must stand alone');
  });

  it('agrees with the importer: what import reports as unknown, publish refuses', () => {
    const result = importText('Kunde: {{client.name}}\n\nForkert: {{client.adress}}');
    expect(result.unknownPlaceholders).toHaveLength(1);
    expect(refusal(() => assertPublishable(result.model)).problems).toHaveLength(1);
  });
});
