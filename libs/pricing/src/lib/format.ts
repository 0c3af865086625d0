import type { Currency } from './plan';

const LOCALE_TAGS = { da: 'da-DK', en: 'en-GB' } as const;
/** Every allowed currency has 2 minor digits; a 0- or 3-digit one would need a table here. */
const MINOR_DIGITS = 2;

/**
 * Renders minor units for people, e.g. 123500 DKK in da → "1.235,00 kr." (Intl puts a
 * no-break space before the symbol). Goes through a decimal string, never a float.
 */
export function formatMinor(amount: number, currency: Currency, locale: 'da' | 'en'): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError('amount must be a safe integer');
  const digits = BigInt(Math.abs(amount))
    .toString()
    .padStart(MINOR_DIGITS + 1, '0');
  const major = digits.slice(0, -MINOR_DIGITS);
  const minor = digits.slice(-MINOR_DIGITS);
  const decimal = `${amount < 0 ? '-' : ''}${major}.${minor}` as `${number}`;
  return new Intl.NumberFormat(LOCALE_TAGS[locale], {
    style: 'currency',
    currency,
    minimumFractionDigits: MINOR_DIGITS,
    maximumFractionDigits: MINOR_DIGITS,
  }).format(decimal);
}
