/** Every queue's name, in one place: producers and the worker's handlers both use these. */
export const QUEUES = {
  pruneRateLimits: 'maintenance.prune-rate-limits',
  advanceInvoicePeriods: 'billing.advance-invoice-periods',
  stripeEvent: 'billing.stripe-event',
  documentPdf: 'documents.render-pdf',
  evidenceSequence: 'evidence.sequence',
  webhookDelivery: 'webhooks.deliver',
  customerCopy: 'email.customer-copy',
  proofBundle: 'evidence.proof-bundle',
} as const;

export const DOCUMENT_PDF_QUEUE = QUEUES.documentPdf;
export const EVIDENCE_SEQUENCE_QUEUE = QUEUES.evidenceSequence;
export const WEBHOOK_DELIVERY_QUEUE = QUEUES.webhookDelivery;
export const CUSTOMER_COPY_QUEUE = QUEUES.customerCopy;
export const PROOF_BUNDLE_QUEUE = QUEUES.proofBundle;
