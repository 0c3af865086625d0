/**
 * The production worker (same boot, same JobWorker, same schedule and sequencer sweep)
 * serving only the evidence sequencer's queue. The bench and the crash test measure the
 * acceptance path and the log; the other follow-up work of an acceptance (the customer's
 * PDF copy by e-mail) stays queued instead of running Chromium on the cores being measured.
 * Run by tools/bench/lib/stack.ts as: node tools/scripts/run-ts.js tools/bench/sequencer-worker.ts
 */
import { EVIDENCE_SEQUENCE_QUEUE, bootProcess, evidenceSequenceJob } from '@aftale/server';
import { startWorker } from '../../apps/worker/src/worker';

async function main(): Promise<void> {
  const { config, logger, services, appUrl } = await bootProcess('aftale-sequencer');
  const running = await startWorker(config, services, appUrl, logger, {
    [EVIDENCE_SEQUENCE_QUEUE]: evidenceSequenceJob(services.evidenceLog),
  });
  const shutdown = async () => {
    await running.stop();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error('sequencer worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
