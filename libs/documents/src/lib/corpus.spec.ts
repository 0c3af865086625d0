import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importDocument, renderDocument, renderText, type ImportResult } from '../index';
import type { HeadingBlock, TableBlock } from './model';

// The real-world corpus lives beside the repository: /work/shared/corpus from
// libs/documents/src/lib.
const corpus = (file: string) => join(__dirname, '../../../../../shared/corpus', file);

async function load(file: string): Promise<ImportResult> {
  return importDocument({ format: 'text', content: readFileSync(corpus(file), 'utf8') });
}

const annexes = (result: ImportResult) =>
  result.model.blocks
    .filter((b): b is HeadingBlock => b.type === 'heading' && !!b.annex)
    .map((b) => b.annex);

describe('corpus: Intras sign-up terms and DPA', () => {
  let result: ImportResult;
  beforeAll(async () => {
    result = await load('intras-signup-terms-and-dpa.txt');
  });

  it('finds annex 1 and annex 2 (printed twice by the source)', () => {
    expect(annexes(result)).toEqual(['Bilag 1', 'Bilag 2', 'Bilag 2']);
  });

  it('reports the duplicated annex 2 as a warning naming it', () => {
    const duplicate = result.warnings.find((w) => w.code === 'DUPLICATE_ANNEX');
    expect(duplicate).toBeDefined();
    expect(duplicate!.annex).toBe('Bilag 2');
    expect(duplicate!.message).toContain('Bilag 2');
    expect(duplicate!.lines).toEqual([360, 414]);
    // The heading at 416 repeats the one at 414 with nothing between: conversion noise.
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'DUPLICATE_HEADING', line: 416, annex: 'Bilag 2' }),
    );
    expect(result.warnings.filter((w) => w.code === 'DUPLICATE_ANNEX')).toHaveLength(1);
  });

  it('reports the six legacy placeholders, all known, with their lines', () => {
    expect(result.unknownPlaceholders).toEqual([]);
    expect(result.placeholders.map((p) => [p.raw, p.path, p.line])).toEqual([
      ['#CLIENT_NAME#', 'client.name', 179],
      ['#CLIENT_ADDRESS#', 'client.address', 180],
      ['#CLIENT_ZIPCITY#', 'client.zipCity', 181],
      ['#CLIENT_CVR#', 'client.cvr', 182],
      ['#CLIENT_CONTACT#', 'client.contact', 186],
      ['#CLIENT_CONTACTEMAIL#', 'client.contactEmail', 187],
    ]);
    expect(result.placeholders.every((p) => p.syntax === 'legacy' && p.known)).toBe(true);
  });

  it('detects numbered clauses and lists', () => {
    const clauses = result.model.blocks
      .filter((b): b is HeadingBlock => b.type === 'heading' && !!b.clause)
      .map((b) => `${b.clause} ${b.text}`);
    expect(clauses).toEqual(
      expect.arrayContaining([
        '1 Bilagsfortegnelse:',
        '9 Ikrafttræden, ændring og ophør af aftalen',
        '10 Lovvalg og værneting',
      ]),
    );
    const list = result.model.blocks.find(
      (b) => b.type === 'list' && b.items.some((i) => i.marker === '6.1.1'),
    );
    expect(list).toMatchObject({ type: 'list', ordered: true });
  });

  it('reports the subdomain input left in the text as a suspected blank', () => {
    expect(result.suspectedBlanks).toEqual([
      expect.objectContaining({ text: 'https:// .intras.dk/', kind: 'url', line: 3 }),
    ]);
  });

  it('renders with the customer filled in where the legacy placeholders were', () => {
    const values = {
      client: {
        name: 'Min Dag Min Energi ApS',
        address: 'Vestergade 1',
        zipCity: '7500 Holstebro',
        cvr: '45629627',
        contact: 'Ida Jensen',
        contactEmail: 'ida@example.dk',
      },
    };
    const html = renderDocument(result.model, values);
    expect(html).toContain('Min Dag Min Energi ApS<br>Vestergade 1<br>7500 Holstebro<br>45629627');
    expect(html).not.toContain('#CLIENT_');
    expect(renderText(result.model, values)).toContain('Ida Jensen\nida@example.dk');
  });
});

