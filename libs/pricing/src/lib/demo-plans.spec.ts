import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTRAS_LIKE_DEMO_PLANS } from './demo-plans';
import { parsePlan } from './plan';

// CI and every developer keep the corpus beside the repository (see shared/corpus/README.md).
const CORPUS = join(__dirname, '../../../../../shared/corpus/intras-signup-terms-and-dpa.txt');

interface CorpusPlan {
  name: string;
  base: number;
  perUser: number;
  above30: number;
  trialMonths: number;
  modules: string[];
}

/** Reads the three price cards from the sign-up page text (prices in whole kroner). */
function corpusPlans(): CorpusPlan[] {
  const text = readFileSync(CORPUS, 'utf8');
  const cards = text.split(/^(Essentiel|Standard|Premium)\s*$/m).slice(1);
  const plans: CorpusPlan[] = [];
  for (let i = 0; i < cards.length; i += 2) {
    const body = (cards[i + 1] ?? '').split(/^Jeg accepterer/m)[0] ?? '';
    const num = (re: RegExp) => Number(re.exec(body)?.[1]);
    plans.push({
      name: cards[i] ?? '',
      base: num(/(\d+) kr\/md\. grundpris/),
      perUser: num(/(\d+) kr\/md\.\/bruger/),
      above30: num(/Over 30 brugere: (\d+) kr/),
      trialMonths: num(/(\d+) måneds gratis prøveperiode/),
      modules: [...body.matchAll(/^\s*•\s*(.+?)\s*$/gm)].map((m) => m[1] ?? ''),
    });
  }
  return plans;
}

describe('INTRAS_LIKE_DEMO_PLANS', () => {
  it('has essentiel, standard and premium with 8, 15 and 24 modules', () => {
    expect(INTRAS_LIKE_DEMO_PLANS.map((p) => [p.code, p.name, p.modules.length])).toEqual([
      ['essentiel', 'Essentiel', 8],
      ['standard', 'Standard', 15],
      ['premium', 'Premium', 24],
    ]);
    for (const p of INTRAS_LIKE_DEMO_PLANS) expect(new Set(p.modules).size).toBe(p.modules.length);
  });

  it('are valid plans, frozen against edits in place', () => {
    for (const p of INTRAS_LIKE_DEMO_PLANS) {
      expect(parsePlan(p)).toEqual(p);
      expect(Object.isFrozen(p) && Object.isFrozen(p.tiers[0]) && Object.isFrozen(p.modules)).toBe(
        true,
      );
    }
    expect(Object.isFrozen(INTRAS_LIKE_DEMO_PLANS)).toBe(true);
  });

  it('match the prices, trial and module counts of the corpus sign-up page', () => {
    const corpus = corpusPlans();
    expect(corpus.map((c) => c.name)).toEqual(['Essentiel', 'Standard', 'Premium']);
    corpus.forEach((c, i) => {
      const plan = INTRAS_LIKE_DEMO_PLANS[i]!;
      expect(plan).toMatchObject({
        name: c.name,
        currency: 'DKK',
        pricesIncludeVat: true,
        vatRateBasisPoints: 2500,
        baseAmount: c.base * 100,
        tiers: [
          { upTo: 30, unitAmount: c.perUser * 100 },
          { upTo: null, unitAmount: c.above30 * 100 },
        ],
        trialDays: c.trialMonths * 30,
      });
      expect(plan.modules).toHaveLength(c.modules.length);
    });
  });

  it('use module names of our own, not the corpus text', () => {
    const theirs = new Set(corpusPlans().flatMap((c) => c.modules.map((m) => m.toLowerCase())));
    const ours = INTRAS_LIKE_DEMO_PLANS.flatMap((p) => p.modules);
    expect(ours.filter((m) => theirs.has(m.toLowerCase()))).toEqual([]);
  });
});
