import { DEFAULT_CONSENT_TEXT } from '@aftale/domain';

/** A customer as the widget collects it (a real, valid CVR). */
export const SAMPLE_COMPANY = {
  name: 'Min Dag ApS',
  address: 'Søndergade 7',
  postalCode: '8000',
  city: 'Aarhus C',
  cvr: '45629627',
  contactName: 'Åse Ærø',
  contactEmail: 'aase@mindag.dk',
};

/** A complete sign-up for the demo tenant's current documents; override what a test varies. */
export function signUpInput(
  documentVersionIds: string[],
  overrides: { company?: Partial<typeof SAMPLE_COMPANY> } & Record<string, unknown> = {},
): Record<string, unknown> {
  const { company, ...rest } = overrides;
  return {
    company: { ...SAMPLE_COMPANY, ...company },
    planCode: 'standard',
    users: 12,
    period: 'month',
    documentVersionIds,
    consent: true,
    consentText: DEFAULT_CONSENT_TEXT.da,
    ...rest,
  };
}
