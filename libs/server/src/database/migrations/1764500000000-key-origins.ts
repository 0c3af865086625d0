import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key lookup also returns the tenant's allowed widget origins: the widget's gate then
 * needs no transaction of its own to read the tenant (4 round trips per widget request).
 * Origins are what vendors put on their public pages; no secret crosses the tenant line.
 */
export class KeyOrigins1764500000000 implements MigrationInterface {
  name = 'KeyOrigins1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
DROP FUNCTION aftale_resolve_api_key(text);
CREATE FUNCTION aftale_resolve_api_key(p_hash text)
RETURNS TABLE (key_id uuid, tenant_id uuid, kind text, mode text, revoked boolean, allowed_origins text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT k.id, k.tenant_id, k.kind, k.mode, k.revoked_at IS NOT NULL, t.allowed_origins
  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = p_hash
$fn$;
ALTER FUNCTION aftale_resolve_api_key(text) OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_resolve_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_resolve_api_key(text) TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP FUNCTION aftale_resolve_api_key(text);
CREATE FUNCTION aftale_resolve_api_key(p_hash text)
RETURNS TABLE (key_id uuid, tenant_id uuid, kind text, mode text, revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT k.id, k.tenant_id, k.kind, k.mode, k.revoked_at IS NOT NULL
  FROM api_keys k WHERE k.key_hash = p_hash
$fn$;
ALTER FUNCTION aftale_resolve_api_key(text) OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_resolve_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_resolve_api_key(text) TO aftale_app;
`);
  }
}
