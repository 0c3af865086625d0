import fc from 'fast-check';
import { isAftaleError } from '@aftale/domain';
import { canonicalBytes, canonicalize } from './canonical-json';

/** An IEEE 754 double from its big-endian bit pattern (how RFC 8785 Appendix B lists them). */
function double(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  // RFC 8785 Appendix B.
  const numbers: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(numbers)('serialises the double 0x%s as %s (Appendix B)', (bits, expected) => {
    expect(canonicalize(double(bits))).toBe(expected);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ])('refuses the double 0x%s (%s), as Appendix B requires', (bits) => {
    expect(() => canonicalize(double(bits))).toThrow(/not a JSON number/);
  });

  it('produces the §3.2.2 sample output', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    // §3.2.4: the same output as UTF-8 bytes (the euro sign is e2 82 ac).
    const hex = Buffer.from(canonicalBytes(input)).toString('hex');
    expect(hex.startsWith('7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d')).toBe(true);
    expect(hex).toContain('22737472696e67223a22e282ac245c7530303066');
    expect(hex.endsWith('5c5c5c5c5c222f227d')).toBe(true);
  });

  it('sorts keys by UTF-16 code units (the §3.2.3 example)', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",' +
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    ) as unknown;
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('escapes exactly the characters JCS escapes, in lowercase hex', () => {
    expect(canonicalize('\b\t\n\f\r\u0000\u001f\u007f"\\/é')).toBe(
      '"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f\\"\\\\/é"',
    );
  });

  it('nests arrays and objects without whitespace', () => {
    expect(canonicalize({ b: [1, { d: 2, c: null }], a: {} })).toBe(
      '{"a":{},"b":[1,{"c":null,"d":2}]}',
    );
    expect(canonicalize([])).toBe('[]');
    expect(canonicalize(Object.create(null) as object)).toBe('{}');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  describe('refuses what JSON cannot hold, naming where', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    const holey: unknown[] = new Array(3);
    holey[0] = 1;
    holey[2] = 3;
    it.each<[string, unknown, RegExp, string]>([
      ['NaN', { n: NaN }, /NaN is not a JSON number/, '$.n'],
      ['Infinity', [1, -Infinity], /-Infinity is not a JSON number/, '$[1]'],
      ['undefined', { a: { 'b c': undefined } }, /undefined/, '$.a["b c"]'],
      ['a hole', holey, /undefined/, '$[1]'],
      ['a function', { f: () => 1 }, /function/, '$.f'],
      ['a symbol', { s: Symbol('x') }, /symbol/, '$.s'],
      ['a BigInt', { n: 10n }, /BigInt/, '$.n'],
      ['a cycle', cyclic, /cycle/, '$.self.back'],
      ['a Date', { at: new Date(0) }, /Date/, '$.at'],
      ['a Map', new Map(), /Map/, '$'],
      ['a lone surrogate', { s: 'a\ud800b' }, /surrogate/, '$.s'],
      ['a lone low surrogate key', { '\udc00': 1 }, /surrogate/, '$["\\udc00"]'],
    ])('%s', (_, value, message, field) => {
      let error: unknown;
      try {
        canonicalize(value);
      } catch (e) {
        error = e;
      }
      expect(isAftaleError(error)).toBe(true);
      if (!isAftaleError(error)) return;
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(message);
      expect(error.problems[0]?.field).toBe(field);
    });

    it('refuses absurd nesting instead of overflowing the stack', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 10_000; i++) deep = [deep];
      expect(() => canonicalize(deep)).toThrow(/nesting deeper/);
    });
  });

  describe('properties', () => {
    // -0 is the one JSON value that does not survive a round trip as itself (it reads as 0).
    const json = fc
      .jsonValue({ stringUnit: 'grapheme', maxDepth: 4 })
      .map((v) => JSON.parse(JSON.stringify(v)) as unknown);

    /** The same value with every object's keys inserted in reverse order. */
    function reorder(value: unknown): unknown {
      if (Array.isArray(value)) return value.map(reorder);
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reorder(v)]),
        );
      }
      return value;
    }

    it('round-trips: JSON.parse(canonicalize(x)) deep-equals x', () => {
      fc.assert(
        fc.property(json, (x) => {
          expect(JSON.parse(canonicalize(x))).toEqual(x);
        }),
        { numRuns: 300 },
      );
    });

    it('is idempotent', () => {
      fc.assert(
        fc.property(json, (x) => {
          const once = canonicalize(x);
          expect(canonicalize(JSON.parse(once))).toBe(once);
        }),
        { numRuns: 300 },
      );
    });

    it('does not depend on key insertion order', () => {
      fc.assert(
        fc.property(json, (x) => {
          expect(canonicalize(reorder(x))).toBe(canonicalize(x));
        }),
        { numRuns: 300 },
      );
    });

    it('agrees with JSON.stringify on key-sorted data', () => {
      const sortKeys = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(sortKeys)
          : v && typeof v === 'object'
            ? Object.fromEntries(
                Object.keys(v)
                  .sort()
                  .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
              )
            : v;
      fc.assert(
        fc.property(json, (x) => {
          expect(canonicalize(x)).toBe(JSON.stringify(sortKeys(x)));
        }),
        { numRuns: 300 },
      );
    });

    it('serialises every finite double so that it parses back to the same double', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
          expect(Number(canonicalize(d))).toBe(d === 0 ? 0 : d);
        }),
      );
    });
  });
});
