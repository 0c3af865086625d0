import { AftaleError } from '@aftale/domain';
import { MAX_FILE_BYTES, importDocument, type ImportFormat } from '../index';

async function refusal(format: ImportFormat, content: string | Uint8Array): Promise<AftaleError> {
  try {
    await importDocument({ format, content });
  } catch (error) {
    if (error instanceof AftaleError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('importDocument input checks', () => {
  it.each<ImportFormat>(['text', 'markdown', 'html', 'docx'])(
    'refuses an empty %s file',
    async (format) => {
      const error = await refusal(format, new Uint8Array());
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.problems).toEqual([
        expect.objectContaining({ field: 'file', message: 'The file is empty.' }),
      ]);
    },
  );

  it('refuses whitespace-only text and text that yields nothing', async () => {
    expect((await refusal('text', ' \n\t\n')).problems[0]!.field).toBe('file');
    expect((await refusal('html', '<script>only()</script>')).problems[0]!.message).toContain(
      'no text',
    );
  });

  it('refuses a file over 10 MB', async () => {
    const error = await refusal('text', new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61));
    expect(error.problems[0]).toMatchObject({
      field: 'file',
      message: expect.stringContaining('the limit is 10.0 MB'),
    });
    // Multi-byte text is measured in bytes, not characters.
    const danish = 'æ'.repeat(MAX_FILE_BYTES / 2 + 1);
    expect((await refusal('markdown', danish)).problems[0]!.field).toBe('file');
  });

  it.each<ImportFormat>(['text', 'docx'])(
    'refuses 50 MB quickly, without parsing (%s)',
    async (format) => {
      const huge = new Uint8Array(50 * 1024 * 1024);
      huge.set([0x50, 0x4b, 0x03, 0x04]);
      const started = performance.now();
      const error = await refusal(format, huge);
      expect(performance.now() - started).toBeLessThan(50);
      expect(error.problems[0]!.message).toContain('limit is 10.0 MB');
      const hugeText = 'a'.repeat(50 * 1024 * 1024);
      const textStarted = performance.now();
      await refusal('text', hugeText);
      expect(performance.now() - textStarted).toBeLessThan(50);
    },
  );

  it('refuses binary junk given as text', async () => {
    const junk = new Uint8Array(4096);
    let seed = 42;
    for (let i = 0; i < junk.length; i++)
      junk[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const error = await refusal('text', junk);
    expect(error.problems[0]).toMatchObject({
      field: 'file',
      message: expect.stringContaining('binary'),
    });
    const asString = Array.from(junk, (b) => String.fromCharCode(b)).join('');
    expect((await refusal('markdown', asString)).problems[0]!.message).toMatch(/binary|not text/);
  });

  it('names the file type when a known binary format is given as text', async () => {
    const docx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect((await refusal('text', docx)).problems[0]).toMatchObject({
      message: expect.stringContaining('ZIP archive'),
      hint: expect.stringContaining('docx'),
    });
    expect((await refusal('html', '%PDF-1.7 ...')).problems[0]!.message).toContain('PDF');
  });

  it('reads Windows-1252 text, with a warning', async () => {
    const latin1 = new Uint8Array([
      0x42, 0x69, 0x6c, 0x61, 0x67, 0x20, 0x41, 0x0a, 0x0a, 0x46, 0xf8, 0x6c, 0x67, 0x65, 0x6e,
      0x64, 0x65, 0x20, 0xe6, 0xf8, 0xe5,
    ]);
    const result = await importDocument({ format: 'text', content: latin1 });
    expect(result.model.blocks[1]).toEqual({
      type: 'paragraph',
      content: [{ text: 'Følgende æøå' }],
    });
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'ENCODING_FALLBACK' }));
  });

  it('reads UTF-8 with a BOM and CRLF line ends', async () => {
    const bytes = new TextEncoder().encode('\ufeffLinje et\r\nLinje to\r\n');
    const result = await importDocument({ format: 'text', content: bytes });
    expect(result.model.blocks).toEqual([
      { type: 'paragraph', content: [{ text: 'Linje et\nLinje to' }] },
    ]);
  });

  it('refuses a document beyond the model limits as a bad file', async () => {
    const error = await refusal('text', 'a'.repeat(100_001));
    expect(error.problems[0]).toMatchObject({
      field: 'file',
      message: expect.stringContaining('Block 1 is too large'),
    });
  });

  it('refuses an unknown format', async () => {
    const error = await refusal('pdf' as ImportFormat, 'x');
    expect(error.problems[0]!.field).toBe('format');
  });

  it('reports custom placeholders as undeclared unless declared', async () => {
    const content = 'Adresse: https://{{custom.subdomain}}.nordlys.example';
    const plain = await importDocument({ format: 'markdown', content });
    expect(plain.unknownPlaceholders).toEqual([expect.objectContaining({ problem: 'undeclared' })]);
    const declared = await importDocument({
      format: 'markdown',
      content,
      customFields: [
        {
          path: 'custom.subdomain',
          label: 'Adresse',
          rule: { kind: 'text', maxLength: 30 },
          required: true,
        },
      ],
    });
    expect(declared.unknownPlaceholders).toEqual([]);
    expect(declared.placeholders).toEqual([
      expect.objectContaining({ path: 'custom.subdomain', known: true }),
    ]);
  });
});
