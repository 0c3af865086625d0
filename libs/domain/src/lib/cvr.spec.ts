import fc from 'fast-check';
import { checkCvr } from './cvr';

/**
 * Independent oracle for the test generators: the published CVR rule (8 digits,
 * first not 0, weighted sum with 2,7,6,5,4,3,2,1 divisible by 11).
 */
const WEIGHTS = [2, 7, 6, 5, 4, 3, 2, 1];
function weightedSum(digits: string): number {
  return WEIGHTS.reduce((sum, weight, i) => sum + weight * Number(digits[i]), 0);
}

/** Valid CVR numbers: 7 free digits (first 1-9) and the check digit that completes them. */
const validCvr = fc
  .tuple(
    fc.integer({ min: 1, max: 9 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }),
  )
  .map(([first, rest]) => {
    const head = `${first}${rest.join('')}`;
    const check = (11 - (weightedSum(`${head}0`) % 11)) % 11;
    return { head, check };
  })
  // A remainder that would need check digit 10 has no valid completion.
  .filter(({ check }) => check < 10)
  .map(({ head, check }) => `${head}${check}`);

function expectInvalid(input: string): string {
  const result = checkCvr(input);
  expect(result.valid).toBe(false);
  if (result.valid) throw new Error('unreachable');
  expect(result.reason.length).toBeGreaterThan(0);
  return result.reason;
}

function withDigit(cvr: string, position: number, digit: number): string {
  return cvr.slice(0, position) + String(digit) + cvr.slice(position + 1);
}

describe('checkCvr', () => {
  describe('valid numbers', () => {
    it.each(['37308838', '38790080', '45629627'])('accepts %s', (cvr) => {
      expect(checkCvr(cvr)).toEqual({ valid: true, cvr });
    });

    it.each([
      ['DK-37 30 88 38', '37308838'],
      ['CVR 37308838', '37308838'],
      ['cvr: 38790080', '38790080'],
      ['DK37308838', '37308838'],
      ['dk 45629627', '45629627'],
      ['CVR. 45629627', '45629627'],
      ['  37 30 88 38  ', '37308838'],
      ['37-30-88-38', '37308838'],
    ])('accepts %j and normalises it to %s', (input, cvr) => {
      expect(checkCvr(input)).toEqual({ valid: true, cvr });
    });

    it('accepts every number that satisfies the modulus-11 rule', () => {
      fc.assert(
        fc.property(validCvr, (cvr) => {
          expect(checkCvr(cvr)).toEqual({ valid: true, cvr });
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('invalid numbers', () => {
    it.each(['3730883', '373088380', '1', '', '   ', 'DK-', 'CVR'])(
      'refuses %j: not 8 digits',
      (input) => {
        expect(expectInvalid(input)).toMatch(/8 digits/);
      },
    );

    it.each(['3730883A', 'ABCDEFGH', '3730.8838', '37308838!', '３７３０８８３８'])(
      'refuses %j: not digits',
      (input) => {
        expectInvalid(input);
      },
    );

    it.each([
      // Both pass the weighted sum; only the leading 0 makes them invalid.
      '00000000',
      '01000004',
    ])('refuses %s: starts with 0', (input) => {
      expect(weightedSum(input) % 11).toBe(0);
      expect(expectInvalid(input)).toMatch(/0/);
    });

    it.each(['37308839', '37308830', '38790081', '45629628', '12345678'])(
      'refuses %s: bad check digit',
      (input) => {
        expect(expectInvalid(input)).toMatch(/check digit/i);
      },
    );

    it('refuses a prefixed number with a bad check digit', () => {
      expect(expectInvalid('DK-37 30 88 39')).toMatch(/check digit/i);
    });
  });

  describe('error detection', () => {
    // Claim: modulus 11 with weights 2,7,6,5,4,3,2,1 detects every single-digit error.
    // Changing digit i from a to b moves the sum by w_i * (b - a); with w_i in 1..7 and
    // |b - a| in 1..9, and 11 prime, that is never a multiple of 11. The tests below
    // check the claim against checkCvr, exhaustively for every (position, from, to).

    it.each(['37308838', '38790080', '45629627'])(
      'refuses all 72 single-digit changes of %s',
      (cvr) => {
        for (let position = 0; position < 8; position++) {
          for (let digit = 0; digit <= 9; digit++) {
            if (String(digit) === cvr[position]) continue;
            expectInvalid(withDigit(cvr, position, digit));
          }
        }
      },
    );

    it('detects every single-digit error for every position and every (from, to) digit pair', () => {
      // Build, for each position and each digit, a valid CVR carrying that digit there.
      const examples = new Map<string, string>();
      for (let position = 0; position < 8; position++) {
        for (let digit = position === 0 ? 1 : 0; digit <= 9; digit++) {
          for (let n = 1000000; n <= 9999999; n++) {
            const head = position < 7 ? withDigit(String(n), position, digit) : String(n);
            const cvr =
              position < 7
                ? `${head}${(11 - (weightedSum(`${head}0`) % 11)) % 11}`
                : `${head}${digit}`;
            if (cvr.length === 8 && weightedSum(cvr) % 11 === 0) {
              examples.set(`${position}:${digit}`, cvr);
              break;
            }
          }
        }
      }
      // Every (position, digit) except a leading 0, which no valid CVR has.
      expect(examples.size).toBe(79);

      let pairs = 0;
      for (const [key, cvr] of examples) {
        expect(checkCvr(cvr).valid).toBe(true);
        const position = Number(key.split(':')[0]);
        for (let digit = 0; digit <= 9; digit++) {
          if (String(digit) === cvr[position]) continue;
          expectInvalid(withDigit(cvr, position, digit));
          pairs++;
        }
      }
      expect(pairs).toBe(79 * 9);
    });

    it('property: changing any one digit of a valid CVR makes it invalid', () => {
      fc.assert(
        fc.property(
          validCvr,
          fc.nat({ max: 7 }),
          fc.integer({ min: 1, max: 9 }),
          (cvr, position, delta) => {
            const digit = (Number(cvr[position]) + delta) % 10;
            expectInvalid(withDigit(cvr, position, digit));
          },
        ),
        { numRuns: 2000 },
      );
    });

    it('property: swapping two different adjacent digits of a valid CVR makes it invalid', () => {
      // Adjacent weights differ by 5 or 1, so a swap moves the sum by a non-multiple of 11.
      fc.assert(
        fc.property(validCvr, fc.nat({ max: 6 }), (cvr, position) => {
          const a = cvr[position] as string;
          const b = cvr[position + 1] as string;
          fc.pre(a !== b);
          const swapped = cvr.slice(0, position) + b + a + cvr.slice(position + 2);
          expectInvalid(swapped);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
