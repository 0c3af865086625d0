import { runCrashTest, type CrashReport } from '../../tools/bench/lib/crash';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The short crash test (tools/bench/crash.ts runs the long one): the API runs as a process
 * of its own and is SIGKILLed three times under load. Nothing acknowledged may be lost,
 * nothing half-made may remain, a retry with the same idempotency key yields exactly one
 * acceptance, and the evidence log verifies end to end. Behaviour only, never time.
 */
describe('crash recovery: the API killed (SIGKILL) under load', () => {
  let db: TestDatabase;
  let report: CrashReport;

  beforeAll(async () => {
    db = await createTestDatabase();
    // runCrashTest stops its API and worker processes itself, also when it throws.
    report = await runCrashTest({
      ownerUrl: db.ownerUrl,
      kills: 3,
      concurrency: 4,
      killAfterMs: [400, 1500],
      production: false,
      seed: 7,
    });
  }, 180_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('holds every invariant', () => {
    expect(report.problems).toEqual([]);
  });

  it('killed the API under load, cutting submits off', () => {
    expect(report.kills).toBe(3);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.unanswered).toBeGreaterThan(0);
  });

  it('answered every retried submit, with exactly one acceptance per key', () => {
    expect(report.retriedOk).toBe(report.unanswered);
    expect(report.acceptances).toBe(report.attempts);
  });

  it('sequenced every acceptance into the verified log', () => {
    expect(report.logLeaves).toBe(report.acceptances);
    expect(report.treeHeads).toBeGreaterThan(0);
  });
});
