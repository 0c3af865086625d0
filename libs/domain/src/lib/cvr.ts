/**
 * Danish company numbers (CVR): 8 digits, the first not 0, passing modulus 11
 * with weights 2,7,6,5,4,3,2,1.
 */
const WEIGHTS = [2, 7, 6, 5, 4, 3, 2, 1] as const;

export type CvrCheck = { valid: true; cvr: string } | { valid: false; reason: string };

export function checkCvr(input: string): CvrCheck {
  // Vendors and customers write "DK-37 30 88 38", "CVR 37308838" or "CVR-nr. 37308838".
  const cvr = input.replace(/^\s*(DK|CVR(-?\s*nr)?)[\s.:-]*/i, '').replace(/[\s-]/g, '');
  if (!/^\d{8}$/.test(cvr)) return { valid: false, reason: 'A CVR number has exactly 8 digits.' };
  if (cvr.startsWith('0')) return { valid: false, reason: 'A CVR number never starts with 0.' };
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(cvr[i]), 0);
  if (sum % 11 !== 0) {
    return { valid: false, reason: 'The CVR number fails its check digit: check for a typo.' };
  }
  return { valid: true, cvr };
}
