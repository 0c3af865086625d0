import { parseAnnexHeading, parseClauseHeading } from './structure';
import { findBlanks } from './blanks';
import {
  gluedRowPattern,
  parseGluedHeader,
  recogniseSubprocessorHeader,
  splitGluedRow,
} from './subprocessor-table';

describe('parseAnnexHeading', () => {
  it.each([
    ['Bilag A', 'Bilag A'],
    ['Bilag A:', 'Bilag A'],
    ['Bilag 1- Instruks til Databehandleren', 'Bilag 1'],
    ['Bilag 2 – Minimumskrav til databehandlerens sikkerhed', 'Bilag 2'],
    ['Bilag B Underdatabehandlere', 'Bilag B'],
    ['ANNEX C – Instructions', 'Annex C'],
    ['Appendix IV', 'Appendix IV'],
  ])('%s is annex %s', (line, annex) => {
    expect(parseAnnexHeading(line)?.annex).toBe(annex);
  });

  it.each([
    'Bilag A indeholder nærmere oplysninger om behandlingen, herunder om formålet.',
    'Bilag i denne aftale',
    'Bilag C.6 angiver overførselsgrundlaget',
    'Bilagene fungerer som en integreret del af aftalen.',
    'Tillæg A',
  ])('%s is not an annex heading', (line) => {
    expect(parseAnnexHeading(line)).toBeNull();
  });
});

describe('parseClauseHeading', () => {
  it.each([
    ['7 Fortrolighed', '7', 'Fortrolighed'],
    ['2.Præambel', '2', 'Præambel'],
    ['7.2 Underretning', '7.2', 'Underretning'],
    ['§ 3 Fortrolighed', '§ 3', 'Fortrolighed'],
    ['§3. Fortrolighed', '§ 3', 'Fortrolighed'],
    ['A.1. Formålet med behandlingen', 'A.1', 'Formålet med behandlingen'],
    ['1 Bilagsfortegnelse:', '1', 'Bilagsfortegnelse:'],
  ])('%s', (line, clause, title) => {
    expect(parseClauseHeading(line)).toMatchObject({ clause, title });
  });

  it.each([
    '3.1 Databehandleren må kun behandle personoplysninger efter instruks.',
    '1.1 Følgende bilag er en del af nærværende aftale:',
    '4400 Kalundborg',
    '85 kr/md. grundpris',
    '1 måneds gratis prøveperiode',
    '2018 var et godt år',
  ])('%s is not a clause heading', (line) => {
    expect(parseClauseHeading(line)).toBeNull();
  });
});

describe('findBlanks', () => {
  it.each([
    ['CVR. nr.: xxx', 'CVR. nr.: xxx', 'labelled'],
    ['Dato: x/x-2024', 'Dato: x/x-2024', 'labelled'],
    ['Navn:', 'Navn:', 'labelled'],
    ['xxxx', 'xxxx', 'x-run'],
    ['Underskrevet den xx.xx.2024', 'xx.xx.2024', 'x-date'],
    ['Kunden [indsæt navn] accepterer', '[indsæt navn]', 'bracket'],
    ['Underskrift: ________', 'Underskrift: ________', 'labelled'],
    ['Firma navn', 'Firma navn', 'label-only'],
  ])('%s → %s', (text, blank, kind) => {
    expect(findBlanks(text, true)).toEqual([expect.objectContaining({ text: blank, kind })]);
  });

  it.each([
    'CVR. nr.: 38790080',
    'Navn: Ida Jensen',
    'Max 10 brugere',
    'Boxen xxl',
    'Dato: 1/3-2024',
    'Navn',
  ])('%s has no blank', (text) => {
    expect(findBlanks(text, true)).toEqual([]);
  });
});

describe('sub-processor tables', () => {
  it('recognises header cells in Danish and English', () => {
    expect(
      recogniseSubprocessorHeader(['Navn', 'CVR', 'Adresse', 'Beskrivelse af behandling']),
    ).toEqual(['name', 'cvr', 'address', 'purpose']);
    expect(
      recogniseSubprocessorHeader(['Sub-processor', 'Country', 'Legal basis', 'Purpose']),
    ).toEqual(['name', 'location', 'legalBasis', 'purpose']);
    expect(recogniseSubprocessorHeader(['Kategori', 'Eksempler'])).toBeNull();
  });

  it('splits glued headers and rows', () => {
    const header = parseGluedHeader('Sub-processorCountryPurpose');
    expect(header).toEqual({
      cells: ['Sub-processor', 'Country', 'Purpose'],
      kinds: ['name', 'location', 'purpose'],
    });
    const pattern = gluedRowPattern(header!.kinds)!;
    expect(
      splitGluedRow(pattern, header!.kinds, 'Google Cloud (GCP)IE, USHosting and e-mail'),
    ).toEqual(['Google Cloud (GCP)', 'IE, US', 'Hosting and e-mail']);
    expect(parseGluedHeader('Dankort Visa Mastercard')).toBeNull();
  });
});
