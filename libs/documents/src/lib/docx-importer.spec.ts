import { AftaleError } from '@aftale/domain';
import { importDocument } from '../index';
import { inspectZip } from './docx-importer';
import { makeDocx, makeZip, wp } from '../testing/docx-fixture';

async function refusal(content: string | Uint8Array): Promise<AftaleError> {
  try {
    await importDocument({ format: 'docx', content });
  } catch (error) {
    if (error instanceof AftaleError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Word .docx import', () => {
  it('imports headings, placeholders split across runs, tables and links', async () => {
    const docx = makeDocx(
      [
        wp.p(wp.r('Databehandleraftale'), 'Heading1'),
        wp.p(wp.r('Mellem ') + wp.r('#CLIENT_', { bold: true }) + wp.r('NAME#')),
        wp.p(wp.r('CVR: {{client.') + wp.r('cvr}}', { italic: true })),
        wp.p(wp.r('7. Fortrolighed'), 'Heading2'),
        wp.p(wp.r('Bilag A – Oplysninger')),
        wp.table([
          ['Navn', 'Land'],
          ['AWS', 'DE'],
        ]),
        wp.p(wp.link('rIdLink', 'Læs mere')),
        wp.p(wp.r('Firma navn')),
      ].join(''),
      { rIdLink: 'https://nordlys.example/dpa' },
    );
    const result = await importDocument({ format: 'docx', content: docx });
    expect(result.model.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Databehandleraftale' },
      { type: 'paragraph', content: [{ text: 'Mellem ' }, { text: '#CLIENT_NAME#', bold: true }] },
      { type: 'paragraph', content: [{ text: 'CVR: {{client.cvr}}' }] },
      { type: 'heading', level: 2, text: 'Fortrolighed', clause: '7' },
      { type: 'heading', level: 2, text: 'Bilag A – Oplysninger', annex: 'Bilag A' },
      {
        type: 'table',
        header: [],
        rows: [
          ['Navn', 'Land'],
          ['AWS', 'DE'],
        ],
      },
      { type: 'paragraph', content: [{ text: 'Læs mere', href: 'https://nordlys.example/dpa' }] },
      { type: 'paragraph', content: [{ text: 'Firma navn' }] },
    ]);
    expect(result.placeholders.map((p) => [p.raw, p.known, p.block, p.line])).toEqual([
      ['#CLIENT_NAME#', true, 2, undefined],
      ['{{client.cvr}}', true, 3, undefined],
    ]);
    expect(result.suspectedBlanks).toEqual([
      expect.objectContaining({ text: 'Firma navn', block: 8 }),
    ]);
  });

  it('refuses a file that is not a ZIP', async () => {
    const error = await refusal(new TextEncoder().encode('Dette er bare tekst, ikke Word.'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.problems[0]).toMatchObject({
      field: 'file',
      message: expect.stringContaining('not a valid Word .docx'),
    });
  });

  it('recognises an old .doc file', async () => {
    const error = await refusal(
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(600).fill(0)]),
    );
    expect(error.problems[0]!.message).toContain('old Word .doc');
  });

  it('refuses a ZIP that is not a Word document', async () => {
    const error = await refusal(makeZip({ 'hello.txt': 'hej' }));
    expect(error.problems[0]!.message).toContain('word/document.xml');
  });

  it('refuses a truncated ZIP', async () => {
    const docx = makeDocx(wp.p(wp.r('x')));
    const error = await refusal(docx.subarray(0, docx.length - 30));
    expect(error.problems[0]!.field).toBe('file');
  });

  it('refuses a damaged document.xml with a clear message', async () => {
    const error = await refusal(
      makeZip({ 'word/document.xml': '<w:document><oops', '[Content_Types].xml': '<Types/>' }),
    );
    expect(error.problems[0]).toMatchObject({
      field: 'file',
      message: expect.stringContaining('could not be read'),
    });
  });

  it('refuses text sent as a docx and an empty file', async () => {
    expect((await refusal('PK...')).problems[0]!.message).toContain('file bytes');
    expect((await refusal(new Uint8Array(0))).problems[0]!.message).toContain('empty');
  });

  it('checks the unpacked size from the ZIP directory without inflating', () => {
    const zip = makeZip({ 'word/document.xml': 'x'.repeat(1000) });
    // Claim 200 MB uncompressed in the central directory entry.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const central = zip.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(central + 24, 200 * 1024 * 1024, true);
    expect(() => inspectZip(zip)).toThrow(/unpacks to more than/);
  });
});
