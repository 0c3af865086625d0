/**
 * Integer money arithmetic. Amounts are minor units (øre, cent) held as safe integers;
 * products and quotients go through BigInt so that no intermediate can lose precision.
 */

/** `numerator / denominator` rounded half to even (banker's rounding), symmetric around 0. */
export function roundHalfEvenDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / denominator;
  const twiceRemainder = (n % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/** Back to a JS number; refuses anything a double cannot hold exactly. */
export function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} is outside the safe range`);
  return n;
}

function big(amount: number, what: string): bigint {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${what} must be a safe integer`);
  return BigInt(amount);
}

/** VAT contained in a gross amount: round_half_even(gross * rate / (10000 + rate)). */
export function vatFromGross(gross: number, rateBasisPoints: number): number {
  const rate = big(rateBasisPoints, 'rate');
  return toSafeNumber(roundHalfEvenDiv(big(gross, 'gross') * rate, 10_000n + rate));
}

/** VAT on top of a net amount: round_half_even(net * rate / 10000). */
export function vatFromNet(net: number, rateBasisPoints: number): number {
  return toSafeNumber(roundHalfEvenDiv(big(net, 'net') * big(rateBasisPoints, 'rate'), 10_000n));
}

/** Discount on an amount: round_half_even(amount * discount / 10000). */
export function discountOf(amount: number, discountBasisPoints: number): number {
  return toSafeNumber(
    roundHalfEvenDiv(big(amount, 'amount') * big(discountBasisPoints, 'discount'), 10_000n),
  );
}
