import { isIP } from 'node:net';
import { z } from 'zod';
import { loadPdfSigningKey, PdfSigningKeyError } from '@aftale/evidence';

/**
 * The one configuration of API, worker and CLI, validated at boot. A bad value stops
 * start-up with a message naming the variable and showing an example.
 */
const port = (example: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a port number, e.g. ${example}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int(`must be a whole port number, e.g. ${example}`)
        .min(1, `must be 1-65535, e.g. ${example}`)
        .max(65535, `must be 1-65535, e.g. ${example}`),
    );

const positiveInt = (example: number) =>
  z.coerce
    .number({ error: `must be a whole number, e.g. ${example}` })
    .int(`must be a whole number, e.g. ${example}`)
    .positive(`must be greater than 0, e.g. ${example}`);

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v), {
  message: 'must be a PostgreSQL URL, e.g. postgres://aftale:secret@db.internal:5432/aftale',
});

// How to make and pass the PDF signing certificate, for the messages below.
const PDF_CERTIFICATE_EXAMPLE =
  'EVIDENCE_PDF_CERTIFICATE="$(cat aftale-pdf.crt)" (from your CA, or: openssl req -x509 -newkey rsa:3072 -nodes -keyout aftale-pdf.key -out aftale-pdf.crt -days 1095 -subj "/CN=Aftale/O=Your company")';
const PDF_KEY_EXAMPLE = 'EVIDENCE_PDF_CERTIFICATE_KEY="$(cat aftale-pdf.key)"';

