import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents (DPA, terms) with versions: drafts are editable; a published version is
 * frozen (content hash, version number, publish time) and can only be retired. Rendered
 * PDFs are stored in the database, keyed by (version, values hash).
 */
export class Documents1764000000000 implements MigrationInterface {
  name = 'Documents1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('dpa', 'terms')),
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, kind)
);

CREATE TABLE document_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  document_id uuid NOT NULL REFERENCES documents(id),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  version integer,
  model jsonb NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '[]',
  subprocessors jsonb NOT NULL DEFAULT '[]',
  source_format text NOT NULL,
  source_name text,
  import_report jsonb NOT NULL DEFAULT '{}',
  content_hash text,
  required_values jsonb,
  published_at timestamptz,
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, version),
  CHECK ((status = 'draft') = (version IS NULL)),
  CHECK (status = 'draft' OR (content_hash ~ '^[0-9a-f]{64}$' AND published_at IS NOT NULL))
);
CREATE INDEX document_versions_doc_idx ON document_versions (document_id, status, version);
-- At most one draft per document: importing again replaces it.
CREATE UNIQUE INDEX document_versions_one_draft ON document_versions (document_id) WHERE status = 'draft';

CREATE FUNCTION document_version_freeze() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'published document version % cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN RETURN NEW; END IF;
  IF NEW.model IS DISTINCT FROM OLD.model OR NEW.custom_fields IS DISTINCT FROM OLD.custom_fields
     OR NEW.subprocessors IS DISTINCT FROM OLD.subprocessors OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
     OR NEW.version IS DISTINCT FROM OLD.version OR NEW.published_at IS DISTINCT FROM OLD.published_at
     OR (OLD.status = 'retired' AND NEW.status <> 'retired')
     OR (OLD.status = 'published' AND NEW.status NOT IN ('published', 'retired')) THEN
    RAISE EXCEPTION 'document version % is published and immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $fn$;
CREATE TRIGGER document_versions_freeze BEFORE UPDATE OR DELETE ON document_versions
  FOR EACH ROW EXECUTE FUNCTION document_version_freeze();

CREATE TABLE document_pdfs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  version_id uuid NOT NULL REFERENCES document_versions(id),
  values_hash text NOT NULL CHECK (values_hash ~ '^[0-9a-f]{64}$'),
  render_values jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
  pdf bytea,
  byte_size integer,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (tenant_id, version_id, values_hash)
);

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE document_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE document_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON document_versions
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE document_pdfs ENABLE ROW LEVEL SECURITY;
ALTER TABLE document_pdfs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON document_pdfs
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE ON documents TO aftale_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON document_versions TO aftale_app;
GRANT SELECT, INSERT, UPDATE ON document_pdfs TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP TABLE document_pdfs, document_versions, documents;
DROP FUNCTION document_version_freeze();
`);
  }
}
