import type { AppConfig } from './config/config';
import { createDataSource } from './database/data-source';
import { Database } from './tenancy/database';
import { AuditService } from './audit/audit.service';
import { ApiKeyService } from './api-keys/api-key.service';
import { TenantService } from './tenants/tenant.service';
import { RateLimiter } from './rate-limit/rate-limiter';
import { PlanService } from './plans/plan.service';
import { SubscriptionService } from './subscriptions/subscription.service';
import { DocumentService } from './documents/document.service';
import { AcceptanceService } from './acceptances/acceptance.service';
import { EvidenceLogService } from './evidence/evidence-log.service';
import { loadLogSigningKey } from './evidence/signing-key';
import { PdfSealer } from './evidence/pdf-seal';
import { ProofBundleService } from './evidence/proof-bundle.service';
import { WebhookService } from './webhooks/webhook.service';
import { SecretBox } from './crypto/secret-box';
import type { BillingProvider } from './billing/billing-provider';
import { createBilling } from './billing/billing-factory';

/** The composition root shared by API, worker and CLI: plain classes, no framework. */
export interface Services {
  db: Database;
  audit: AuditService;
  apiKeys: ApiKeyService;
  tenants: TenantService;
  rateLimiter: RateLimiter;
  plans: PlanService;
  subscriptions: SubscriptionService;
  documents: DocumentService;
  acceptances: AcceptanceService;
  evidenceLog: EvidenceLogService;
  /** Signs acceptance PDFs with the platform certificate. */
  pdfSealer: PdfSealer;
  proofBundles: ProofBundleService;
  webhooks: WebhookService;
  close(): Promise<void>;
}

export async function createServices(
  appUrl: string,
  config: Pick<
    AppConfig,
    | 'env'
    | 'database'
    | 'stripe'
    | 'acceptanceTokenSecret'
    | 'evidenceSigningKey'
    | 'evidencePdfCertificate'
    | 'secretsEncryption'
  >,
  name = 'aftale',
  /** Stripe when configured; null runs the invoice provider. */
  billing: BillingProvider | null = createBilling(config).provider,
): Promise<Services> {
  const dataSource = createDataSource(appUrl, { poolSize: config.database.poolSize, name });
  await dataSource.initialize();
  const db = new Database(dataSource);
  const audit = new AuditService(db);
  const apiKeys = new ApiKeyService(db, audit);
  const tenants = new TenantService(db, apiKeys, audit);
  const plans = new PlanService(db, audit);
  // Loopback http endpoints only outside production (local receivers, tests).
  const webhooks = new WebhookService(db, audit, SecretBox.fromConfig(config.secretsEncryption), {
    allowLoopbackHttp: config.env !== 'production',
  });
  const subscriptions = new SubscriptionService(db, plans, audit, billing, webhooks);
  const documents = new DocumentService(db, audit, webhooks);
  return {
    db,
    audit,
    apiKeys,
    tenants,
    rateLimiter: new RateLimiter(db),
    plans,
    subscriptions,
    documents,
    evidenceLog: new EvidenceLogService(db, loadLogSigningKey(config.evidenceSigningKey)),
    pdfSealer: PdfSealer.fromConfig(config.evidencePdfCertificate),
    proofBundles: new ProofBundleService(db),
    acceptances: new AcceptanceService(
      db,
      plans,
      subscriptions,
      documents,
      audit,
      config.acceptanceTokenSecret,
      webhooks,
    ),
    webhooks,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
