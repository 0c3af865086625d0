import { AftaleError } from '@aftale/domain';
import { checkCustomValue, declareCustomFields } from './custom-fields';

function problems(input: unknown) {
  try {
    declareCustomFields(input);
  } catch (error) {
    if (error instanceof AftaleError) return error.problems;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('declareCustomFields', () => {
  it('normalises keys and rules', () => {
    expect(
      declareCustomFields([
        {
          key: 'subdomain',
          label: 'Intranet-adresse',
          rule: { kind: 'regex', pattern: '[a-z0-9-]{2,30}', maxLength: 30 },
        },
        { key: 'custom.billingEmail', label: 'Faktura-mail', rule: 'email', required: false },
        { key: 'seats', label: 'Antal brugere', rule: { kind: 'number', maxLength: 5 } },
      ]),
    ).toEqual([
      {
        path: 'custom.subdomain',
        label: 'Intranet-adresse',
        rule: { kind: 'regex', pattern: '[a-z0-9-]{2,30}', maxLength: 30 },
        required: true,
      },
      {
        path: 'custom.billingEmail',
        label: 'Faktura-mail',
        rule: { kind: 'email', maxLength: 254 },
        required: false,
      },
      {
        path: 'custom.seats',
        label: 'Antal brugere',
        rule: { kind: 'number', maxLength: 5 },
        required: true,
      },
    ]);
  });

  it.each([
    [[{ key: 'constructor', label: 'x', rule: 'text' }], 'customFields.0.key'],
    [[{ key: '__proto__', label: 'x', rule: 'text' }], 'customFields.0.key'],
    [[{ key: 'custom.a.b', label: 'x', rule: 'text' }], 'customFields.0.key'],
    [[{ key: 'a', label: '', rule: 'text' }], 'customFields.0.label'],
    [[{ key: 'a', label: 'x', rule: 'phone' }], 'customFields.0.rule.kind'],
    [
      [{ key: 'a', label: 'x', rule: { kind: 'regex', pattern: '(', maxLength: 10 } }],
      'customFields.0.rule.pattern',
    ],
    [
      [{ key: 'a', label: 'x', rule: { kind: 'regex', pattern: '(a+)+', maxLength: 10 } }],
      'customFields.0.rule.pattern',
    ],
    [
      [{ key: 'a', label: 'x', rule: { kind: 'regex', pattern: '(a|aa)*', maxLength: 10 } }],
      'customFields.0.rule.pattern',
    ],
    [
      [{ key: 'a', label: 'x', rule: { kind: 'regex', pattern: 'a', maxLength: 100_000 } }],
      'customFields.0.rule.maxLength',
    ],
    [
      [{ key: 'a', label: 'x', rule: { kind: 'regex', pattern: 'a' } }],
      'customFields.0.rule.maxLength',
    ],
    [[{ key: 'a', label: 'x', rule: 'text', extra: 1 }], 'customFields.0'],
    [
      [
        { key: 'a', label: 'x', rule: 'text' },
        { key: 'custom.a', label: 'y', rule: 'text' },
      ],
      'customFields.1.key',
    ],
    ['nope', 'customFields'],
  ])('refuses %j (%s)', (input, field) => {
    expect(problems(input).map((p) => p.field)).toContain(field);
  });
});

describe('checkCustomValue', () => {
  const [subdomain, email, url, cvr, number, text] = declareCustomFields([
    {
      key: 'subdomain',
      label: 'Adresse',
      rule: { kind: 'regex', pattern: '[a-z0-9-]{2,30}', maxLength: 30 },
    },
    { key: 'email', label: 'Mail', rule: 'email' },
    { key: 'site', label: 'Hjemmeside', rule: 'url' },
    { key: 'cvr', label: 'CVR', rule: 'cvr' },
    { key: 'n', label: 'Antal', rule: 'number' },
    { key: 't', label: 'Tekst', rule: { kind: 'text', maxLength: 5 } },
  ]);

  it.each([
    [subdomain, 'min-dag', true],
    [subdomain, 'Min Dag', false],
    [subdomain, 'min-dag.evil.example', false], // the pattern must match the whole value
    [email, 'ida@example.dk', true],
    [email, 'ida@', false],
    [url, 'https://firma.dk', true],
    [url, 'javascript:alert(1)', false],
    [cvr, '37308838', true],
    [cvr, '37308839', false],
    [number, '12,5', true],
    [number, '12a', false],
    [text, 'abcde', true],
    [text, 'abcdef', false],
  ])('%o accepts %s: %s', (field, value, ok) => {
    expect(checkCustomValue(field!, value) === null).toBe(ok);
  });
});
