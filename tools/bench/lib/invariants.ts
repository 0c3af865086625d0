/**
 * What "nothing accepted is lost" means, checked from the database as its owner (not
 * through the API under test): acknowledged acceptances exist, none is half-made, and the
 * tenant's Merkle log verifies end to end against the published key.
 */
import type { Client } from 'pg';
import {
  consistencyProof,
  leafHash,
  rootFromLeafHashes,
  toHex,
  treeHeadSignatureProblem,
  verifyConsistency,
  type SignedTreeHead,
} from '@aftale/evidence';
import { CUSTOMER_COPY_QUEUE } from '../../../libs/server/src/queue/queues';

export interface Acknowledged {
  key: string;
  acceptanceId: string;
}

/** Every acknowledged acceptance is stored under its idempotency key. */
export async function missingAcknowledged(
  owner: Client,
  acknowledged: readonly Acknowledged[],
): Promise<string[]> {
  const rows: Array<{ id: string; idempotency_key: string }> = (
    await owner.query('SELECT id, idempotency_key FROM acceptances WHERE id = ANY($1::uuid[])', [
      acknowledged.map((a) => a.acceptanceId),
    ])
  ).rows;
  const stored = new Map(rows.map((r) => [r.id, r.idempotency_key]));
  const problems: string[] = [];
  for (const a of acknowledged) {
    const key = stored.get(a.acceptanceId);
    if (key === undefined)
      problems.push(`acknowledged acceptance ${a.acceptanceId} (key ${a.key}) is missing`);
    else if (key !== a.key)
      problems.push(`acceptance ${a.acceptanceId} has key ${key}, acknowledged for ${a.key}`);
  }
  return problems;
}

/**
 * No half-made acceptance: each one has intact evidence (hash of the canonical JSON it
 * stores, its own idempotency key inside), exactly the documents its evidence names with
 * the hashes it names, its subscription, its audit event and its customer-copy job, all
 * of which commit in its transaction.
 */
export async function halfMadeAcceptances(owner: Client, tenantId: string): Promise<string[]> {
  const rows: Array<{
    id: string;
    idempotency_key: string;
    evidence_json: string;
    evidence_sha256: string;
    evidence_real: string;
    subscription_ok: boolean;
    audited: boolean;
    copy_queued: boolean;
    docs: Array<{ kind: string; versionId: string; sha: string; real: string }> | null;
  }> = (
    await owner.query(
      `SELECT a.id, a.idempotency_key, a.evidence_json, a.evidence_sha256,
              encode(sha256(convert_to(a.evidence_json, 'UTF8')), 'hex') AS evidence_real,
              EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = a.subscription_id) AS subscription_ok,
              EXISTS (SELECT 1 FROM audit_events e WHERE e.tenant_id = a.tenant_id
                       AND e.action = 'acceptance.created' AND e.target_id = a.id::text) AS audited,
              EXISTS (SELECT 1 FROM job_queue j WHERE j.tenant_id = a.tenant_id AND j.queue = $2
                       AND j.payload ->> 'acceptanceId' = a.id::text) AS copy_queued,
              (SELECT json_agg(json_build_object('kind', d.kind, 'versionId', d.version_id,
                        'sha', d.html_sha256, 'real', encode(sha256(convert_to(d.html, 'UTF8')), 'hex')))
                 FROM acceptance_documents d WHERE d.acceptance_id = a.id) AS docs
         FROM acceptances a WHERE a.tenant_id = $1`,
      [tenantId, CUSTOMER_COPY_QUEUE],
    )
  ).rows;
  const problems: string[] = [];
  for (const r of rows) {
    const bad = (what: string) =>
      problems.push(`acceptance ${r.id} (key ${r.idempotency_key}): ${what}`);
    if (r.evidence_sha256 !== r.evidence_real) bad('evidence_sha256 does not match its evidence');
    let evidence: {
      idempotencyKey?: string;
      documents?: Array<{ kind: string; sha256: string; versionId: string }>;
    } = {};
    try {
      evidence = JSON.parse(r.evidence_json) as typeof evidence;
    } catch {
      bad('evidence is not JSON');
    }
    if (evidence.idempotencyKey !== r.idempotency_key)
      bad('evidence names another idempotency key');
    const named = [...(evidence.documents ?? [])].sort((a, b) => a.kind.localeCompare(b.kind));
    const stored = [...(r.docs ?? [])].sort((a, b) => a.kind.localeCompare(b.kind));
    if (named.length === 0) bad('evidence names no documents');
    if (named.map((d) => d.kind).join() !== stored.map((d) => d.kind).join())
      bad(
        `documents ${stored.map((d) => d.kind).join() || 'none'} stored, evidence names ${named.map((d) => d.kind).join()}`,
      );
    for (const d of stored) {
      const n = named.find((x) => x.kind === d.kind);
      if (d.sha !== d.real) bad(`${d.kind}: html_sha256 does not match the stored HTML`);
      if (n && (n.sha256 !== d.real || n.versionId !== d.versionId))
        bad(`${d.kind}: stored document differs from the one the evidence names`);
    }
    if (!r.subscription_ok) bad('no subscription');
    if (!r.audited) bad('no acceptance.created audit event');
    if (!r.copy_queued) bad('no customer-copy job');
  }
  return problems;
}

