/**
 * The widget's public HTTP contract (publishable key, allowed origins only), shared by the
 * server and the browser bundle. Every request carries the key as `?key=pk_…` so the
 * config GET stays a simple, cacheable request and preflights can be checked per tenant.
 *
 *   GET  /v1/widget/config?key=pk_…             → WidgetConfig (ETag; 304 on If-None-Match)
 *   POST /v1/widget/preview?key=pk_…            WidgetPreviewRequest → WidgetPreviewResponse
 *   POST /v1/widget/acceptances?key=pk_…        WidgetAcceptanceRequest → WidgetAcceptanceResponse
 *        header Idempotency-Key: <8-200 chars>  (same key → same acceptance)
 *   POST /v1/widget/pdfs?key=pk_…               WidgetPreviewRequest & { kind } → { id, status }
 *   GET  /v1/widget/pdfs/:id?key=pk_…           → application/pdf when ready, 404 + { error } before
 *   POST /v1/widget/reacceptance?key=pk_…       WidgetReacceptanceRequest → WidgetReacceptanceResponse
 *        (404 for a token that is invalid or belongs to another tenant)
 *
 * Errors: JSON { error: { code, message, problems: [{ field, message, hint? }] } } with the
 * HTTP status of the code (400, 401, 403, 404, 409, 429, 503). Field names in problems are
 * the request's dotted paths (e.g. `company.cvr`).
 */
import type { Locale } from './tenant';

export const WIDGET_API_VERSION = 1;
export const DEFAULT_CONSENT_TEXT: Record<Locale, string> = {
  da: 'Jeg accepterer handelsbetingelser og databehandleraftale',
  en: 'I accept the terms and conditions and the data processing agreement',
};

/** A plan as the widget needs it to price live with the shared pricing engine. */
export interface WidgetPlan {
  code: string;
  name: string;
  description: string;
  modules: string[];
  /** The full plan definition (libs/pricing PlanDefinition), for `quote()` in the browser. */
  definition: Record<string, unknown>;
}

export interface WidgetDocumentRef {
  kind: 'dpa' | 'terms';
  versionId: string;
  version: number;
  title: string;
  contentHash: string;
}

export interface WidgetCustomField {
  /** `custom.subdomain` */
  path: string;
  label: string;
  required: boolean;
  /** text, email, url, cvr, number or regex */
  kind: string;
  pattern?: string;
  maxLength: number;
}

export interface WidgetConfig {
  apiVersion: number;
  vendor: { name: string; legalName: string | null };
  defaultLocale: Locale;
  plans: WidgetPlan[];
  /** The current published DPA and terms; missing ones mean the vendor has not published yet. */
  documents: WidgetDocumentRef[];
  consentText: Record<Locale, string>;
  customFields: WidgetCustomField[];
}

/** What the customer typed. */
export interface WidgetCompany {
  name: string;
  address: string;
  postalCode: string;
  city: string;
  cvr: string;
  contactName: string;
  contactEmail: string;
}

export interface WidgetPreviewRequest {
  company: WidgetCompany;
  planCode: string;
  /** `{ subdomain: 'mindag' }` for `custom.subdomain`. */
  custom?: Record<string, string>;
  locale?: Locale;
}

export interface WidgetPreviewResponse {
  documents: Array<WidgetDocumentRef & { html: string }>;
}

export interface WidgetAcceptanceRequest extends WidgetPreviewRequest {
  users: number;
  period: 'month' | 'quarter' | 'year';
  /** The versions the customer read; refused with CONFLICT if no longer current. */
  documentVersionIds: string[];
  /** Must be true: the consent checkbox was ticked. */
  consent: boolean;
  /** The consent text as shown, checked against the vendor's. */
  consentText: string;
  /** Client clock (ISO 8601), for the record only. */
  clientTime?: string;
  pageUrl?: string;
  widgetVersion?: string;
  /**
   * Re-acceptance: the token of the customer's last acceptance. The new acceptance then
   * continues that acceptance's subscription instead of starting another.
   */
  customerToken?: string;
}

export interface WidgetAcceptanceResponse {
  acceptanceId: string;
  /** Give it to your backend; it verifies it with the secret key (see README). */
  token: string;
  subscription: { id: string; status: string; trialEndsAt: string | null };
}

export interface WidgetReacceptanceRequest {
  /** The `token` of the customer's last acceptance (WidgetAcceptanceResponse.token). */
  customerToken: string;
}

/** A current document that differs from the version the customer last accepted. */
export interface WidgetChangedDocument {
  kind: 'dpa' | 'terms';
  /** The version accepted last time; null when the customer never accepted this kind. */
  acceptedVersion: number | null;
  currentVersion: number;
  currentVersionId: string;
}

/** Re-acceptance mode: what the customer accepted last, to prefill, and what changed since. */
export interface WidgetReacceptanceResponse {
  previousAcceptanceId: string;
  company: WidgetCompany;
  planCode: string;
  /** Empty when the customer has already accepted every current version. */
  changed: WidgetChangedDocument[];
}
