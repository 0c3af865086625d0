import { formatMinor } from './format';

const plain = (s: string) => s.replace(/\u00a0/g, ' ');

describe('formatMinor', () => {
  it('renders Danish kroner', () => {
    expect(plain(formatMinor(123500, 'DKK', 'da'))).toBe('1.235,00 kr.');
    expect(plain(formatMinor(50500, 'DKK', 'da'))).toBe('505,00 kr.');
    expect(plain(formatMinor(5, 'DKK', 'da'))).toBe('0,05 kr.');
    expect(plain(formatMinor(0, 'DKK', 'da'))).toBe('0,00 kr.');
    expect(plain(formatMinor(-123500, 'DKK', 'da'))).toBe('-1.235,00 kr.');
  });

  it('keeps the number and the symbol together with a no-break space', () => {
    expect(formatMinor(123500, 'DKK', 'da')).toBe('1.235,00\u00a0kr.');
  });

  it('renders English and other currencies', () => {
    expect(plain(formatMinor(123500, 'DKK', 'en'))).toBe('DKK 1,235.00');
    expect(plain(formatMinor(123500, 'EUR', 'da'))).toBe('1.235,00 €');
    expect(formatMinor(123500, 'EUR', 'en')).toBe('€1,235.00');
    expect(formatMinor(99, 'GBP', 'en')).toBe('£0.99');
  });

  it('is exact at the edge of the safe range', () => {
    expect(formatMinor(Number.MAX_SAFE_INTEGER, 'EUR', 'en')).toBe('€90,071,992,547,409.91');
  });

  it('refuses non-integers', () => {
    expect(() => formatMinor(12.5, 'DKK', 'da')).toThrow(RangeError);
    expect(() => formatMinor(Number.NaN, 'DKK', 'da')).toThrow(RangeError);
  });
});