/** 32 random bytes in base64, e.g. from `openssl rand -base64 32`. */
const secretKey = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    message:
      'must be 32 random bytes in base64, e.g. SECRETS_ENCRYPTION_KEY="$(openssl rand -base64 32)"',
  });

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'], {
      error: 'must be development, test or production, e.g. NODE_ENV=production',
    })
    .default('development'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_APP_URL: postgresUrl.optional(),
  DATABASE_APP_PASSWORD: z
    .string()
    .min(12, 'must be at least 12 characters, e.g. DATABASE_APP_PASSWORD=k3v9-Qx2-mP7w-Z4tL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt(10).default(10),
  AFTALE_DATA_DIR: z.string().min(1).default('.aftale'),
  EMBEDDED_PG_PORT: port('54329').default(54329),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port('3000').default(3000),
  PUBLIC_URL: z.url({ error: 'must be a URL, e.g. https://api.aftale.dk' }).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent, e.g. LOG_LEVEL=info',
    })
    .default('info'),
  // Replaced by TRUSTED_PROXIES: "trust every hop" lets any client forge the IP recorded
  // in acceptance evidence through X-Forwarded-For.
  TRUST_PROXY: z
    .never({
      error:
        'replaced by TRUSTED_PROXIES: list the addresses of your load balancers, e.g. TRUSTED_PROXIES=10.0.0.0/8,loopback',
    })
    .optional(),
  TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        if (!isTrustedProxyEntry(entry)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${entry.slice(0, 60)}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal, e.g. TRUSTED_PROXIES=10.0.0.0/8,192.168.1.7`,
          });
        }
      }
    })
    .default([]),
  RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(300).default(300),
  RATE_LIMIT_PER_KEY_PER_MINUTE: positiveInt(1200).default(1200),
  GRAPHQL_MAX_DEPTH: positiveInt(10).default(10),
  GRAPHQL_MAX_COST: positiveInt(1000).default(1000),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(live|test)_[A-Za-z0-9]+$/, 'must be a Stripe secret key, e.g. sk_live_51H…')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9]+$/, 'must be a webhook signing secret, e.g. whsec_3Jk…')
    .optional(),
  STRIPE_API_URL: z.url({ error: 'must be a URL, e.g. https://api.stripe.com' }).optional(),
  ACCEPTANCE_TOKEN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters, e.g. ACCEPTANCE_TOKEN_SECRET=<48 random characters>')
    .optional(),
  EVIDENCE_SIGNING_KEY: z
    .string()
    .refine((v) => v.includes('BEGIN PRIVATE KEY'), {
      message:
        'must be an Ed25519 private key in PKCS#8 PEM, e.g. the output of: openssl genpkey -algorithm ed25519',
    })
    .optional(),
  EVIDENCE_PDF_CERTIFICATE: z
    .string()
    .refine((v) => v.includes('BEGIN CERTIFICATE'), {
      message: `must be a PEM certificate (chain allowed, signer first), e.g. ${PDF_CERTIFICATE_EXAMPLE}`,
    })
    .optional(),
  EVIDENCE_PDF_CERTIFICATE_KEY: z
    .string()
    .refine((v) => v.includes('PRIVATE KEY'), {
      message: `must be the certificate's private key in PEM, e.g. ${PDF_KEY_EXAMPLE}`,
    })
    .optional(),
  SECRETS_ENCRYPTION_KEY: secretKey.optional(),
  SECRETS_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .pipe(z.array(secretKey))
    .default([]),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be an SMTP URL, e.g. smtp://user:password@smtp.example.dk:587')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
  DEMO_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[0-9A-Za-z]{38}$/, 'must be a publishable key, e.g. pk_test_…')
    .optional(),
  WORKER_CONCURRENCY: positiveInt(2).default(2),
  WORKER_POLL_MS: positiveInt(1000).default(1000),
});

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An entry Fastify's proxy-addr understands: a keyword, an IP, or an IP/prefix. */
function isTrustedProxyEntry(entry: string): boolean {
  if (PROXY_KEYWORDS.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export type Env = z.output<typeof envSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  database: {
    /** Owner connection: migrations only. Absent means the embedded PostgreSQL. */
    ownerUrl: string | undefined;
    /** Non-owner, non-superuser role the API and worker use; RLS applies to it. */
    appUrl: string | undefined;
    appPassword: string;
    poolSize: number;
  };
  embedded: { dataDir: string; port: number };
  http: {
    host: string;
    port: number;
    publicUrl: string;
    /**
     * Proxies whose X-Forwarded-For is believed (IPs, CIDRs, or proxy-addr's keywords);
     * empty means the socket address is the client's, which is what evidence records.
     */
    trustedProxies: string[];
  };
  logLevel: Env['LOG_LEVEL'];
  rateLimit: { perIpPerMinute: number; perKeyPerMinute: number };
  graphql: { maxDepth: number; maxCost: number; introspection: boolean };
  worker: { concurrency: number; pollMs: number };
  /** Stripe billing; null runs the invoice provider (the vendor invoices by hand). */
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | undefined } | null;
  /** Signs the acceptance tokens the widget hands to the vendor's page. */
  acceptanceTokenSecret: string;
  /** Ed25519 PKCS#8 PEM that signs tree heads; undefined outside production: a dev key. */
  evidenceSigningKey: string | undefined;
  /** Signs the acceptance PDFs (PAdES); undefined outside production: a dev certificate. */
  evidencePdfCertificate: { certificatePem: string; privateKeyPem: string } | undefined;
  /**
   * Seals secrets kept to be used again (webhook signing secrets); previous keys still open
   * during a rotation. Undefined outside production: a development key.
   */
  secretsEncryption: { current: string; previous: string[] } | undefined;
  /** SMTP for the customer's copy; unset means a local outbox folder (development). */
  mail: { smtpUrl: string | undefined; from: string; outboxDir: string };
  /** The demo tenant's publishable key, for the /demo checkout page (local only). */
  demoPublishableKey: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Login role the app uses when DATABASE_APP_URL is not given (created by `aftale db migrate`). */
export const DEFAULT_APP_LOGIN = 'aftale_api';
const DEV_APP_PASSWORD = 'aftale-local-dev-only';

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings are "unset": shells and .env files produce them easily.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.DATABASE_URL) {
      problems.push(
        'DATABASE_URL: required in production (the embedded PostgreSQL is for local use), e.g. DATABASE_URL=postgres://aftale_owner:secret@db:5432/aftale',
      );
    }
    if (!e.DATABASE_APP_URL && !e.DATABASE_APP_PASSWORD) {
      problems.push(
        'DATABASE_APP_PASSWORD: required in production unless DATABASE_APP_URL is set, e.g. DATABASE_APP_PASSWORD=<24 random characters>',
      );
    }
  }
  if (e.NODE_ENV === 'production' && !e.ACCEPTANCE_TOKEN_SECRET) {
    problems.push(
      'ACCEPTANCE_TOKEN_SECRET: required in production (it signs acceptance tokens; every API replica needs the same one), e.g. ACCEPTANCE_TOKEN_SECRET=<48 random characters>',
    );
  }
  if (e.NODE_ENV === 'production' && !e.EVIDENCE_SIGNING_KEY) {
    problems.push(
      'EVIDENCE_SIGNING_KEY: required in production (it signs the evidence log; keep it secret and backed up), e.g. EVIDENCE_SIGNING_KEY="$(openssl genpkey -algorithm ed25519)"',
    );
  }
  const pdfCertificate = pdfCertificateOf(e, problems);
  if (e.NODE_ENV === 'production' && !e.SECRETS_ENCRYPTION_KEY) {
    problems.push(
      'SECRETS_ENCRYPTION_KEY: required in production (it seals webhook signing secrets in the database; keep it outside the database and backed up), e.g. SECRETS_ENCRYPTION_KEY="$(openssl rand -base64 32)"',
    );
  }
  if (e.SECRETS_ENCRYPTION_KEY_PREVIOUS.length && !e.SECRETS_ENCRYPTION_KEY) {
    problems.push(
      'SECRETS_ENCRYPTION_KEY: required with SECRETS_ENCRYPTION_KEY_PREVIOUS (the new key seals, the previous ones only open), e.g. SECRETS_ENCRYPTION_KEY="$(openssl rand -base64 32)"',
    );
  }
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    problems.push(
      'STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (Stripe events are only trusted when signed), e.g. STRIPE_WEBHOOK_SECRET=whsec_3Jk…',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    database: {
      ownerUrl: e.DATABASE_URL,
      appUrl: e.DATABASE_APP_URL,
      appPassword: e.DATABASE_APP_PASSWORD ?? DEV_APP_PASSWORD,
      poolSize: e.DATABASE_POOL_SIZE,
    },
    embedded: { dataDir: e.AFTALE_DATA_DIR, port: e.EMBEDDED_PG_PORT },
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      trustedProxies: e.TRUSTED_PROXIES,
    },
    logLevel: e.LOG_LEVEL,
    rateLimit: {
      perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
      perKeyPerMinute: e.RATE_LIMIT_PER_KEY_PER_MINUTE,
    },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      introspection: e.NODE_ENV !== 'production',
    },
    worker: { concurrency: e.WORKER_CONCURRENCY, pollMs: e.WORKER_POLL_MS },
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: e.STRIPE_SECRET_KEY,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET,
            apiUrl: e.STRIPE_API_URL,
          }
        : null,
    acceptanceTokenSecret:
      e.ACCEPTANCE_TOKEN_SECRET ?? 'aftale-local-development-acceptance-token-secret',
    evidenceSigningKey: e.EVIDENCE_SIGNING_KEY?.replace(/\\n/g, '\n'),
    evidencePdfCertificate: pdfCertificate,
    secretsEncryption: e.SECRETS_ENCRYPTION_KEY
      ? { current: e.SECRETS_ENCRYPTION_KEY, previous: e.SECRETS_ENCRYPTION_KEY_PREVIOUS }
      : undefined,
    demoPublishableKey: e.DEMO_PUBLISHABLE_KEY,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? 'Aftale <no-reply@aftale.localhost>',
      outboxDir: `${e.AFTALE_DATA_DIR}/outbox`,
    },
  };
}

