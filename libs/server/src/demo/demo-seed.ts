import { AftaleError } from '@aftale/domain';
import { INTRAS_LIKE_DEMO_PLANS } from '@aftale/pricing';
import type { TenantService } from '../tenants/tenant.service';
import type { PlanService } from '../plans/plan.service';
import { DEMO_DPA_MARKDOWN, DEMO_TERMS_MARKDOWN, type SubprocessorEntry } from '@aftale/documents';
import type { DocumentService } from '../documents/document.service';

export const DEMO_SLUG = 'demo';

/**
 * The demo vendor: a fictional Danish intranet provider. Its plans (a later issue)
 * mirror the corpus's Intras prices. The CVR is made up but passes the modulus-11 check.
 */
export const DEMO_TENANT = {
  slug: DEMO_SLUG,
  name: 'Nordlys Intranet',
  legalName: 'Nordlys Intranet ApS',
  cvr: '41234563',
  addressLine: 'Eksempelvej 12',
  postalCode: '8000',
  city: 'Aarhus C',
  country: 'DK',
  contactName: 'Demo Databeskyttelse',
  contactEmail: 'dpo@nordlys-intranet.example',
  allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
  defaultLocale: 'da' as const,
};

export type DemoSeedResult =
  | { created: true; tenantId: string; secretKey: string; publishableKey: string }
  | { created: false; tenantId: string };

/** Creates the demo tenant and its plans once; running it again changes nothing. */
/** The demo vendor's sub-processors (Bilag B), kept as data. Fictional but plausible. */
export const DEMO_SUBPROCESSORS: SubprocessorEntry[] = [
  { name: 'Nordisk Hosting A/S', location: 'DK', purpose: 'Drift og hosting af platformen' },
  {
    name: 'Amazon Web Services EMEA SARL',
    location: 'IE, DE',
    purpose: 'Backup og lagring',
    legalBasis: 'EU',
  },
  {
    name: 'Postmark (ActiveCampaign LLC)',
    location: 'US',
    purpose: 'Udsendelse af e-mails',
    legalBasis: 'EU-US Data Privacy Framework',
  },
];

export async function seedDemo(
  tenants: TenantService,
  plans?: PlanService,
  documents?: DocumentService,
): Promise<DemoSeedResult> {
  const result = await seedDemoTenant(tenants);
  // Plans mirror the corpus's Intras prices; each is created only if missing, so a seed
  // interrupted half-way is completed by the next run.
  for (const plan of plans ? INTRAS_LIKE_DEMO_PLANS : []) {
    const ctx = { tenantId: result.tenantId };
    try {
      await plans!.current(ctx, plan.code);
    } catch (error) {
      if (!(error instanceof AftaleError) || error.code !== 'NOT_FOUND') throw error;
      await plans!.create(ctx, plan, { type: 'cli' });
    }
  }
  if (documents) await seedDemoDocuments(documents, { tenantId: result.tenantId });
  return result;
}

/** A published Danish DPA (standard-clause structure, annexes A-D) and terms, once. */
async function seedDemoDocuments(
  documents: DocumentService,
  ctx: { tenantId: string },
): Promise<void> {
  for (const [kind, markdown] of [
    ['dpa', DEMO_DPA_MARKDOWN],
    ['terms', DEMO_TERMS_MARKDOWN],
  ] as const) {
    if (await documents.current(ctx, kind)) continue;
    const { version } = await documents.import(
      ctx,
      { kind, format: 'markdown', sourceName: `demo-${kind}.md` },
      markdown,
      { type: 'cli' },
    );
    if (kind === 'dpa')
      await documents.updateDraft(
        ctx,
        version.id,
        { subprocessors: DEMO_SUBPROCESSORS },
        { type: 'cli' },
      );
    await documents.publish(ctx, version.id, { type: 'cli' });
  }
}

async function seedDemoTenant(tenants: TenantService): Promise<DemoSeedResult> {
  try {
    const existing = await tenants.resolveSlug(DEMO_SLUG);
    return { created: false, tenantId: existing.tenantId };
  } catch (error) {
    if (!(error instanceof AftaleError) || error.code !== 'NOT_FOUND') throw error;
  }
  try {
    const made = await tenants.create(DEMO_TENANT, { type: 'cli' }, { mode: 'test' });
    return {
      created: true,
      tenantId: made.tenant.id,
      secretKey: made.secretKey.plaintext,
      publishableKey: made.publishableKey.plaintext,
    };
  } catch (error) {
    // Two seeders raced; the other one won, which is the same outcome.
    if (error instanceof AftaleError && error.code === 'CONFLICT') {
      return { created: false, tenantId: (await tenants.resolveSlug(DEMO_SLUG)).tenantId };
    }
    throw error;
  }
}
