import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation: tenants, API keys, the audit trail, shared rate-limit counters and the
 * PostgreSQL job queue, all behind row-level security.
 *
 * Roles (cluster-wide, created idempotently):
 * - aftale_app: NOLOGIN group the API and worker log in through (see ensureAppLogin);
 *   never owner, never superuser, so FORCE'd RLS always applies to it.
 * - aftale_system: NOLOGIN owner of a few reviewed SECURITY DEFINER functions that
 *   need to look across tenants (resolve an API key or slug, claim queued jobs).
 *   Nobody logs in as it and aftale_app is not a member.
 */
export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
DO $$ BEGIN CREATE ROLE aftale_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE aftale_system NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;

GRANT USAGE ON SCHEMA public TO aftale_app, aftale_system;

-- The tenant of the current transaction, set with set_config('app.tenant_id', id, true).
-- Unset means NULL, and NULL matches no row.
CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE AS $fn$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $fn$;

CREATE FUNCTION forbid_update_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $fn$;

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  legal_name text,
  cvr text CHECK (cvr ~ '^[1-9][0-9]{7}$'),
  address_line text,
  postal_code text,
  city text,
  country text NOT NULL DEFAULT 'DK',
  contact_name text,
  contact_email text,
  allowed_origins text[] NOT NULL DEFAULT '{}',
  default_locale text NOT NULL DEFAULT 'da' CHECK (default_locale IN ('da', 'en')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('secret', 'publishable')),
  mode text NOT NULL CHECK (mode IN ('live', 'test')),
  key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  last4 text NOT NULL CHECK (length(last4) = 4),
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

CREATE TABLE audit_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  actor text NOT NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}',
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, id);
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION forbid_update_delete();

