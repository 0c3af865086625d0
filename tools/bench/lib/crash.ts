/**
 * The crash test itself, shared by tools/bench/crash.ts and test/e2e/crash-recovery: the
 * API is SIGKILLed at random moments under load and restarted; then every submit that was
 * never answered is retried with its idempotency key, and the database and the log are
 * checked against what the clients were told.
 */
import { Client } from 'pg';
import {
  API_ENTRY,
  BENCH_ORIGIN,
  ProductProcess,
  SEQUENCER_ENTRY,
  freePort,
  migrateAndSeed,
  removeDataDir,
  stackEnv,
} from './stack';
import { WidgetClient, accepted, closedLoop, rng, submitter, type Attempt } from './load';
import {
  acceptanceIdsByKey,
  halfMadeAcceptances,
  missingAcknowledged,
  publishedLogKeys,
  subscriptionsWithoutAcceptance,
  verifyLog,
  waitForSequenced,
} from './invariants';

export interface CrashOptions {
  /** Owner URL of a fresh database (migrated or empty). */
  ownerUrl: string;
  kills: number;
  concurrency: number;
  /** The kill comes this long (uniformly random in the range) after the load starts. */
  killAfterMs: [number, number];
  /** Also SIGKILL the sequencer worker on every n-th round (0: never). */
  killWorkerEvery?: number;
  production: boolean;
  seed?: number;
  /** How long the sequencer may take to catch up at the end. */
  sequenceTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface CrashReport {
  kills: number;
  workerKills: number;
  attempts: number;
  acknowledged: number;
  /** Submits that got no answer because the API died under them. */
  unanswered: number;
  /** …of which had committed before the kill (the retry returned that same acceptance). */
  committedButUnanswered: number;
  /** Subscriptions left without their acceptance by a kill, before the retries. */
  orphanSubscriptionsBeforeRetry: number;
  retriedOk: number;
  replayedAcknowledged: number;
  acceptances: number;
  logLeaves: number;
  treeHeads: number;
  sequencedInMs: number;
  /** Empty when every invariant holds. */
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashTest(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => undefined);
  const random = rng(options.seed ?? 20261122);
  const port = await freePort();
  const env = stackEnv({ ownerUrl: options.ownerUrl, port, production: options.production });
  const { tenantId, publishableKey } = await migrateAndSeed(env);
  const apiUrl = `http://127.0.0.1:${port}`;
  const api = new ProductProcess('api', API_ENTRY, env);
  const worker = new ProductProcess('sequencer', SEQUENCER_ENTRY, env);
  const owner = new Client({ connectionString: options.ownerUrl });
  const client = new WidgetClient(apiUrl, publishableKey, BENCH_ORIGIN, options.concurrency);
  const problems: string[] = [];
  const attempts: Attempt[] = [];
  let workerKills = 0;
  try {
    await owner.connect();
    api.start();
    worker.start();
    await api.waitReady(`${apiUrl}/ready`);
    const config = await client.config();
    const submit = submitter(
      client,
      config,
      options.seed ?? 20261122,
      `crash${Date.now().toString(36)}`,
    );

    for (let round = 1; round <= options.kills; round++) {
      let stopping = false;
      const load = closedLoop(
        submit,
        options.concurrency,
        () => stopping,
        (a) => attempts.push(a),
      );
      const [lo, hi] = options.killAfterMs;
      await sleep(lo + random() * (hi - lo));
      // No new submits from here: the ones in flight are those the kill cuts off.
      stopping = true;
      await api.kill();
      const killWorker = options.killWorkerEvery ? round % options.killWorkerEvery === 0 : false;
      if (killWorker) {
        await worker.kill();
        workerKills++;
      }
      const stats = await load;
      log(
        `round ${round}/${options.kills}: API SIGKILLed${killWorker ? ' (and the worker)' : ''} after ${stats.ok} acknowledged, ${stats.errors} unanswered; restarting`,
      );
      api.start();
      if (killWorker) worker.start();
      await api.waitReady(`${apiUrl}/ready`);
    }

    // What the kills left behind, before anyone retries.
    const orphans = await subscriptionsWithoutAcceptance(owner, tenantId);
    // A subscription commits in its acceptance's transaction: a kill leaves both or neither.
    for (const key of orphans)
      problems.push(`half-made: a kill left the subscription for ${key} without its acceptance`);
    const ackd = attempts.filter(accepted);
    const unanswered = attempts.filter((a) => a.result.status === 0);
    for (const a of attempts.filter((x) => !accepted(x) && x.result.status !== 0))
      problems.push(
        `submit ${a.key} answered ${a.result.status} ${JSON.stringify(a.result.body).slice(0, 200)}`,
      );
    const before = await acceptanceIdsByKey(
      owner,
      tenantId,
      unanswered.map((a) => a.key),
    );

    // The widget retries an unanswered submit with the same key: exactly one acceptance.
    let retriedOk = 0;
    let committedButUnanswered = 0;
    for (const a of unanswered) {
      const retry = await client.submit(a.body, a.key, a.ip);
      const id = retry.body?.['acceptanceId'];
      if (retry.status !== 201 || typeof id !== 'string') {
        problems.push(
          `retry of ${a.key} answered ${retry.status} ${retry.error ?? JSON.stringify(retry.body).slice(0, 200)}`,
        );
        continue;
      }
      retriedOk++;
      const earlier = before.get(a.key);
      if (earlier) {
        committedButUnanswered++;
        if (earlier[0] !== id)
          problems.push(`retry of ${a.key} made ${id}, but ${earlier[0]} had committed`);
      }
    }
    // Replaying acknowledged submits returns the acceptance already acknowledged.
    const replay = ackd.filter((_, i) => i % Math.max(1, Math.floor(ackd.length / 20)) === 0);
    for (const a of replay) {
      const again = await client.submit(a.body, a.key, a.ip);
      if (again.body?.['acceptanceId'] !== a.result.body?.['acceptanceId'])
        problems.push(
          `replay of ${a.key} answered ${again.status} ${JSON.stringify(again.body).slice(0, 120)}, not its acknowledged acceptance`,
        );
    }
    const allKeys = attempts.map((a) => a.key);
    const byKey = await acceptanceIdsByKey(owner, tenantId, allKeys);
    for (const key of allKeys) {
      const ids = byKey.get(key) ?? [];
      if (ids.length !== 1) problems.push(`key ${key} has ${ids.length} acceptances`);
    }

    problems.push(
      ...(await missingAcknowledged(
        owner,
        ackd.map((a) => ({ key: a.key, acceptanceId: String(a.result.body!['acceptanceId']) })),
      )),
    );
    problems.push(...(await halfMadeAcceptances(owner, tenantId)));
    for (const key of await subscriptionsWithoutAcceptance(owner, tenantId))
      problems.push(`subscription for ${key} has no acceptance after its retry`);

    if (!worker.running) worker.start();
    const sequenced = await waitForSequenced(owner, tenantId, options.sequenceTimeoutMs ?? 60_000);
    if (!sequenced.caughtUp)
      problems.push(
        `the log did not catch up: ${sequenced.state.leaves} leaves, head ${sequenced.state.treeSize}, ${sequenced.state.acceptances} acceptances`,
      );
    const verified = await verifyLog(owner, tenantId, await publishedLogKeys(apiUrl));
    problems.push(...verified.problems);
    return {
      kills: options.kills,
      workerKills,
      attempts: attempts.length,
      acknowledged: ackd.length,
      unanswered: unanswered.length,
      committedButUnanswered,
      orphanSubscriptionsBeforeRetry: orphans.length,
      retriedOk,
      replayedAcknowledged: replay.length,
      acceptances: sequenced.state.acceptances,
      logLeaves: verified.leaves,
      treeHeads: verified.treeHeads,
      sequencedInMs: sequenced.ms,
      problems,
    };
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- api output ---\n${api.tail()}\n--- worker output ---\n${worker.tail()}`,
    );
  } finally {
    client.close();
    await Promise.all([api.stop(), worker.stop()]);
    removeDataDir(env);
    await owner.end().catch(() => undefined);
  }
}