/**
 * EVIDENCE_PDF_CERTIFICATE and _KEY: both or neither, required in production, and checked
 * for real (readable, RSA or EC, the key is the certificate's), so a bad pair stops start-up
 * instead of the first PDF.
 */
function pdfCertificateOf(
  e: Env,
  problems: string[],
): AppConfig['evidencePdfCertificate'] | undefined {
  // Like EVIDENCE_SIGNING_KEY: a PEM passed on one line with \n escapes is accepted.
  const certificatePem = e.EVIDENCE_PDF_CERTIFICATE?.replace(/\\n/g, '\n');
  const privateKeyPem = e.EVIDENCE_PDF_CERTIFICATE_KEY?.replace(/\\n/g, '\n');
  if (!certificatePem && !privateKeyPem) {
    if (e.NODE_ENV === 'production') {
      problems.push(
        `EVIDENCE_PDF_CERTIFICATE: required in production with EVIDENCE_PDF_CERTIFICATE_KEY (they sign the acceptance PDFs; the development certificate is public), e.g. ${PDF_CERTIFICATE_EXAMPLE}`,
      );
    }
    return undefined;
  }
  if (!privateKeyPem) {
    problems.push(
      `EVIDENCE_PDF_CERTIFICATE_KEY: required with EVIDENCE_PDF_CERTIFICATE, e.g. ${PDF_KEY_EXAMPLE}`,
    );
    return undefined;
  }
  if (!certificatePem) {
    problems.push(
      `EVIDENCE_PDF_CERTIFICATE: required with EVIDENCE_PDF_CERTIFICATE_KEY, e.g. ${PDF_CERTIFICATE_EXAMPLE}`,
    );
    return undefined;
  }
  try {
    loadPdfSigningKey(certificatePem, privateKeyPem);
  } catch (error) {
    if (!(error instanceof PdfSigningKeyError)) throw error;
    problems.push(
      error.part === 'certificate'
        ? `EVIDENCE_PDF_CERTIFICATE: ${error.message}, e.g. ${PDF_CERTIFICATE_EXAMPLE}`
        : `EVIDENCE_PDF_CERTIFICATE_KEY: ${error.message}, e.g. ${PDF_KEY_EXAMPLE}`,
    );
    return undefined;
  }
  return { certificatePem, privateKeyPem };
}

/** The app connection derived from the owner URL when DATABASE_APP_URL is not set. */
export function resolveAppUrl(config: AppConfig, ownerUrl: string): string {
  if (config.database.appUrl) return config.database.appUrl;
  const url = new URL(ownerUrl);
  url.username = DEFAULT_APP_LOGIN;
  // URL setters leave % unencoded, and pg decodes it: encode so the password arrives intact.
  url.password = encodeURIComponent(config.database.appPassword);
  return url.toString();
}