/** Subscriptions a widget submit created whose acceptance never committed (keys `acc:…`). */
export async function subscriptionsWithoutAcceptance(
  owner: Client,
  tenantId: string,
): Promise<string[]> {
  const rows: Array<{ idempotency_key: string }> = (
    await owner.query(
      `SELECT s.idempotency_key FROM subscriptions s
        WHERE s.tenant_id = $1 AND s.idempotency_key LIKE 'acc:%'
          AND NOT EXISTS (SELECT 1 FROM acceptances a WHERE a.tenant_id = s.tenant_id
                           AND 'acc:' || a.idempotency_key = s.idempotency_key)`,
      [tenantId],
    )
  ).rows;
  return rows.map((r) => r.idempotency_key.slice('acc:'.length));
}

export async function acceptanceIdsByKey(
  owner: Client,
  tenantId: string,
  keys: readonly string[],
): Promise<Map<string, string[]>> {
  const rows: Array<{ id: string; idempotency_key: string }> = (
    await owner.query(
      'SELECT id, idempotency_key FROM acceptances WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])',
      [tenantId, keys],
    )
  ).rows;
  const byKey = new Map<string, string[]>();
  for (const r of rows)
    byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r.id]);
  return byKey;
}

export interface LogState {
  acceptances: number;
  leaves: number;
  treeSize: number;
}

export async function logState(owner: Client, tenantId: string): Promise<LogState> {
  const row = (
    await owner.query(
      `SELECT (SELECT count(*) FROM acceptances WHERE tenant_id = $1)::int AS acceptances,
              (SELECT count(*) FROM evidence_log WHERE tenant_id = $1)::int AS leaves,
              coalesce((SELECT max(tree_size) FROM tree_heads WHERE tenant_id = $1), 0)::int AS tree_size`,
      [tenantId],
    )
  ).rows[0] as { acceptances: number; leaves: number; tree_size: number };
  return { acceptances: row.acceptances, leaves: row.leaves, treeSize: row.tree_size };
}

