import { MESSAGES, toLocale, translate, type MessageKey } from './i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('widget messages', () => {
  const keys = Object.keys(MESSAGES.da) as MessageKey[];

  it('has every message in Danish and English, none empty', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual([...keys].sort());
    for (const locale of ['da', 'en'] as const) {
      for (const key of keys) expect(MESSAGES[locale][key].trim()).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of keys) {
      expect({ key, vars: placeholders(MESSAGES.en[key]) }).toEqual({
        key,
        vars: placeholders(MESSAGES.da[key]),
      });
    }
  });

  it('is actually translated (Danish and English differ where words are involved)', () => {
    const same = keys.filter((k) => MESSAGES.da[k] === MESSAGES.en[k]);
    // The same word in both languages, or no words at all.
    expect(same.sort()).toEqual(['contactEmail', 'serverSaid', 'version']);
  });

  it('fills in values and leaves unknown placeholders visible', () => {
    expect(translate('da', 'progress', { n: 2 })).toBe('Trin 2 af 3');
    expect(translate('en', 'usersRange', { min: 1, max: 500 })).toBe(
      'Choose between 1 and 500 users.',
    );
    expect(translate('da', 'required', {})).toBe('{field} skal udfyldes.');
  });

  it('reads locales from attributes and language tags', () => {
    expect(toLocale('en-GB')).toBe('en');
    expect(toLocale('DA')).toBe('da');
    expect(toLocale('de')).toBeNull();
    expect(toLocale(null)).toBeNull();
  });
});
