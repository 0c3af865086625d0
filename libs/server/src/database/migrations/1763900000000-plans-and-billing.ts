import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plans with immutable versions, customers, subscriptions and the provider-event ledger.
 * A plan version is frozen once a subscription uses it (a price change makes a new
 * version; existing subscriptions keep theirs).
 */
export class PlansAndBilling1763900000000 implements MigrationInterface {
  name = 'PlansAndBilling1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  code text NOT NULL,
  archived boolean NOT NULL DEFAULT false,
  current_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, code)
);

CREATE TABLE plan_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  plan_id uuid NOT NULL REFERENCES plans(id),
  version integer NOT NULL CHECK (version >= 1),
  definition jsonb NOT NULL,
  in_use boolean NOT NULL DEFAULT false,
  provider text,
  provider_product_ref text,
  provider_price_refs jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_id, version)
);

CREATE FUNCTION plan_version_freeze() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF OLD.in_use AND NEW.definition IS DISTINCT FROM OLD.definition THEN
    RAISE EXCEPTION 'plan version % is in use and immutable; create a new version', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $fn$;
CREATE TRIGGER plan_versions_freeze BEFORE UPDATE ON plan_versions
  FOR EACH ROW EXECUTE FUNCTION plan_version_freeze();

CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  company_name text NOT NULL,
  cvr text CHECK (cvr ~ '^[1-9][0-9]{7}$'),
  email text NOT NULL,
  provider text NOT NULL,
  provider_customer_ref text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_tenant_idx ON customers (tenant_id, created_at);

CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  customer_id uuid NOT NULL REFERENCES customers(id),
  plan_version_id uuid NOT NULL REFERENCES plan_versions(id),
  provider text NOT NULL CHECK (provider IN ('stripe', 'invoice')),
  provider_subscription_ref text,
  status text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'paused')),
  users integer NOT NULL CHECK (users >= 1),
  period text NOT NULL CHECK (period IN ('month', 'quarter', 'year')),
  quote jsonb NOT NULL,
  trial_ends_at timestamptz,
  current_period_start timestamptz NOT NULL,
  current_period_end timestamptz NOT NULL,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  canceled_at timestamptz,
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX subscriptions_tenant_idx ON subscriptions (tenant_id, created_at);
CREATE UNIQUE INDEX subscriptions_provider_ref_idx ON subscriptions (provider, provider_subscription_ref)
  WHERE provider_subscription_ref IS NOT NULL;

-- Platform ledger of provider events: the primary key makes each event id count once.
CREATE TABLE billing_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  event_type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE plans FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plans
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE plan_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plan_versions
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customers
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subscriptions
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
-- Provider webhooks name a subscription, not a tenant: this finds the tenant for a ref.
CREATE POLICY system_lookup ON subscriptions FOR SELECT TO aftale_system USING (true);

GRANT SELECT, INSERT, UPDATE ON plans, plan_versions, customers, subscriptions TO aftale_app;
GRANT SELECT, INSERT ON billing_events TO aftale_app;
CREATE POLICY system_lookup ON customers FOR SELECT TO aftale_system USING (true);
GRANT SELECT ON subscriptions, customers TO aftale_system;

CREATE FUNCTION aftale_resolve_customer(p_provider text, p_ref text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT c.tenant_id FROM customers c WHERE c.provider = p_provider AND c.provider_customer_ref = p_ref LIMIT 1
$fn$;
ALTER FUNCTION aftale_resolve_customer(text, text) OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_resolve_customer(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_resolve_customer(text, text) TO aftale_app;

CREATE FUNCTION aftale_resolve_subscription(p_provider text, p_ref text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT s.tenant_id FROM subscriptions s WHERE s.provider = p_provider AND s.provider_subscription_ref = p_ref
$fn$;
ALTER FUNCTION aftale_resolve_subscription(text, text) OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_resolve_subscription(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_resolve_subscription(text, text) TO aftale_app;

-- For the worker's renewal sweep of invoice-provider subscriptions: tenant ids only.
CREATE FUNCTION aftale_tenants_with_due_invoice_periods() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT DISTINCT s.tenant_id FROM subscriptions s
   WHERE s.provider = 'invoice' AND s.status IN ('trialing', 'active') AND s.current_period_end <= now()
$fn$;
ALTER FUNCTION aftale_tenants_with_due_invoice_periods() OWNER TO aftale_system;
REVOKE ALL ON FUNCTION aftale_tenants_with_due_invoice_periods() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aftale_tenants_with_due_invoice_periods() TO aftale_app;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP FUNCTION aftale_tenants_with_due_invoice_periods();
DROP FUNCTION aftale_resolve_subscription(text, text);
DROP FUNCTION aftale_resolve_customer(text, text);
DROP TABLE billing_events, subscriptions, customers, plan_versions, plans;
DROP FUNCTION plan_version_freeze();
`);
  }
}