/** Waits until every acceptance is a leaf and a signed head covers them all; ms taken. */
export async function waitForSequenced(
  owner: Client,
  tenantId: string,
  timeoutMs: number,
): Promise<{ ms: number; state: LogState; caughtUp: boolean }> {
  const started = performance.now();
  for (;;) {
    const state = await logState(owner, tenantId);
    const caughtUp = state.leaves === state.acceptances && state.treeSize === state.acceptances;
    const ms = performance.now() - started;
    if (caughtUp || ms > timeoutMs) return { ms: Math.round(ms), state, caughtUp };
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface LogVerification {
  leaves: number;
  treeHeads: number;
  problems: string[];
}

/**
 * The log end to end: leaves 0..n-1, each acceptance exactly once with the RFC 6962 hash
 * of its stored evidence; every stored tree head signed by a published key, naming the
 * root recomputed from the leaves; each head consistent with the one before it; and the
 * latest head covering every acceptance.
 */
export async function verifyLog(
  owner: Client,
  tenantId: string,
  publishedKeys: ReadonlyArray<{ keyId: string; publicKeyPem: string }>,
): Promise<LogVerification> {
  const problems: string[] = [];
  const leaves: Array<{
    leaf_index: string;
    acceptance_id: string;
    leaf_hash: string;
    evidence_json: string | null;
  }> = (
    await owner.query(
      `SELECT l.leaf_index, l.acceptance_id, l.leaf_hash, a.evidence_json
         FROM evidence_log l LEFT JOIN acceptances a ON a.id = l.acceptance_id
        WHERE l.tenant_id = $1 ORDER BY l.leaf_index`,
      [tenantId],
    )
  ).rows;
  const hashes: Uint8Array[] = [];
  const seen = new Set<string>();
  leaves.forEach((leaf, i) => {
    if (Number(leaf.leaf_index) !== i)
      problems.push(`leaf ${i} is missing (next is ${leaf.leaf_index})`);
    if (seen.has(leaf.acceptance_id))
      problems.push(`acceptance ${leaf.acceptance_id} is in the log twice`);
    seen.add(leaf.acceptance_id);
    if (leaf.evidence_json === null) {
      problems.push(`leaf ${i} names acceptance ${leaf.acceptance_id}, which does not exist`);
      hashes.push(Buffer.from(leaf.leaf_hash, 'hex'));
      return;
    }
    const expected = leafHash(Buffer.from(leaf.evidence_json, 'utf8'));
    if (toHex(expected) !== leaf.leaf_hash)
      problems.push(`leaf ${i}: hash is not that of its evidence`);
    hashes.push(expected);
  });
  const unsequenced: Array<{ id: string }> = (
    await owner.query(
      `SELECT a.id FROM acceptances a WHERE a.tenant_id = $1
          AND NOT EXISTS (SELECT 1 FROM evidence_log l WHERE l.acceptance_id = a.id)`,
      [tenantId],
    )
  ).rows;
  for (const u of unsequenced.slice(0, 10)) problems.push(`acceptance ${u.id} is not in the log`);
  if (unsequenced.length > 10) problems.push(`…and ${unsequenced.length - 10} more not in the log`);

  const heads: Array<{ tree_size: string; root_hash: string; signed: SignedTreeHead }> = (
    await owner.query(
      'SELECT tree_size, root_hash, signed FROM tree_heads WHERE tenant_id = $1 ORDER BY tree_size',
      [tenantId],
    )
  ).rows;
  // Complete subtrees never change: memoising them makes each head's root O(log n).
  const cache = new Map<string, Uint8Array>();
  let previous: { size: number; root: string } | null = null;
  for (const row of heads) {
    const head = row.signed;
    const size = Number(row.tree_size);
    const label = `tree head of size ${size}`;
    if (head.treeSize !== size || head.rootHash !== row.root_hash || head.logId !== tenantId)
      problems.push(`${label}: signed body differs from its row`);
    const key = publishedKeys.find((k) => k.keyId === head.keyId);
    const signatureProblem = key
      ? treeHeadSignatureProblem(head, key.publicKeyPem)
      : `signed by ${head.keyId}, which is not a published key`;
    if (signatureProblem) problems.push(`${label}: ${signatureProblem}`);
    if (size > hashes.length) {
      problems.push(`${label}: larger than the log (${hashes.length} leaves)`);
      continue;
    }
    const root = toHex(rootFromLeafHashes(hashes, size, cache));
    if (root !== head.rootHash)
      problems.push(`${label}: root is not the root of the first ${size} leaves`);
    if (previous) {
      const proof = consistencyProof(previous.size, size, hashes, cache);
      if (!verifyConsistency(previous.size, size, proof, previous.root, head.rootHash))
        problems.push(`${label}: not consistent with the head of size ${previous.size}`);
    }
    previous = { size, root: head.rootHash };
  }
  if (!previous) {
    if (leaves.length > 0) problems.push('no signed tree head');
  } else if (previous.size !== leaves.length) {
    problems.push(`latest tree head covers ${previous.size} of ${leaves.length} leaves`);
  }
  return { leaves: leaves.length, treeHeads: heads.length, problems };
}

/** The tree-head keys the API publishes at /.well-known/aftale-log-keys.json. */
export async function publishedLogKeys(
  apiUrl: string,
): Promise<Array<{ keyId: string; publicKeyPem: string }>> {
  const res = await fetch(`${apiUrl}/.well-known/aftale-log-keys.json`);
  if (!res.ok) throw new Error(`published keys: HTTP ${res.status}`);
  return ((await res.json()) as { keys: Array<{ keyId: string; publicKeyPem: string }> }).keys;
}
