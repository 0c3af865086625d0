/**
 * The append-only Merkle log of RFC 6962 §2.1 / RFC 9162 §2.1: tree hashes, audit paths,
 * consistency proofs, and their verifiers. Interoperable on purpose: a proof made here
 * checks with any CT-style verifier, and the verifiers follow RFC 9162 step by step so an
 * auditor can compare them with the text.
 *
 * Sizes and indices are plain numbers (safe integers) and the bit arithmetic is done with
 * division, not `>>`, so nothing wraps at 2^31.
 */
import { createHash } from 'node:crypto';
import { bytesEqual, fromHex, toBytes } from './hash';

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(createHash('sha256').digest());

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** A hash given as bytes or as lowercase hex. */
export type HashLike = Uint8Array | string;

/** Leaf hash: SHA-256(0x00 || leaf). A string leaf is hashed as its UTF-8 bytes. */
export function leafHash(leaf: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(toBytes(leaf)).digest());
}

/** Interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest(),
  );
}

/** MTH(D[n]) over raw leaf data (RFC 6962 §2.1). */
export function treeHash(leaves: readonly (Uint8Array | string)[]): Uint8Array {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/** MTH of the first `treeSize` leaves, given their leaf hashes. */
export function rootFromLeafHashes(
  leafHashes: readonly Uint8Array[],
  treeSize: number = leafHashes.length,
  cache?: SubtreeCache,
): Uint8Array {
  assertSize(treeSize, leafHashes.length, 'treeSize');
  return rangeHash(leafHashes, 0, 0, treeSize, cache, 1);
}

/** Is n an exact power of two (n ≥ 1)? */
export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** The largest power of two strictly less than n (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A half-open range of leaf indices [start, end) whose MTH is one proof element. */
export type LeafRange = readonly [start: number, end: number];

/**
 * The subtrees whose hashes make up PATH(index, D[treeSize]), leaf to root (RFC 6962
 * §2.1.1). Pure index arithmetic, so a server can fetch exactly these ranges.
 */
export function inclusionProofRanges(index: number, treeSize: number): LeafRange[] {
  assertIndex(index, treeSize);
  const ranges: LeafRange[] = [];
  // Descend from the root; each step records the sibling, so reverse at the end.
  let start = 0;
  let end = treeSize;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees whose hashes make up PROOF(m, D[n]) (RFC 6962 §2.1.2, SUBPROOF). Empty when
 * m = 0 or m = n: there is nothing to prove.
 */
export function consistencyProofRanges(m: number, n: number): LeafRange[] {
  assertConsistencySizes(m, n);
  if (m === 0 || m === n) return [];
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let b = true;
  // SUBPROOF(m, D[start:end], b), unrolled; like PATH the recursion appends on the way out.
  for (;;) {
    const size = end - start;
    if (m === size) {
      if (!b) ranges.push([start, end]);
      break;
    }
    const k = splitPoint(size);
    if (m <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
      b = false;
    }
  }
  return ranges.reverse();
}

/** Audit path for the leaf at `index` in the tree of the first `treeSize` leaf hashes. */
export function inclusionProof(
  index: number,
  treeSize: number,
  leafHashes: readonly Uint8Array[],
  cache?: SubtreeCache,
): Uint8Array[] {
  assertSize(treeSize, leafHashes.length, 'treeSize');
  return inclusionProofRanges(index, treeSize).map(([s, e]) =>
    rangeHash(leafHashes, 0, s, e, cache, 1),
  );
}

/** Consistency proof between the trees of the first m and the first n leaf hashes. */
export function consistencyProof(
  m: number,
  n: number,
  leafHashes: readonly Uint8Array[],
  cache?: SubtreeCache,
): Uint8Array[] {
  assertSize(n, leafHashes.length, 'n');
  return consistencyProofRanges(m, n).map(([s, e]) => rangeHash(leafHashes, 0, s, e, cache, 1));
}

// ---------------------------------------------------------------------------------------
// Proofs from stored leaf hashes (a database), with memoised complete subtrees.

/** Where a server keeps its leaf hashes. */
export interface LeafHashSource {
  /** The leaf hashes at indices [start, end), in order. Never asked past a size it was given. */
  leafHashes(start: number, end: number): Promise<readonly Uint8Array[]> | readonly Uint8Array[];
}

/**
 * Hashes of complete (power-of-two) subtrees, keyed `${start}+${size}`. Such a subtree never
 * changes once its leaves exist, so entries stay valid as the log grows. A `Map` will do;
 * one cache per log, never shared between logs.
 */
export interface SubtreeCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, hash: Uint8Array): unknown;
}

export interface MerkleProverOptions {
  cache?: SubtreeCache;
  /** Smallest complete subtree worth caching (default 256 leaves: ~1/128 of n entries). */
  minCachedSize?: number;
  /** Most leaf hashes fetched in one call (default 65 536, ~2 MB). */
  chunkSize?: number;
}

/**
 * Tree hashes and proofs over a {@link LeafHashSource}. Each proof element is the MTH of a
 * leaf range; a range is fetched in chunks and hashed in memory, and complete subtrees are
 * cached, so repeated proofs over a ~100k-leaf log read few leaves after the first.
 */
export class MerkleProver {
  private readonly cache: SubtreeCache;
  private readonly minCachedSize: number;
  private readonly chunkSize: number;

  constructor(
    private readonly source: LeafHashSource,
    options: MerkleProverOptions = {},
  ) {
    this.cache = options.cache ?? new Map<string, Uint8Array>();
    this.minCachedSize = Math.max(1, options.minCachedSize ?? 256);
    this.chunkSize = Math.max(1, options.chunkSize ?? 65_536);
  }

  async rootHash(treeSize: number): Promise<Uint8Array> {
    assertSize(treeSize, Number.MAX_SAFE_INTEGER, 'treeSize');
    return this.subtreeHash(0, treeSize);
  }

  async inclusionProof(index: number, treeSize: number): Promise<Uint8Array[]> {
    const ranges = inclusionProofRanges(index, treeSize);
    const out: Uint8Array[] = [];
    for (const [s, e] of ranges) out.push(await this.subtreeHash(s, e));
    return out;
  }

  async consistencyProof(m: number, n: number): Promise<Uint8Array[]> {
    const ranges = consistencyProofRanges(m, n);
    const out: Uint8Array[] = [];
    for (const [s, e] of ranges) out.push(await this.subtreeHash(s, e));
    return out;
  }

  /** MTH(D[start:end]). */
  async subtreeHash(start: number, end: number): Promise<Uint8Array> {
    const size = end - start;
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`bad leaf range [${start}, ${end})`);
    }
    if (size === 0) return EMPTY_ROOT;
    const key = isPowerOfTwo(size) && size >= this.minCachedSize ? `${start}+${size}` : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached) return cached;
    let hash: Uint8Array;
    // One read for a cold range; split instead when parts are already cached (e.g. the
    // complete subtrees of a ragged right edge), so a warm log reads only what is new.
    if (size <= this.chunkSize && !this.anyCachedWithin(start, end)) {
      const leaves = await this.source.leafHashes(start, end);
      if (leaves.length !== size || leaves.some((h) => h.length !== HASH_SIZE)) {
        throw new Error(`leaf source returned a bad answer for [${start}, ${end})`);
      }
      hash = rangeHash(leaves, start, start, end, this.cache, this.minCachedSize);
    } else {
      const k = splitPoint(size);
      hash = nodeHash(
        await this.subtreeHash(start, start + k),
        await this.subtreeHash(start + k, end),
      );
    }
    if (key !== undefined) this.cache.set(key, hash);
    return hash;
  }

  /** Is any cacheable complete subtree strictly inside MTH(D[start:end]) cached? */
  private anyCachedWithin(start: number, end: number): boolean {
    const size = end - start;
    if (size <= this.minCachedSize) return false;
    const k = splitPoint(size);
    const within = (s: number, e: number): boolean =>
      (e - s >= this.minCachedSize &&
        isPowerOfTwo(e - s) &&
        this.cache.get(`${s}+${e - s}`) !== undefined) ||
      this.anyCachedWithin(s, e);
    return within(start, start + k) || within(start + k, end);
  }
}

