import { parsePlan, type PlanDefinition, type PlanInput } from './plan';

/*
 * Demo plans priced like Intras's public price list (DKK incl. 25% VAT, per month): base
 * 85 kr, per user 25/35/45 kr, each user above 30 at 10 kr, a one-month trial taken as 30
 * days. The module names are our own.
 */
const ESSENTIEL_MODULES = [
  'Nyhedsstrøm',
  'Fælleskalender',
  'Medarbejderkatalog',
  'Dokumentarkiv',
  'Mobilapp',
  'Fødselsdage og jubilæer',
  'Hurtiglinks',
  'Søgning på tværs',
];
const STANDARD_MODULES = [
  ...ESSENTIEL_MODULES,
  'Lokalebooking',
  'Afdelingssider',
  'Personalehåndbog',
  'Spørgeskemaer',
  'Ferieoversigt',
  'Notifikationer på e-mail',
  'Vidensbank',
];
const PREMIUM_MODULES = [
  ...STANDARD_MODULES,
  'Vagtplanlægning',
  'Onboardingforløb',
  'Godkendelsesflows',
  'Single sign-on',
  'Åbent API',
  'Statistik og rapporter',
  'Eget domæne og design',
  'Kursusadministration',
  'Prioriteret support',
];

function demoPlan(
  code: string,
  name: string,
  description: string,
  perUser: number,
  modules: string[],
): PlanInput {
  return {
    code,
    name,
    description,
    modules,
    currency: 'DKK',
    pricesIncludeVat: true,
    vatRateBasisPoints: 2500,
    baseAmount: 8500,
    tiers: [
      { upTo: 30, unitAmount: perUser },
      { upTo: null, unitAmount: 1000 },
    ],
    trialDays: 30,
    periods: [{ period: 'month' }, { period: 'quarter' }, { period: 'year' }],
  };
}

/** Frozen all the way down: shared by every demo tenant, so nobody may edit it in place. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export const INTRAS_LIKE_DEMO_PLANS: readonly PlanDefinition[] = deepFreeze(
  [
    demoPlan(
      'essentiel',
      'Essentiel',
      'Det vigtigste til den lille arbejdsplads.',
      2500,
      ESSENTIEL_MODULES,
    ),
    demoPlan(
      'standard',
      'Standard',
      'Mere samarbejde på tværs af afdelinger.',
      3500,
      STANDARD_MODULES,
    ),
    demoPlan('premium', 'Premium', 'Alt, også integrationer og vagtplaner.', 4500, PREMIUM_MODULES),
  ].map((input) => parsePlan(input)),
);
