import { AftaleError } from './errors';
import { normaliseOrigin, parseCreateTenant, parseUpdateTenant } from './tenant';

const fullInput = {
  slug: 'min-intranet',
  name: '  Min Intranet ApS  ',
  legalName: 'Min Intranet ApS',
  cvr: 'DK-37 30 88 38',
  addressLine: 'Vesterbrogade 1',
  postalCode: '1620',
  city: 'København V',
  country: 'DK',
  contactName: 'Dorthe Pedersen',
  contactEmail: 'dpo@min-intranet.dk',
  allowedOrigins: [
    'https://Shop.Example.dk/',
    'http://localhost:5173',
    'https://app.min-intranet.dk:8443',
  ],
  defaultLocale: 'da',
};

/** Runs `fn`, expecting an AftaleError, and returns it. */
function refusal(fn: () => unknown): AftaleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AftaleError);
    return error as AftaleError;
  }
  throw new Error('expected the call to throw an AftaleError, but it returned');
}

function fieldsOf(error: AftaleError): string[] {
  return error.problems.map((p) => p.field);
}

/** Expects BAD_USER_INPUT with exactly one problem, on `field`; returns its message. */
function expectOneProblem(fn: () => unknown, field: string): string {
  const error = refusal(fn);
  expect(error.code).toBe('BAD_USER_INPUT');
  expect(fieldsOf(error)).toEqual([field]);
  const message = error.problems[0]?.message ?? '';
  expect(message.length).toBeGreaterThan(0);
  return message;
}