/**
 * MTH(D[start:end]) from in-memory leaf hashes, where leafHashes[i - offset] is leaf i.
 * Recursion depth is log2(size).
 */
function rangeHash(
  leafHashes: readonly Uint8Array[],
  offset: number,
  start: number,
  end: number,
  cache: SubtreeCache | undefined,
  minCachedSize: number,
): Uint8Array {
  const size = end - start;
  if (size === 0) return EMPTY_ROOT;
  if (size === 1) {
    const leaf = leafHashes[start - offset];
    if (!leaf || leaf.length !== HASH_SIZE) throw new RangeError(`no leaf hash at ${start}`);
    return leaf;
  }
  const key = cache && size >= minCachedSize && isPowerOfTwo(size) ? `${start}+${size}` : undefined;
  const cached = key === undefined ? undefined : cache?.get(key);
  if (cached) return cached;
  const k = splitPoint(size);
  const hash = nodeHash(
    rangeHash(leafHashes, offset, start, start + k, cache, minCachedSize),
    rangeHash(leafHashes, offset, start + k, end, cache, minCachedSize),
  );
  if (key !== undefined) cache?.set(key, hash);
  return hash;
}

// ---------------------------------------------------------------------------------------
// Verifiers. They never throw: malformed input is simply not a valid proof.