describe('corpus: Screenpublisher example DPA', () => {
  let result: ImportResult;
  beforeAll(async () => {
    result = await load('screenpublisher-dpa-example.txt');
  });

  it('finds annexes A, B and C', () => {
    expect(annexes(result)).toEqual(['Bilag A', 'Bilag B', 'Bilag C']);
  });

  it('splits the glued sub-processor list into a table of 13 rows', () => {
    const tables = result.model.blocks.filter((b): b is TableBlock => b.type === 'table');
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    expect(table.header).toEqual([
      'Leverandør',
      'Lokation / Land',
      'Lovgrundlag',
      'Funktion',
      'Opdateret',
    ]);
    expect(table.rows).toHaveLength(13);
    expect(table.rows[0]).toEqual([
      'Amazon Web Services (AWS)',
      'DE',
      '',
      'Hosting',
      '22. maj 2018',
    ]);
    expect(table.rows[1]).toEqual(['Digital Ocean', 'DE, NL, UK', '', 'Hosting', '22. maj 2018']);
    expect(table.rows[8]).toEqual([
      'Microsoft',
      'US',
      'EU – U.S. Privacy',
      'Intern kommunikation',
      '22. maj 2018',
    ]);
    expect(table.rows[12]).toEqual([
      'Sentry',
      'US',
      'EU – U.S. Privacy',
      'Systemlog',
      '22. maj 2018',
    ]);
    expect(table.rows.every((row) => row.length === 5 && row[4] === '22. maj 2018')).toBe(true);
  });

  it('offers the list as sub-processor data and suggests {{subprocessors}}', () => {
    expect(result.subprocessors).toHaveLength(13);
    expect(result.subprocessors[12]).toEqual({
      name: 'Sentry',
      location: 'US',
      legalBasis: 'EU – U.S. Privacy',
      purpose: 'Systemlog',
    });
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'SUBPROCESSOR_TABLE', line: 166 }),
    );
  });

  it('keeps the indented numbered clauses as ordered lists with their own numbers', () => {
    const first = result.model.blocks.find((b) => b.type === 'list');
    expect(first).toMatchObject({ type: 'list', ordered: true });
    if (first?.type !== 'list') throw new Error('expected a list');
    expect(first.items.map((i) => i.marker)).toEqual([
      '1.',
      '2.',
      '3.',
      '4.',
      '5.',
      '6.',
      '7.',
      '8.',
      '9.',
      '10.',
      '1.',
    ]);
  });

  it('flags the e-mail addresses lost in conversion as suspected blanks', () => {
    expect(result.suspectedBlanks.map((b) => [b.text.replace(/\s/g, ' '), b.line])).toEqual([
      ['[email protected]', 59],
      ['[email protected]', 61],
    ]);
  });
});

describe('corpus: IT-Bilen standard contractual clauses', () => {
  let result: ImportResult;
  beforeAll(async () => {
    result = await load('itbilen-dpa-standard-clauses.txt');
  });

  it('finds annexes A, B and C, and warns that Bilag D is referred to but missing', () => {
    expect(annexes(result)).toEqual(['Bilag A', 'Bilag B', 'Bilag C']);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'MISSING_ANNEX', annex: 'Bilag D', line: 71 }),
    );
  });

  it('reports the blanks written as text with their line numbers', () => {
    const blanks = result.suspectedBlanks.map((b) => [b.text, b.line]);
    expect(blanks).toEqual(
      expect.arrayContaining([
        ['Dato: x/x-2024', 5],
        ['Firma navn', 11],
        ['xxxx', 13],
        ['CVR. nr.: xxx', 17],
      ]),
    );
    // The signature block repeats them further down.
    expect(blanks).toEqual(
      expect.arrayContaining([
        ['Firma navn', 216],
        ['CVR. nr.: xxx', 219],
        ['Dato : xx/x-2024', 221],
        ['Navn : xxxx', 221],
        ['Navn:', 230],
      ]),
    );
    // The real CVR number and the address are not blanks.
    expect(result.suspectedBlanks.some((b) => b.line === 27 || b.line === 15)).toBe(false);
  });

  it('turns the table of contents into a list and keeps the real clause headings', () => {
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'TABLE_OF_CONTENTS', line: 33 }),
    );
    const clauses = result.model.blocks
      .filter((b): b is HeadingBlock => b.type === 'heading' && !!b.clause)
      .map((b) => b.clause);
    expect(clauses.slice(0, 4)).toEqual(['1', '2', '3', '4']);
    expect(clauses).toEqual(expect.arrayContaining(['A.1', 'A.2', 'C.1', 'C.2', '15']));
  });

  it('keeps the raw-HTML table of data categories as a table of text', () => {
    const table = result.model.blocks.find(
      (b): b is TableBlock => b.type === 'table' && b.header[0] === 'ALMINDELIGE PERSONOPLYSNINGER',
    );
    expect(table).toBeDefined();
    expect(table!.header).toHaveLength(3);
    expect(table!.rows).toHaveLength(1);
    expect(table!.rows[0]!.join(' ')).not.toMatch(/[<>]/);
    expect(table!.rows[0]![1]).toBe('Oplysninger om strafbare forhold CPR-nummer');
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'RAW_HTML_REMOVED', line: 259 }),
    );
  });

  it('notices the empty sub-processor table', () => {
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'EMPTY_TABLE', line: 267 }),
    );
  });
});
