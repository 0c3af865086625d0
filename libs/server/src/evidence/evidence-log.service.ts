import type { EntityManager } from 'typeorm';
import { AftaleError } from '@aftale/domain';
import {
  MerkleProver,
  leafHash,
  signTreeHead,
  type SignedTreeHead,
  type SubtreeCache,
} from '@aftale/evidence';
import type { Database, TenantContext } from '../tenancy/database';
import type { LogSigningKey } from './signing-key';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
/** Most acceptances integrated per sequencer transaction. */
const BATCH = 5000;

export interface ConsistencyProofResult {
  firstSize: number;
  secondSize: number;
  /** RFC 9162 §2.1.4 proof that the tree of secondSize extends the tree of firstSize. */
  path: string[];
  /** The signed heads at those sizes, when the sequencer signed one (it signs per batch). */
  firstTreeHead: SignedTreeHead | null;
  secondTreeHead: SignedTreeHead | null;
}

export interface InclusionProofResult {
  leafIndex: number;
  leafHash: string;
  auditPath: string[];
  treeHead: SignedTreeHead;
}

/**
 * The per-tenant Merkle log. The sequencer appends acceptances in (created_at, id) order
 * and signs a tree head; a per-tenant advisory lock keeps one sequencer active per tenant
 * however many workers run. Acceptances never wait for it: they are durable first.
 */
export class EvidenceLogService {
  /**
   * Per tenant, hashes of complete subtrees of its log. Leaves are append-only, so such a
   * hash never changes: with it, a batch reads and hashes only the leaves it adds plus
   * O(log n) cached nodes, instead of the whole log every time (which cost ~0.2 s of CPU
   * per batch at 10,000 leaves and grew with the log). Filled only after a batch commits.
   */
  private readonly subtrees = new Map<string, Map<string, Uint8Array>>();

  private cacheOf(ctx: TenantContext): Map<string, Uint8Array> {
    let cache = this.subtrees.get(ctx.tenantId);
    if (!cache) this.subtrees.set(ctx.tenantId, (cache = new Map()));
    return cache;
  }

  /**
   * Proofs over committed leaves, sharing the tenant's subtree cache with the sequencer:
   * a proof reads O(log n) stored ranges, not the whole log. What it caches is final, as
   * the leaves it reads are committed and never change.
   */
  private committedProver(em: EntityManager, ctx: TenantContext): MerkleProver {
    return new MerkleProver(
      { leafHashes: (from, to) => this.leafRange(em, from, to) },
      { cache: this.cacheOf(ctx) },
    );
  }

  constructor(
    private readonly db: Database,
    private readonly key: LogSigningKey,
  ) {}