function hashBytes(h: HashLike): Uint8Array | undefined {
  const bytes = typeof h === 'string' ? fromHex(h) : h instanceof Uint8Array ? h : undefined;
  return bytes && bytes.length === HASH_SIZE ? bytes : undefined;
}

function hashList(proof: readonly HashLike[]): Uint8Array[] | undefined {
  if (!Array.isArray(proof)) return undefined;
  const out: Uint8Array[] = [];
  for (const p of proof) {
    const bytes = hashBytes(p);
    if (!bytes) return undefined;
    out.push(bytes);
  }
  return out;
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const lsb = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: does `proof` show the leaf at `index` is in the tree with `rootHash`? */
export function verifyInclusion(
  leafHashValue: HashLike,
  index: number,
  treeSize: number,
  proof: readonly HashLike[],
  rootHash: HashLike,
): boolean {
  const leaf = hashBytes(leafHashValue);
  const root = hashBytes(rootHash);
  const path = hashList(proof);
  if (!leaf || !root || !path || !isCount(index) || !isCount(treeSize)) return false;
  // 1. leaf_index >= tree_size fails.
  if (index >= treeSize) return false;
  // 2.-3.
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  // 4.
  for (const p of path) {
    if (sn === 0) return false; // a.
    if (lsb(fn) || fn === sn) {
      // b.
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    // c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  return sn === 0 && bytesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of size n with `newRoot` an append-only extension of the
 * tree of size m with `oldRoot`? The RFC's algorithm covers 0 < m < n; for m = n (same tree)
 * and m = 0 (the empty tree, root SHA-256("")) the proof must be empty.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly HashLike[],
  oldRoot: HashLike,
  newRoot: HashLike,
): boolean {
  const firstHash = hashBytes(oldRoot);
  const secondHash = hashBytes(newRoot);
  const given = hashList(proof);
  if (!firstHash || !secondHash || !given || !isCount(m) || !isCount(n) || m > n) return false;
  if (m === n) return given.length === 0 && bytesEqual(firstHash, secondHash);
  if (m === 0) return given.length === 0 && bytesEqual(firstHash, EMPTY_ROOT);
  // 1.
  if (given.length === 0) return false;
  // 2.
  const path = isPowerOfTwo(m) ? [firstHash, ...given] : given;
  // 3.
  let fn = m - 1;
  let sn = n - 1;
  // 4.
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false; // a.
    if (lsb(fn) || fn === sn) {
      // b.
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  return bytesEqual(fr, firstHash) && bytesEqual(sr, secondHash) && sn === 0;
}

/**
 * Which side each audit-path element joins on, leaf to root, per the §2.1.3.2 walk: `left`
 * means HASH(0x01 || element || current). Lets the bundle README spell out hand checks.
 */
export function inclusionSides(
  index: number,
  treeSize: number,
  pathLength: number,
): ('left' | 'right')[] {
  let fn = index;
  let sn = treeSize - 1;
  const sides: ('left' | 'right')[] = [];
  for (let i = 0; i < pathLength && sn > 0; i++) {
    if (lsb(fn) || fn === sn) {
      sides.push('left');
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sides.push('right');
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sides;
}

// ---------------------------------------------------------------------------------------

function assertSize(size: number, available: number, name: string): void {
  if (!isCount(size)) throw new RangeError(`${name} must be a non-negative integer, got ${size}`);
  if (size > available) {
    throw new RangeError(`${name} ${size} exceeds the ${available} leaf hashes available`);
  }
}

function assertIndex(index: number, treeSize: number): void {
  assertSize(treeSize, Number.MAX_SAFE_INTEGER, 'treeSize');
  if (!isCount(index) || index >= treeSize) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${treeSize} leaves`);
  }
}

function assertConsistencySizes(m: number, n: number): void {
  assertSize(n, Number.MAX_SAFE_INTEGER, 'n');
  if (!isCount(m) || m > n) throw new RangeError(`old size ${m} must be between 0 and ${n}`);
}
