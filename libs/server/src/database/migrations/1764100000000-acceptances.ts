import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acceptances: one append-only record per accepted sign-up, with the exact documents
 * shown. Neither the app role (no grants) nor the owner (trigger) can change or delete one.
 */
export class Acceptances1764100000000 implements MigrationInterface {
  name = 'Acceptances1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE acceptances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  idempotency_key text NOT NULL,
  subscription_id uuid REFERENCES subscriptions(id),
  plan_version_id uuid NOT NULL REFERENCES plan_versions(id),
  company jsonb NOT NULL,
  company_cvr text NOT NULL,
  evidence jsonb NOT NULL,
  evidence_json text NOT NULL,
  evidence_sha256 text NOT NULL CHECK (evidence_sha256 ~ '^[0-9a-f]{64}$'),
  source text NOT NULL CHECK (source IN ('widget', 'api')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX acceptances_tenant_idx ON acceptances (tenant_id, created_at, id);
CREATE INDEX acceptances_cvr_idx ON acceptances (tenant_id, company_cvr);

CREATE TABLE acceptance_documents (
  acceptance_id uuid NOT NULL REFERENCES acceptances(id),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('dpa', 'terms')),
  version_id uuid NOT NULL REFERENCES document_versions(id),
  html text NOT NULL,
  html_sha256 text NOT NULL CHECK (html_sha256 ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (acceptance_id, kind)
);

CREATE TRIGGER acceptances_append_only BEFORE UPDATE OR DELETE ON acceptances
  FOR EACH ROW EXECUTE FUNCTION forbid_update_delete();
CREATE TRIGGER acceptance_documents_append_only BEFORE UPDATE OR DELETE ON acceptance_documents
  FOR EACH ROW EXECUTE FUNCTION forbid_update_delete();

ALTER TABLE acceptances ENABLE ROW LEVEL SECURITY;
ALTER TABLE acceptances FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON acceptances FOR SELECT USING (tenant_id = app_current_tenant());
CREATE POLICY tenant_append ON acceptances FOR INSERT WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE acceptance_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE acceptance_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON acceptance_documents FOR SELECT USING (tenant_id = app_current_tenant());
CREATE POLICY tenant_append ON acceptance_documents FOR INSERT WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT ON acceptances, acceptance_documents TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE acceptance_documents, acceptances;`);
  }
}
