import {
  LEGACY_PLACEHOLDERS,
  STANDARD_PLACEHOLDERS,
  checkPath,
  isReservedName,
  modernizeLegacy,
  tokenizeTemplate,
} from './placeholders';

describe('standard placeholders', () => {
  it('maps every legacy name to its path', () => {
    expect(Object.fromEntries(LEGACY_PLACEHOLDERS)).toEqual({
      CLIENT_NAME: 'client.name',
      CLIENT_ADDRESS: 'client.address',
      CLIENT_ZIPCITY: 'client.zipCity',
      CLIENT_CVR: 'client.cvr',
      CLIENT_CONTACT: 'client.contact',
      CLIENT_CONTACTEMAIL: 'client.contactEmail',
    });
  });

  it('includes the vendor, plan, acceptance and sub-processor placeholders', () => {
    expect(STANDARD_PLACEHOLDERS.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'acceptance.date',
        'plan.name',
        'vendor.name',
        'vendor.legalName',
        'vendor.cvr',
        'vendor.address',
        'subprocessors',
      ]),
    );
  });
});

describe('tokenizeTemplate', () => {
  it('splits text, mustache and legacy tokens with their offsets', () => {
    expect(tokenizeTemplate('Hej {{client.name}} (#CLIENT_CVR#).')).toEqual([
      { kind: 'text', text: 'Hej ' },
      {
        kind: 'placeholder',
        raw: '{{client.name}}',
        syntax: 'mustache',
        path: 'client.name',
        start: 4,
        end: 19,
      },
      { kind: 'text', text: ' (' },
      {
        kind: 'placeholder',
        raw: '#CLIENT_CVR#',
        syntax: 'legacy',
        path: 'client.cvr',
        start: 21,
        end: 33,
      },
      { kind: 'text', text: ').' },
    ]);
  });

  it('accepts spaces inside the braces', () => {
    expect(tokenizeTemplate('{{ client.name }}')[0]).toMatchObject({ path: 'client.name' });
  });

  it.each([
    ['{{constructor.constructor}}', 'prototype-access'],
    ['{{__proto__}}', 'prototype-access'],
    ['{{this.constructor}}', 'prototype-access'],
    ['{{client.__proto__.x}}', 'prototype-access'],
    ['{{lookup . "constructor"}}', 'prototype-access'],
    ['{{client.toString}}', 'prototype-access'],
    ['{{#each client}}', 'unsupported-syntax'],
    ['{{> partial}}', 'unsupported-syntax'],
    ['{{{client.name}}}', 'unsupported-syntax'],
    ['{{client.name "x"}}', 'unsupported-syntax'],
    ['{{@root.client}}', 'prototype-access'],
    ['{{../client}}', 'unsupported-syntax'],
    ['{{!comment}}', 'unsupported-syntax'],
    ['{{}}', 'unsupported-syntax'],
    ['{{client.name', 'unclosed'],
    ['#UNKNOWN_THING#', 'unknown'],
  ])('%s is refused as %s', (text, problem) => {
    const token = tokenizeTemplate(`a ${text} b`).find((s) => s.kind === 'placeholder');
    expect(token).toMatchObject({ kind: 'placeholder', problem });
  });

  it('does not take ordinary text for placeholders', () => {
    expect(
      tokenizeTemplate('Pris #1 og 50 % rabat, {ikke} #a#').every((s) => s.kind === 'text'),
    ).toBe(true);
  });
});

describe('checkPath', () => {
  const declared = new Set(['custom.subdomain']);
  it.each([
    ['client.name', true, undefined],
    ['custom.subdomain', true, undefined],
    ['custom.other', false, 'undeclared'],
    ['client.nmae', false, 'unknown'],
    ['subprocessors', false, 'block-inline'],
  ])('%s', (path, ok, problem) => {
    expect(checkPath(path, declared)).toMatchObject({ ok, ...(problem ? { problem } : {}) });
  });
});

it('isReservedName covers object machinery', () => {
  for (const name of [
    'constructor',
    '__proto__',
    'prototype',
    'hasOwnProperty',
    'toString',
    '__defineGetter__',
  ]) {
    expect(isReservedName(name)).toBe(true);
  }
  expect(isReservedName('name')).toBe(false);
});

it('modernizeLegacy rewrites only known legacy tokens', () => {
  expect(modernizeLegacy('#CLIENT_NAME# #OTHER_ONE#')).toBe('{{client.name}} #OTHER_ONE#');
});