  /** Integrates pending acceptances; returns how many. Safe to run concurrently. */
  async sequence(ctx: TenantContext, now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const cache = this.cacheOf(ctx);
      // A rolled-back batch must leave nothing behind: its hashes are kept aside until commit.
      const fresh = new Map<string, Uint8Array>();
      const overlay: SubtreeCache = {
        get: (k) => fresh.get(k) ?? cache.get(k),
        set: (k, hash) => fresh.set(k, hash),
      };
      const added = await this.db.inTenant(ctx, (em) => this.sequenceBatch(em, ctx, now, overlay));
      for (const [k, hash] of fresh) cache.set(k, hash);
      total += added;
      if (added < BATCH) return total;
    }
  }

  private async sequenceBatch(
    em: EntityManager,
    ctx: TenantContext,
    now: Date,
    cache: SubtreeCache,
  ): Promise<number> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('aftale-sequencer:' || $1, 0))`, [
      ctx.tenantId,
    ]);
    const pending: Array<{ id: string; evidence_json: string }> = await em.query(
      `SELECT a.id, a.evidence_json FROM acceptances a
        WHERE NOT EXISTS (SELECT 1 FROM evidence_log l WHERE l.acceptance_id = a.id)
        ORDER BY a.created_at, a.id LIMIT $1`,
      [BATCH],
    );
    if (pending.length === 0) return 0;
    // Leaves are 0..n-1 with no gaps (appended only here, under the lock): n is max + 1.
    const size: Array<{ n: string }> = await em.query(
      'SELECT coalesce(max(leaf_index) + 1, 0) AS n FROM evidence_log',
    );
    const start = Number(size[0]?.n ?? 0);
    const added = pending.map((row) => leafHash(Buffer.from(row.evidence_json, 'utf8')));
    await em.query(
      `INSERT INTO evidence_log (tenant_id, leaf_index, acceptance_id, leaf_hash)
       SELECT $1, $2 + n - 1, a, h FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS t(a, h, n)`,
      [ctx.tenantId, start, pending.map((r) => r.id), added.map(hex)],
    );
    const treeSize = start + added.length;
    // The root from cached subtrees, the stored leaves they do not cover, and the new ones.
    const prover = new MerkleProver(
      {
        leafHashes: async (from, to) => [
          ...(from < start ? await this.leafRange(em, from, Math.min(to, start)) : []),
          ...added.slice(Math.max(from, start) - start, Math.max(to, start) - start),
        ],
      },
      { cache },
    );
    const head = signTreeHead(
      {
        logId: ctx.tenantId,
        treeSize,
        rootHash: hex(await prover.rootHash(treeSize)),
        timestamp: now.getTime(),
      },
      this.key.privateKeyPem,
      this.key.keyId,
    );
    await em.query(
      `INSERT INTO tree_heads (tenant_id, tree_size, root_hash, timestamp_ms, key_id, signature, signed) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        ctx.tenantId,
        head.treeSize,
        head.rootHash,
        head.timestamp,
        head.keyId,
        head.signature,
        JSON.stringify(head),
      ],
    );
    return pending.length;
  }

  /**
   * The sequencer's safety net, run by every worker every few seconds: sequences each tenant
   * that has acceptances outside the log, directly rather than through the queue. The
   * per-tenant advisory lock keeps it in line with the jobs, and a job left "running" by a
   * worker that died (locked for minutes) cannot hold the log back. Returns how many.
   */
  async sweep(): Promise<number> {
    const rows: Array<{ tenant_id: string }> = await this.db.inPlatform((em) =>
      em.query('SELECT aftale_tenants_with_unsequenced_acceptances() AS tenant_id'),
    );
    let added = 0;
    // Each tenant in its own transaction, after the platform one has ended.
    for (const row of rows) added += await this.sequence({ tenantId: row.tenant_id });
    return added;
  }

  async latestTreeHead(ctx: TenantContext): Promise<SignedTreeHead | null> {
    const rows: Array<{ signed: SignedTreeHead }> = await this.db.inTenant(ctx, (em) =>
      em.query('SELECT signed FROM tree_heads ORDER BY tree_size DESC LIMIT 1'),
    );
    return rows[0]?.signed ?? null;
  }

  async treeHeads(ctx: TenantContext, limit = 20): Promise<SignedTreeHead[]> {
    const rows: Array<{ signed: SignedTreeHead }> = await this.db.inTenant(ctx, (em) =>
      em.query('SELECT signed FROM tree_heads ORDER BY tree_size DESC LIMIT $1', [
        Math.min(Math.max(limit, 1), 200),
      ]),
    );
    return rows.map((r) => r.signed);
  }

  /** The audit path of an acceptance against the latest signed tree head. */
  async inclusionProof(ctx: TenantContext, acceptanceId: string): Promise<InclusionProofResult> {
    return this.db.inTenant(ctx, async (em) => {
      const leaf: Array<{ leaf_index: string; leaf_hash: string }> = await em.query(
        'SELECT leaf_index, leaf_hash FROM evidence_log WHERE acceptance_id = $1',
        [acceptanceId],
      );
      const entry = leaf[0];
      if (!entry)
        throw new AftaleError(
          'NOT_FOUND',
          'The acceptance is not in the log yet; the sequencer adds it within seconds.',
        );
      const heads: Array<{ signed: SignedTreeHead }> = await em.query(
        'SELECT signed FROM tree_heads ORDER BY tree_size DESC LIMIT 1',
      );
      const head = heads[0]!.signed;
      const index = Number(entry.leaf_index);
      const auditPath = await this.committedProver(em, ctx).inclusionProof(index, head.treeSize);
      return {
        leafIndex: index,
        leafHash: entry.leaf_hash,
        auditPath: auditPath.map(hex),
        treeHead: head,
      };
    });
  }

  /**
   * Proof that the log at `secondSize` (default: the latest signed head) is an append-only
   * extension of the log at `firstSize`: what an auditor holding an older head asks for.
   */
  async consistencyProof(
    ctx: TenantContext,
    firstSize: number,
    secondSize?: number,
  ): Promise<ConsistencyProofResult> {
    return this.db.inTenant(ctx, async (em) => {
      const latest: Array<{ tree_size: string }> = await em.query(
        'SELECT tree_size FROM tree_heads ORDER BY tree_size DESC LIMIT 1',
      );
      const logSize = Number(latest[0]?.tree_size ?? 0);
      const second = secondSize ?? logSize;
      const problems = [];
      if (!Number.isSafeInteger(firstSize) || firstSize < 0)
        problems.push({ field: 'firstSize', message: 'must be a whole number of 0 or more' });
      if (!Number.isSafeInteger(second) || second < 0 || second > logSize)
        problems.push({
          field: 'secondSize',
          message: `must be a whole number from 0 to the signed log size, ${logSize}`,
        });
      else if (firstSize > second)
        problems.push({
          field: 'firstSize',
          message: `must not exceed secondSize (${second})`,
        });
      if (problems.length) throw AftaleError.badInput(problems);
      const path = await this.committedProver(em, ctx).consistencyProof(firstSize, second);
      const heads: Array<{ signed: SignedTreeHead }> = await em.query(
        'SELECT signed FROM tree_heads WHERE tree_size = ANY($1::bigint[])',
        [[firstSize, second]],
      );
      const headOf = (size: number) =>
        heads.find((h) => h.signed.treeSize === size)?.signed ?? null;
      return {
        firstSize,
        secondSize: second,
        path: path.map(hex),
        firstTreeHead: headOf(firstSize),
        secondTreeHead: headOf(second),
      };
    });
  }

  publicKeys(): Array<{ keyId: string; publicKeyPem: string }> {
    return [{ keyId: this.key.keyId, publicKeyPem: this.key.publicKeyPem }];
  }

  get signingKey(): LogSigningKey {
    return this.key;
  }

  /** The stored leaf hashes at indices [from, to). */
  private async leafRange(em: EntityManager, from: number, to: number): Promise<Uint8Array[]> {
    const rows: Array<{ leaf_hash: string }> = await em.query(
      'SELECT leaf_hash FROM evidence_log WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index',
      [from, to],
    );
    return rows.map((r) => fromHex(r.leaf_hash));
  }
}
