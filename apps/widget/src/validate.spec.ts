import type { WidgetCustomField } from '@aftale/domain';
import { translate } from './i18n';
import {
  COMPANY_FIELDS,
  checkCompanyField,
  checkCustomField,
  cvrProblem,
  parseUsers,
  type FieldSpec,
  type Problem,
} from './validate';

const spec = (name: FieldSpec['name']) => COMPANY_FIELDS.find((f) => f.name === name)!;
const da = (p: Problem | null) => (p ? translate('da', p.key, p.vars) : null);
const en = (p: Problem | null) => (p ? translate('en', p.key, p.vars) : null);

describe('company form validation', () => {
  it('accepts real CVR numbers, also as written on invoices', () => {
    for (const cvr of ['37308838', '38790080', '45629627', 'DK-37 30 88 38', 'CVR-nr. 37308838']) {
      expect(cvrProblem(cvr)).toBeNull();
    }
  });

  it('explains a bad CVR in Danish and English', () => {
    expect(da(cvrProblem('12345678'))).toBe(
      'CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke). Tjek for tastefejl.',
    );
    expect(en(cvrProblem('37308839'))).toMatch(/check digit/);
    expect(da(cvrProblem('1234'))).toBe('Et CVR-nummer har 8 cifre, fx 37308838.');
    expect(da(cvrProblem('01234567'))).toBe('Et CVR-nummer starter aldrig med 0.');
  });

  it('requires every company field, naming it', () => {
    for (const field of COMPANY_FIELDS) {
      expect(da(checkCompanyField(field, '  ', 'Firmanavn'))).toBe('Firmanavn skal udfyldes.');
    }
    expect(en(checkCompanyField(spec('city'), '', 'City'))).toBe('City is required.');
  });

  it('checks postcode, e-mail and length', () => {
    expect(checkCompanyField(spec('postalCode'), '8000', 'Postnr.')).toBeNull();
    expect(da(checkCompanyField(spec('postalCode'), '800', 'Postnr.'))).toBe(
      'Et postnummer har 4 cifre, fx 8000.',
    );
    expect(checkCompanyField(spec('contactEmail'), 'aase@mindag.dk', 'E-mail')).toBeNull();
    expect(da(checkCompanyField(spec('contactEmail'), 'aase@mindag', 'E-mail'))).toMatch(
      /gyldig e-mailadresse/,
    );
    expect(da(checkCompanyField(spec('name'), 'x'.repeat(201), 'Firmanavn'))).toBe(
      'Firmanavn må højst have 200 tegn.',
    );
    expect(checkCompanyField(spec('name'), 'Min Dag Min Energi ApS', 'Firmanavn')).toBeNull();
  });
});

describe("vendors' custom fields", () => {
  const field = (over: Partial<WidgetCustomField>): WidgetCustomField => ({
    path: 'custom.subdomain',
    label: 'Subdomæne',
    required: true,
    kind: 'regex',
    pattern: '[a-z0-9-]{2,30}',
    maxLength: 30,
    ...over,
  });

  it('applies the vendor rule with the vendor label', () => {
    expect(checkCustomField(field({}), 'mindag')).toBeNull();
    expect(da(checkCustomField(field({}), 'Min Dag!'))).toBe(
      'Subdomæne har ikke den rigtige form.',
    );
    expect(da(checkCustomField(field({}), ''))).toBe('Subdomæne skal udfyldes.');
    expect(checkCustomField(field({ required: false }), '')).toBeNull();
    expect(da(checkCustomField(field({}), 'a'.repeat(31)))).toBe(
      'Subdomæne må højst have 30 tegn.',
    );
  });

  it('knows the built-in kinds, and leaves a broken pattern to the server', () => {
    expect(checkCustomField(field({ kind: 'email' }), 'it@firma.dk')).toBeNull();
    expect(checkCustomField(field({ kind: 'email' }), 'it@firma')?.key).toBe('email');
    expect(
      checkCustomField(field({ kind: 'url', maxLength: 2048 }), 'https://firma.dk'),
    ).toBeNull();
    expect(checkCustomField(field({ kind: 'url', maxLength: 2048 }), 'firma')?.key).toBe('url');
    expect(checkCustomField(field({ kind: 'number' }), '12,5')).toBeNull();
    expect(checkCustomField(field({ kind: 'number' }), 'tolv')?.key).toBe('number');
    expect(checkCustomField(field({ kind: 'cvr' }), '12345678')?.key).toBe('cvrCheck');
    expect(checkCustomField(field({ kind: 'text' }), 'noget')).toBeNull();
    expect(checkCustomField(field({ pattern: '(' }), 'anything')).toBeNull();
  });
});

describe('number of users', () => {
  it('accepts whole numbers in the plan range only', () => {
    expect(parseUsers('12', 1, 500)).toBe(12);
    expect(parseUsers(' 1 ', 1, 500)).toBe(1);
    for (const bad of ['0', '501', '', '2.5', '-3', 'ti', '1e3']) {
      expect(parseUsers(bad, 1, 500)).toEqual({ key: 'usersRange', vars: { min: 1, max: 500 } });
    }
  });
});