-- Platform table: counters shared by every API replica. Buckets are hashes, never raw IPs.
CREATE TABLE rate_limit_counters (
  bucket text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

CREATE TABLE job_queue (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  tenant_id uuid REFERENCES tenants(id),
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  singleton_key text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX job_queue_ready_idx ON job_queue (queue, run_at, id) WHERE state IN ('queued', 'running');
CREATE UNIQUE INDEX job_queue_singleton_idx ON job_queue (queue, singleton_key)
  WHERE singleton_key IS NOT NULL AND state IN ('queued', 'running');

CREATE FUNCTION job_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN PERFORM pg_notify('aftale_jobs', NEW.queue); RETURN NULL; END $fn$;
CREATE TRIGGER job_queue_notify AFTER INSERT ON job_queue
  FOR EACH ROW EXECUTE FUNCTION job_queue_notify();

-- Row-level security, forced so that even the table owner is subject to it.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = app_current_tenant()) WITH CHECK (id = app_current_tenant());
CREATE POLICY system_lookup ON tenants FOR SELECT TO aftale_system USING (true);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY system_lookup ON api_keys FOR SELECT TO aftale_system USING (true);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON audit_events FOR SELECT USING (tenant_id = app_current_tenant());
CREATE POLICY tenant_append ON audit_events FOR INSERT WITH CHECK (tenant_id = app_current_tenant());

-- Jobs: a tenant's transaction sees and enqueues only its own jobs; platform jobs
-- (tenant_id NULL) only outside any tenant. The worker claims across tenants through
-- aftale_claim_jobs and then runs each job inside that job's tenant.
ALTER TABLE job_queue ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_queue FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_queue
  USING (tenant_id IS NOT DISTINCT FROM app_current_tenant())
  WITH CHECK (tenant_id IS NOT DISTINCT FROM app_current_tenant());
CREATE POLICY system_worker ON job_queue TO aftale_system USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE ON tenants TO aftale_app;
GRANT SELECT, INSERT, UPDATE ON api_keys TO aftale_app;
GRANT SELECT, INSERT ON audit_events TO aftale_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_counters TO aftale_app;
GRANT SELECT, INSERT ON job_queue TO aftale_app;
GRANT SELECT ON tenants, api_keys TO aftale_system;
GRANT SELECT, UPDATE ON job_queue TO aftale_system;

CREATE FUNCTION aftale_resolve_api_key(p_hash text)
RETURNS TABLE (key_id uuid, tenant_id uuid, kind text, mode text, revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT k.id, k.tenant_id, k.kind, k.mode, k.revoked_at IS NOT NULL
  FROM api_keys k WHERE k.key_hash = p_hash
$fn$;

CREATE FUNCTION aftale_resolve_tenant_slug(p_slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT t.id FROM tenants t WHERE t.slug = p_slug
$fn$;

CREATE FUNCTION aftale_claim_jobs(p_queues text[], p_worker text, p_limit integer, p_lock_seconds integer)
RETURNS TABLE (id bigint, queue text, tenant_id uuid, payload jsonb, attempts integer, max_attempts integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  -- A job whose worker died on its final attempt goes to the dead-letter state.
  UPDATE job_queue j SET state = 'dead', finished_at = now(),
         last_error = coalesce(j.last_error || E'\n', '') || 'worker lock expired on the final attempt'
   WHERE j.queue = ANY (p_queues) AND j.state = 'running' AND j.locked_until < now()
     AND j.attempts >= j.max_attempts;
  RETURN QUERY
  UPDATE job_queue j SET state = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         locked_until = now() + make_interval(secs => p_lock_seconds), started_at = now()
   WHERE j.id IN (
     SELECT c.id FROM job_queue c
      WHERE c.queue = ANY (p_queues)
        AND ((c.state = 'queued' AND c.run_at <= now())
          OR (c.state = 'running' AND c.locked_until < now()))
      ORDER BY c.run_at, c.id
      LIMIT p_limit
      FOR UPDATE SKIP LOCKED)
  RETURNING j.id, j.queue, j.tenant_id, j.payload, j.attempts, j.max_attempts;
END $fn$;

CREATE FUNCTION aftale_finish_job(p_id bigint, p_worker text, p_error text, p_retry_seconds integer)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE v_state text;
BEGIN
  UPDATE job_queue j SET
    state = CASE WHEN p_error IS NULL THEN 'done'
                 WHEN j.attempts >= j.max_attempts THEN 'dead'
                 ELSE 'queued' END,
    last_error = CASE WHEN p_error IS NULL THEN j.last_error ELSE left(p_error, 2000) END,
    run_at = CASE WHEN p_error IS NOT NULL AND j.attempts < j.max_attempts
                  THEN now() + make_interval(secs => p_retry_seconds) ELSE j.run_at END,
    finished_at = CASE WHEN p_error IS NULL OR j.attempts >= j.max_attempts THEN now() END,
    locked_by = NULL, locked_until = NULL
  WHERE j.id = p_id AND j.state = 'running' AND j.locked_by = p_worker
  RETURNING j.state INTO v_state;
  RETURN v_state; -- NULL: the lock was lost to another worker, which now owns the job
END $fn$;

ALTER FUNCTION aftale_resolve_api_key(text) OWNER TO aftale_system;
ALTER FUNCTION aftale_resolve_tenant_slug(text) OWNER TO aftale_system;
ALTER FUNCTION aftale_claim_jobs(text[], text, integer, integer) OWNER TO aftale_system;
ALTER FUNCTION aftale_finish_job(bigint, text, text, integer) OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_resolve_api_key(text), aftale_resolve_tenant_slug(text),
  aftale_claim_jobs(text[], text, integer, integer), aftale_finish_job(bigint, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_resolve_api_key(text), aftale_resolve_tenant_slug(text),
  aftale_claim_jobs(text[], text, integer, integer), aftale_finish_job(bigint, text, text, integer) TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP FUNCTION aftale_finish_job(bigint, text, text, integer);
DROP FUNCTION aftale_claim_jobs(text[], text, integer, integer);
DROP FUNCTION aftale_resolve_tenant_slug(text);
DROP FUNCTION aftale_resolve_api_key(text);
DROP TABLE job_queue, rate_limit_counters, audit_events, api_keys, tenants;
DROP FUNCTION job_queue_notify();
DROP FUNCTION forbid_update_delete();
DROP FUNCTION app_current_tenant();
`);
  }
}
