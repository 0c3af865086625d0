import {
  JobWorker,
  QUEUES,
  enqueueJob,
  pruneRateLimitsJob,
  advanceInvoicePeriodsJob,
  stripeEventJob,
  evidenceSequenceJob,
  webhookDeliveryJob,
  sendCustomerCopy,
  createMailer,
  CUSTOMER_COPY_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  EVIDENCE_SEQUENCE_QUEUE,
  documentPdfJob,
  pdfRenderFn,
  DOCUMENT_PDF_QUEUE,
  PROOF_BUNDLE_QUEUE,
  proofBundleJob,
  proofBundleBuilder,
  PdfRenderer,
  type AppConfig,
  type JobHandler,
  type Logger,
  type Services,
} from '@aftale/server';

/** Every queue this worker serves. PDFs, webhooks and e-mail join here. */
export function handlersFor(
  services: Services,
  pdf: PdfRenderer,
  config: AppConfig,
): Record<string, JobHandler> {
  const mailer = createMailer(config);
  return {
    [CUSTOMER_COPY_QUEUE]: async (job, { tenant }) => {
      const id = job.payload['acceptanceId'];
      if (!tenant || typeof id !== 'string') return;
      await sendCustomerCopy(tenant, id, {
        acceptances: services.acceptances,
        tenants: services.tenants,
        renderPdf: pdfRenderFn(pdf),
        pdfSealer: services.pdfSealer,
        mailer,
        tokenSecret: config.acceptanceTokenSecret,
        publicUrl: config.http.publicUrl,
      });
    },
    [EVIDENCE_SEQUENCE_QUEUE]: evidenceSequenceJob(services.evidenceLog),
    [WEBHOOK_DELIVERY_QUEUE]: webhookDeliveryJob(services.webhooks),
    [DOCUMENT_PDF_QUEUE]: documentPdfJob(services.documents, pdfRenderFn(pdf)),
    [PROOF_BUNDLE_QUEUE]: proofBundleJob(
      services.proofBundles,
      services.evidenceLog,
      proofBundleBuilder({ ...services, renderPdf: pdfRenderFn(pdf) }),
    ),
    [QUEUES.pruneRateLimits]: pruneRateLimitsJob,
    [QUEUES.advanceInvoicePeriods]: advanceInvoicePeriodsJob(services.subscriptions),
    [QUEUES.stripeEvent]: stripeEventJob(services.subscriptions),
  };
}

/** Maintenance put on the queue on a schedule; singleton keys keep one pending each. */
const SCHEDULE = [QUEUES.pruneRateLimits, QUEUES.advanceInvoicePeriods];

export interface RunningWorker {
  worker: JobWorker;
  stop(): Promise<void>;
}

/**
 * Starts the queue consumer and the maintenance schedule. Several workers may run: the
 * schedule enqueues with a singleton key, so only one job of each kind is ever pending.
 */
export async function startWorker(
  config: AppConfig,
  services: Services,
  appUrl: string,
  logger: Logger,
  handlers?: Record<string, JobHandler>,
): Promise<RunningWorker> {
  // One Chromium pool per worker process, bounded by its cores; browsers start on demand.
  const pdf = new PdfRenderer({ logger });
  const worker = new JobWorker(
    services.db,
    appUrl,
    handlers ?? handlersFor(services, pdf, config),
    config.worker,
    logger,
  );
  await worker.start();
  const schedule = async () => {
    try {
      await services.db.inPlatform(async (em) => {
        for (const queue of SCHEDULE) {
          await enqueueJob(em, null, { queue, singletonKey: 'scheduled', maxAttempts: 3 });
        }
      });
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'scheduling maintenance failed');
    }
  };
  await schedule();
  const timer = setInterval(() => void schedule(), 5 * 60_000);
  timer.unref();
  // Safety net for the sequencer: an acceptance whose job was absorbed by one already
  // running, or held by a worker that died mid-job, still reaches the log within seconds.
  const sweep = async () => {
    try {
      const added = await services.evidenceLog.sweep();
      if (added) logger.info({ added }, 'sequencer sweep integrated acceptances');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'sequencer sweep failed');
    }
  };
  const sweeper = setInterval(() => void sweep(), 5_000);
  sweeper.unref();
  return {
    worker,
    stop: async () => {
      clearInterval(timer);
      clearInterval(sweeper);
      await worker.stop();
      await pdf.close();
    },
  };
}
