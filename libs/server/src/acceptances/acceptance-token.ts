import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, dot-separated tokens: `<kind>.<part>….<HMAC-SHA256 of the rest, base64url>`,
 * with the platform secret. The kind keeps one kind of token from passing as another.
 */
function signToken(secret: string, kind: string, parts: readonly string[]): string {
  const body = [kind, ...parts].join('.');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function readToken(
  secret: string,
  kind: string,
  partCount: number,
  token: string,
): string[] | null {
  const pieces = token.split('.');
  if (pieces.length !== partCount + 2 || pieces[0] !== kind) return null;
  const sig = pieces.pop()!;
  const expected = createHmac('sha256', secret).update(pieces.join('.')).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return pieces.slice(1);
}

/**
 * The token the widget hands to the vendor's page: `v1.<acceptanceId>.<tenantId>.<ms>.<sig>`.
 * The vendor's backend checks it by calling `verifyAcceptanceToken` with its secret key,
 * which also proves the tenant matches.
 */
export function signAcceptanceToken(
  secret: string,
  acceptanceId: string,
  tenantId: string,
  issuedAtMs: number,
): string {
  return signToken(secret, 'v1', [acceptanceId, tenantId, String(issuedAtMs)]);
}

export function readAcceptanceToken(
  secret: string,
  token: string,
): { acceptanceId: string; tenantId: string; issuedAtMs: number } | null {
  const parts = readToken(secret, 'v1', 3, token);
  return parts
    ? { acceptanceId: parts[0]!, tenantId: parts[1]!, issuedAtMs: Number(parts[2]) }
    : null;
}

/** The durable "Min profil" link: `c1.<acceptanceId>.<tenantId>.<sig>`, never expiring. */
export function customerCopyToken(secret: string, acceptanceId: string, tenantId: string): string {
  return signToken(secret, 'c1', [acceptanceId, tenantId]);
}

export function readCustomerCopyToken(
  secret: string,
  token: string,
): { acceptanceId: string; tenantId: string } | null {
  const parts = readToken(secret, 'c1', 2, token);
  return parts ? { acceptanceId: parts[0]!, tenantId: parts[1]! } : null;
}
