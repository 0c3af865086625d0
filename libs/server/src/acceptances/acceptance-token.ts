import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token the widget hands to the vendor's page: `v1.<acceptanceId>.<tenantId>.<ms>.<sig>`,
 * HMAC-SHA256 with the platform secret. The vendor's backend checks it by calling
 * `verifyAcceptanceToken` with its secret key, which also proves the tenant matches.
 */
export function signAcceptanceToken(
  secret: string,
  acceptanceId: string,
  tenantId: string,
  issuedAtMs: number,
): string {
  const body = `v1.${acceptanceId}.${tenantId}.${issuedAtMs}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function readAcceptanceToken(
  secret: string,
  token: string,
): { acceptanceId: string; tenantId: string; issuedAtMs: number } | null {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return null;
  const [, acceptanceId, tenantId, ms, sig] = parts as [string, string, string, string, string];
  const expected = createHmac('sha256', secret)
    .update(`v1.${acceptanceId}.${tenantId}.${ms}`)
    .digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { acceptanceId, tenantId, issuedAtMs: Number(ms) };
}
