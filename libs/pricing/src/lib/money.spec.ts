import fc from 'fast-check';
import { discountOf, roundHalfEvenDiv, toSafeNumber, vatFromGross, vatFromNet } from './money';

describe('roundHalfEvenDiv', () => {
  it.each([
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [-2n, 3n, -1n],
    [0n, 7n, 0n],
  ])('%s / %s = %s', (n, d, expected) => {
    expect(roundHalfEvenDiv(n, d)).toBe(expected);
  });

  it('refuses a zero or negative denominator', () => {
    expect(() => roundHalfEvenDiv(1n, 0n)).toThrow(RangeError);
    expect(() => roundHalfEvenDiv(1n, -2n)).toThrow(RangeError);
  });

  it('is the nearest integer, ties to even', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 30n), 10n ** 30n), fc.bigInt(1n, 10n ** 20n), (n, d) => {
        const q = roundHalfEvenDiv(n, d);
        const twiceError = 2n * (n - q * d);
        const abs = twiceError < 0n ? -twiceError : twiceError;
        expect(abs <= d).toBe(true);
        if (abs === d) expect(q % 2n).toBe(0n);
      }),
    );
  });
});

describe('VAT and discounts', () => {
  it('takes 25% VAT out of a gross amount', () => {
    expect(vatFromGross(50500, 2500)).toBe(10100);
    expect(vatFromGross(1, 2500)).toBe(0); // 0.2
    expect(vatFromGross(3, 2500)).toBe(1); // 0.6
    expect(vatFromGross(12345, 0)).toBe(0);
  });

  it('adds VAT to a net amount, ties to even', () => {
    expect(vatFromNet(40400, 2500)).toBe(10100);
    expect(vatFromNet(10, 2500)).toBe(2); // 2.5
    expect(vatFromNet(14, 2500)).toBe(4); // 3.5
  });

  it('rounds discounts half to even', () => {
    expect(discountOf(123500, 1000)).toBe(12350);
    expect(discountOf(5, 1000)).toBe(0); // 0.5
    expect(discountOf(15, 1000)).toBe(2); // 1.5
  });

  it('stays exact where a double product would not', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(vatFromNet(max, 10000)).toBe(max);
    expect(vatFromGross(max - 1, 10000)).toBe((max - 1) / 2);
  });

  it('refuses non-integers and unsafe results', () => {
    expect(() => vatFromNet(1.5, 2500)).toThrow(RangeError);
    expect(() => vatFromGross(100, 0.5)).toThrow(RangeError);
    expect(() => toSafeNumber(2n ** 53n)).toThrow(RangeError);
    expect(toSafeNumber(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