describe('parseCreateTenant', () => {
  it('accepts a full valid input and normalises it', () => {
    expect(parseCreateTenant(fullInput)).toEqual({
      slug: 'min-intranet',
      name: 'Min Intranet ApS',
      legalName: 'Min Intranet ApS',
      cvr: '37308838',
      addressLine: 'Vesterbrogade 1',
      postalCode: '1620',
      city: 'København V',
      country: 'DK',
      contactName: 'Dorthe Pedersen',
      contactEmail: 'dpo@min-intranet.dk',
      allowedOrigins: [
        'https://shop.example.dk',
        'http://localhost:5173',
        'https://app.min-intranet.dk:8443',
      ],
      defaultLocale: 'da',
    });
  });

  it('accepts the minimal input (slug and name)', () => {
    expect(parseCreateTenant({ slug: 'a', name: 'A' })).toEqual({ slug: 'a', name: 'A' });
  });

  it('does not mutate its input', () => {
    const input = structuredClone(fullInput);
    parseCreateTenant(input);
    expect(input).toEqual(fullInput);
  });

  describe('allowedOrigins', () => {
    it.each([
      ['https://Shop.Example.dk/', 'https://shop.example.dk'],
      ['https://shop.example.dk', 'https://shop.example.dk'],
      ['HTTPS://SHOP.EXAMPLE.DK', 'https://shop.example.dk'],
      ['https://shop.example.dk:443', 'https://shop.example.dk'],
      ['https://shop.example.dk:8443/', 'https://shop.example.dk:8443'],
      ['http://localhost:5173', 'http://localhost:5173'],
      ['http://LOCALHOST:3000/', 'http://localhost:3000'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['http://[::1]:3000', 'http://[::1]:3000'],
    ])('accepts %s as %s', (origin, normalised) => {
      expect(
        parseCreateTenant({ slug: 's', name: 'n', allowedOrigins: [origin] }).allowedOrigins,
      ).toEqual([normalised]);
      expect(normaliseOrigin(origin)).toBe(normalised);
    });

    it.each([
      ['ftp scheme', 'ftp://shop.example.dk'],
      ['a path', 'https://shop.example.dk/checkout'],
      ['a path wildcard', 'https://shop.example.dk/*'],
      ['a query', 'https://shop.example.dk/?x=1'],
      ['a fragment', 'https://shop.example.dk/#top'],
      ['credentials', 'https://user:pw@shop.example.dk'],
      ['plain http off localhost', 'http://shop.example.dk'],
      ['plain http on a look-alike of localhost', 'http://localhost.example.dk'],
      ['no scheme', 'shop.example.dk'],
      ['a bare wildcard', '*'],
      ['the null origin', 'null'],
      ['javascript:', 'javascript:alert(1)'],
      ['the empty string', ''],
    ])('refuses %s at the exact index (input.allowedOrigins.1)', (_label, origin) => {
      const message = expectOneProblem(
        () =>
          parseCreateTenant({
            slug: 's',
            name: 'n',
            allowedOrigins: ['https://ok.example.dk', origin],
          }),
        'input.allowedOrigins.1',
      );
      expect(message).toMatch(/e\.g\. https:\/\//);
    });

    // BUG: normaliseOrigin promises to refuse wildcards, but WHATWG URL accepts `*` in a
    // host, so "https://*.example.dk" parses (hostname "*.example.dk") and is stored as an
    // allowed origin. Only wildcards in the path are refused (via the pathname check).
    it.each([['https://*.example.dk'], ['https://*']])('refuses the host wildcard %s', (origin) => {
      expectOneProblem(
        () =>
          parseCreateTenant({
            slug: 's',
            name: 'n',
            allowedOrigins: ['https://ok.example.dk', origin],
          }),
        'input.allowedOrigins.1',
      );
    });

    it('reports every bad origin at its own index', () => {
      const error = refusal(() =>
        parseCreateTenant({
          slug: 's',
          name: 'n',
          allowedOrigins: ['ftp://a.dk', 'https://ok.dk', 'http://b.dk', 'https://c.dk/path'],
        }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(fieldsOf(error).sort()).toEqual([
        'input.allowedOrigins.0',
        'input.allowedOrigins.2',
        'input.allowedOrigins.3',
      ]);
    });

    it('refuses more than 50 origins', () => {
      const origins = Array.from({ length: 51 }, (_, i) => `https://shop${i}.example.dk`);
      expectOneProblem(
        () => parseCreateTenant({ slug: 's', name: 'n', allowedOrigins: origins }),
        'input.allowedOrigins',
      );
      expect(
        parseCreateTenant({ slug: 's', name: 'n', allowedOrigins: origins.slice(0, 50) })
          .allowedOrigins,
      ).toHaveLength(50);
    });
  });

  describe('slug', () => {
    it.each(['a', '0', 'min-intranet', 'a1-b2', 'a'.repeat(63)])('accepts %j', (slug) => {
      expect(parseCreateTenant({ slug, name: 'n' }).slug).toBe(slug);
    });

    it.each([
      ['upper case', 'Min-Intranet'],
      ['a space', 'min intranet'],
      ['a leading dash', '-min'],
      ['a trailing dash', 'min-'],
      ['an underscore', 'min_intranet'],
      ['Danish letters', 'kø'],
      ['64 characters', 'a'.repeat(64)],
      ['the empty string', ''],
    ])('refuses a slug with %s (input.slug)', (_label, slug) => {
      const message = expectOneProblem(() => parseCreateTenant({ slug, name: 'n' }), 'input.slug');
      expect(message).toMatch(/e\.g\./);
    });

    it('requires a slug', () => {
      expectOneProblem(() => parseCreateTenant({ name: 'n' }), 'input.slug');
    });
  });

  describe('cvr', () => {
    it.each([
      ['bad check digit', '37308839'],
      ['7 digits', '3730883'],
      ['9 digits', '373088380'],
      ['letters', 'ABCDEFGH'],
      ['leading 0', '01000004'],
    ])('refuses a CVR with %s (input.cvr) and shows an example', (_label, cvr) => {
      const message = expectOneProblem(
        () => parseCreateTenant({ slug: 's', name: 'n', cvr }),
        'input.cvr',
      );
      expect(message).toContain('37308838');
    });

    it.each([
      ['CVR 45629627', '45629627'],
      ['38790080', '38790080'],
    ])('accepts and normalises %j', (cvr, normalised) => {
      expect(parseCreateTenant({ slug: 's', name: 'n', cvr }).cvr).toBe(normalised);
    });
  });

  describe('contactEmail', () => {
    it.each(['nope', 'dpo@', '@vendor.dk', 'dpo vendor.dk', 'dpo@vendor'])(
      'refuses %j (input.contactEmail)',
      (email) => {
        expectOneProblem(
          () => parseCreateTenant({ slug: 's', name: 'n', contactEmail: email }),
          'input.contactEmail',
        );
      },
    );
  });

  describe('defaultLocale', () => {
    it.each(['da', 'en'])('accepts %j', (locale) => {
      expect(parseCreateTenant({ slug: 's', name: 'n', defaultLocale: locale }).defaultLocale).toBe(
        locale,
      );
    });

    it.each(['de', 'DA', 'da-DK', ''])('refuses %j (input.defaultLocale)', (locale) => {
      expectOneProblem(
        () => parseCreateTenant({ slug: 's', name: 'n', defaultLocale: locale }),
        'input.defaultLocale',
      );
    });
  });

  describe('other fields', () => {
    it.each([
      ['name', { name: '   ' }],
      ['name', { name: 'x'.repeat(201) }],
      ['postalCode', { postalCode: '123' }],
      ['country', { country: 'dk' }],
      ['country', { country: 'DNK' }],
    ])('refuses a bad %s (%j)', (field, patch) => {
      expectOneProblem(
        () => parseCreateTenant({ slug: 's', name: 'n', ...patch }),
        `input.${field}`,
      );
    });

    it('refuses a non-object input at the root', () => {
      expectOneProblem(() => parseCreateTenant(null), 'input');
    });
  });

  it('reports several bad fields as several problems, each naming its field', () => {
    const error = refusal(() =>
      parseCreateTenant({
        slug: 'Bad Slug',
        name: 'n',
        cvr: '37308839',
        contactEmail: 'nope',
        defaultLocale: 'de',
        allowedOrigins: ['https://ok.example.dk', 'http://shop.example.dk'],
      }),
    );

    expect(error.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(error).sort()).toEqual(
      [
        'input.allowedOrigins.1',
        'input.contactEmail',
        'input.cvr',
        'input.defaultLocale',
        'input.slug',
      ].sort(),
    );
    for (const problem of error.problems) expect(problem.message.length).toBeGreaterThan(0);
    // The summary message leads with the first problem.
    expect(error.message.startsWith(`${error.problems[0]?.field}:`)).toBe(true);
  });

  it('uses the given root in field paths', () => {
    expectOneProblem(
      () => parseCreateTenant({ slug: 's', name: 'n', cvr: '1' }, 'tenant'),
      'tenant.cvr',
    );
  });
});

describe('parseUpdateTenant', () => {
  it('accepts an empty input', () => {
    expect(parseUpdateTenant({})).toEqual({});
  });

  it('accepts a partial input and normalises it', () => {
    expect(
      parseUpdateTenant({
        city: ' Aarhus C ',
        allowedOrigins: ['https://Shop.Example.dk/'],
        cvr: 'CVR 45629627',
      }),
    ).toEqual({ city: 'Aarhus C', allowedOrigins: ['https://shop.example.dk'], cvr: '45629627' });
  });

  it('does not require name', () => {
    expect(parseUpdateTenant({ defaultLocale: 'en' })).toEqual({ defaultLocale: 'en' });
  });

  it('refuses bad values with the same field paths as create', () => {
    const error = refusal(() =>
      parseUpdateTenant({
        cvr: '37308839',
        allowedOrigins: ['https://ok.example.dk', 'ftp://x.dk'],
      }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(error).sort()).toEqual(['input.allowedOrigins.1', 'input.cvr']);
  });

  it('uses the given root in field paths', () => {
    expectOneProblem(
      () => parseUpdateTenant({ contactEmail: 'nope' }, 'patch'),
      'patch.contactEmail',
    );
  });
});
