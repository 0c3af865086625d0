import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proof bundles built by the worker for download over the API. A bundle is evidence
 * derived from append-only records, so it can always be rebuilt; one row per acceptance.
 */
export class ProofBundles1764400000000 implements MigrationInterface {
  name = 'ProofBundles1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE proof_bundles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  acceptance_id uuid NOT NULL REFERENCES acceptances(id),
  status text NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
  bundle bytea,
  byte_size integer,
  sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  tree_size bigint,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (tenant_id, acceptance_id),
  CHECK (status <> 'ready' OR (bundle IS NOT NULL AND sha256 IS NOT NULL AND tree_size IS NOT NULL))
);
ALTER TABLE proof_bundles ENABLE ROW LEVEL SECURITY;
ALTER TABLE proof_bundles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON proof_bundles
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON proof_bundles TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE proof_bundles');
  }
}
