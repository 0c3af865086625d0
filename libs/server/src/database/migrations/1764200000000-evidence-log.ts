import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-tenant tamper-evident log (RFC 6962 Merkle tree): one leaf per acceptance, in
 * sequence order, and the signed tree heads published as it grows. Append-only.
 */
export class EvidenceLog1764200000000 implements MigrationInterface {
  name = 'EvidenceLog1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE evidence_log (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  leaf_index bigint NOT NULL CHECK (leaf_index >= 0),
  acceptance_id uuid NOT NULL UNIQUE REFERENCES acceptances(id),
  leaf_hash text NOT NULL CHECK (leaf_hash ~ '^[0-9a-f]{64}$'),
  sequenced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, leaf_index)
);

CREATE TABLE tree_heads (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  tree_size bigint NOT NULL CHECK (tree_size >= 1),
  root_hash text NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
  timestamp_ms bigint NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  signed jsonb NOT NULL,
  PRIMARY KEY (tenant_id, tree_size)
);

CREATE TRIGGER evidence_log_append_only BEFORE UPDATE OR DELETE ON evidence_log
  FOR EACH ROW EXECUTE FUNCTION forbid_update_delete();
CREATE TRIGGER tree_heads_append_only BEFORE UPDATE OR DELETE ON tree_heads
  FOR EACH ROW EXECUTE FUNCTION forbid_update_delete();

ALTER TABLE evidence_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE evidence_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON evidence_log FOR SELECT USING (tenant_id = app_current_tenant());
CREATE POLICY tenant_append ON evidence_log FOR INSERT WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE tree_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE tree_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON tree_heads FOR SELECT USING (tenant_id = app_current_tenant());
CREATE POLICY tenant_append ON tree_heads FOR INSERT WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON evidence_log, tree_heads TO aftale_app;

-- The sequencer sweep: tenants with acceptances not yet in their log (ids only).
CREATE POLICY system_lookup ON acceptances FOR SELECT TO aftale_system USING (true);
CREATE POLICY system_lookup ON evidence_log FOR SELECT TO aftale_system USING (true);
GRANT SELECT ON acceptances, evidence_log TO aftale_system;
CREATE FUNCTION aftale_tenants_with_unsequenced_acceptances() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT DISTINCT a.tenant_id FROM acceptances a
   WHERE NOT EXISTS (SELECT 1 FROM evidence_log l WHERE l.acceptance_id = a.id)
$fn$;
ALTER FUNCTION aftale_tenants_with_unsequenced_acceptances() OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_tenants_with_unsequenced_acceptances() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_tenants_with_unsequenced_acceptances() TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP FUNCTION aftale_tenants_with_unsequenced_acceptances();
DROP POLICY system_lookup ON acceptances;
DROP TABLE tree_heads, evidence_log;
`);
  }
}
