import { createHash } from 'node:crypto';
import { toHex } from './hash';
import {
  consistencyProof,
  consistencyProofRanges,
  EMPTY_ROOT,
  inclusionProof,
  inclusionProofRanges,
  inclusionSides,
  leafHash,
  MerkleProver,
  nodeHash,
  rootFromLeafHashes,
  splitPoint,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// A reference written straight from RFC 6962 §2.1, recursion and all, to hold the
// implementation to.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function MTH(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Uint8Array.of(0), d[0]!);
  const s = k(d.length);
  return sha(Uint8Array.of(1), MTH(d.slice(0, s)), MTH(d.slice(s)));
}
function PATH(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s
    ? [...PATH(m, d.slice(0, s)), MTH(d.slice(s))]
    : [...PATH(m - s, d.slice(s)), MTH(d.slice(0, s))];
}
function SUBPROOF(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [MTH(d)];
  const s = k(d.length);
  return m <= s
    ? [...SUBPROOF(m, d.slice(0, s), b), MTH(d.slice(s))]
    : [...SUBPROOF(m - s, d.slice(s), false), MTH(d.slice(0, s))];
}

/** Which side each PATH element sits on, from the recursion (not from the verifier). */
function SIDES(m: number, n: number): string[] {
  if (n === 1) return [];
  const s = k(n);
  return m < s ? [...SIDES(m, s), 'right'] : [...SIDES(m - s, n - s), 'left'];
}
/** The shape of SUBPROOF(m, D[n], b): where each element comes from. */
function SHAPE(m: number, n: number, b: boolean): string[] {
  if (m === n) return b ? [] : ['self'];
  const s = k(n);
  return m <= s ? [...SHAPE(m, s, b), 'right'] : [...SHAPE(m - s, n - s, false), 'left'];
}

const hex = (list: Uint8Array[]) => list.map(toHex);
const data = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i, i >> 8, 0xab));

/** Every single-bit flip of every byte of every element, plus dropping or adding one. */
function tamperedProofs(proof: Uint8Array[]): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  proof.forEach((p, i) => {
    for (let b = 0; b < p.length; b++) {
      const copy = proof.map((x) => x.slice());
      copy[i]![b]! ^= 1 << (b % 8);
      out.push(copy);
    }
  });
  if (proof.length > 0) out.push(proof.slice(0, -1), proof.slice(1));
  out.push([...proof, EMPTY_ROOT], [EMPTY_ROOT, ...proof]);
  return out;
}

describe('RFC 6962 hashing', () => {
  // The Certificate Transparency reference leaves and roots (RFC 6962 test data, as published
  // with the CT and transparency-dev implementations).
  const CT = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ].map((h) => new Uint8Array(Buffer.from(h, 'hex')));
  const ROOTS = [
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const leaves = CT.map(leafHash);

  it('matches the reference root for every size 0..8', () => {
    for (let n = 0; n <= 8; n++) {
      expect(toHex(treeHash(CT.slice(0, n)))).toBe(ROOTS[n]);
      expect(toHex(rootFromLeafHashes(leaves, n))).toBe(ROOTS[n]);
    }
  });

  it('hashes the empty tree as SHA-256("") and prefixes leaves 0x00, nodes 0x01', () => {
    expect(toHex(EMPTY_ROOT)).toBe(ROOTS[0]);
    expect(toHex(leafHash(new Uint8Array()))).toBe(ROOTS[1]);
    expect(toHex(nodeHash(leaves[0]!, leaves[1]!))).toBe(ROOTS[2]);
    expect(leafHash('abc')).toEqual(leafHash(new TextEncoder().encode('abc')));
  });

  it('gives the reference audit paths and consistency proofs', () => {
    expect(hex(inclusionProof(0, 8, leaves))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(5, 8, leaves))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(2, 8, leaves))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(6, 8, leaves))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(2, 5, leaves))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expect(verifyConsistency(6, 8, consistencyProof(6, 8, leaves), ROOTS[6]!, ROOTS[8]!)).toBe(
      true,
    );
  });

  it('splits at the largest power of two below n', () => {
    const cases: [number, number][] = [
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 4],
      [8, 4],
      [9, 8],
      [1000, 512],
      [2 ** 40 + 1, 2 ** 40],
    ];
    for (const [n, want] of cases) expect(splitPoint(n)).toBe(want);
  });
});

describe('every proof in every tree of 1..20 leaves', () => {
  const MAX = 20;
  const all = data(MAX);
  const hashes = all.map(leafHash);
  const roots = Array.from({ length: MAX + 1 }, (_, n) => MTH(all.slice(0, n)));

  it('roots equal the RFC definition', () => {
    for (let n = 0; n <= MAX; n++) expect(rootFromLeafHashes(hashes, n)).toEqual(roots[n]);
  });

  it('inclusion proofs equal PATH, verify, and fail when anything is altered', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = roots[n]!;
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, hashes);
        expect(hex(proof)).toEqual(hex(PATH(m, all.slice(0, n))));
        expect(verifyInclusion(hashes[m]!, m, n, proof, root)).toBe(true);
        expect(verifyInclusion(toHex(hashes[m]!), m, n, hex(proof), toHex(root))).toBe(true);

        for (const bad of tamperedProofs(proof)) {
          expect(verifyInclusion(hashes[m]!, m, n, bad, root)).toBe(false);
        }
        for (let other = 0; other < n + 2; other++) {
          if (other !== m) expect(verifyInclusion(hashes[m]!, other, n, proof, root)).toBe(false);
        }
        // An audit path does not bind the tree size by itself: sizes whose PATH has the
        // same shape for this leaf (e.g. leaf 0 in any tree of 9..16) fold identically. The
        // signed tree head binds size and root together; everywhere else a size change fails.
        for (let size = 0; size <= MAX + 2; size++) {
          if (size === n) continue;
          const blind = size > m && SIDES(m, size).join() === SIDES(m, n).join();
          expect(verifyInclusion(hashes[m]!, m, size, proof, root)).toBe(blind);
          if (size <= MAX && size > 0 && size > m) {
            // Another size with its own root: a different tree, so the path cannot lead there.
            expect(verifyInclusion(hashes[m]!, m, size, proof, roots[size]!)).toBe(false);
          }
        }
        for (let r = 0; r <= MAX; r++) {
          if (r !== n) expect(verifyInclusion(hashes[m]!, m, n, proof, roots[r]!)).toBe(false);
        }
        expect(verifyInclusion(hashes[(m + 1) % MAX]!, m, n, proof, root)).toBe(false);
        const flippedRoot = root.slice();
        flippedRoot[m % 32]! ^= 0x80;
        expect(verifyInclusion(hashes[m]!, m, n, proof, flippedRoot)).toBe(false);
      }
    }
  });

  it('consistency proofs equal PROOF, verify, and fail when anything is altered', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(m, n, hashes);
        const expected = m === 0 || m === n ? [] : SUBPROOF(m, all.slice(0, n), true);
        expect(hex(proof)).toEqual(hex(expected));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
        expect(verifyConsistency(m, n, hex(proof), toHex(roots[m]!), toHex(roots[n]!))).toBe(true);

        for (const bad of tamperedProofs(proof)) {
          expect(verifyConsistency(m, n, bad, roots[m]!, roots[n]!)).toBe(false);
        }
        for (let other = 0; other <= MAX + 1; other++) {
          if (other !== m) {
            expect(verifyConsistency(other, n, proof, roots[m]!, roots[n]!)).toBe(false);
          }
          // As with audit paths, the new size is bound by the signed head, not the proof:
          // sizes with the same SUBPROOF shape fold identically. For m = 0 every tree
          // extends the empty one, so nothing about the new tree is checked at all.
          if (other !== n && m > 0) {
            const blind = other >= m && SHAPE(m, other, true).join() === SHAPE(m, n, true).join();
            expect(verifyConsistency(m, other, proof, roots[m]!, roots[n]!)).toBe(blind);
          }
          if (other !== m && other <= MAX && toHex(roots[other]!) !== toHex(roots[m]!)) {
            expect(verifyConsistency(m, n, proof, roots[other]!, roots[n]!)).toBe(false);
          }
          if (other !== n && other <= MAX && m > 0) {
            expect(verifyConsistency(m, n, proof, roots[m]!, roots[other]!)).toBe(false);
          }
        }
      }
    }
  });
});

describe('verifiers refuse malformed input without throwing', () => {
  const hashes = data(5).map(leafHash);
  const root = rootFromLeafHashes(hashes);
  const proof = inclusionProof(2, 5, hashes);

  it.each<[string, () => boolean]>([
    ['a short leaf hash', () => verifyInclusion(hashes[2]!.slice(1), 2, 5, proof, root)],
    ['uppercase hex', () => verifyInclusion(toHex(hashes[2]!).toUpperCase(), 2, 5, proof, root)],
    ['a long proof element', () => verifyInclusion(hashes[2]!, 2, 5, [new Uint8Array(33)], root)],
    ['a negative index', () => verifyInclusion(hashes[2]!, -1, 5, proof, root)],
    ['a fractional size', () => verifyInclusion(hashes[2]!, 2, 5.5, proof, root)],
    ['NaN', () => verifyInclusion(hashes[2]!, NaN, 5, proof, root)],
    ['size 0', () => verifyInclusion(hashes[2]!, 0, 0, [], EMPTY_ROOT)],
    ['a non-array proof', () => verifyInclusion(hashes[2]!, 2, 5, 'x' as never, root)],
    ['m > n', () => verifyConsistency(5, 3, [], root, root)],
    ['m = n with a proof', () => verifyConsistency(5, 5, [root], root, root)],
    ['m = n with different roots', () => verifyConsistency(5, 5, [], root, EMPTY_ROOT)],
    ['m = 0 with a non-empty old root', () => verifyConsistency(0, 5, [], root, root)],
    ['an empty proof for 0 < m < n', () => verifyConsistency(4, 5, [], root, root)],
  ])('%s', (_, run) => {
    expect(run()).toBe(false);
  });

  it('accepts the trivial consistency cases', () => {
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, root)).toBe(true);
    expect(verifyConsistency(5, 5, [], root, root)).toBe(true);
  });

  it('proof generators refuse out-of-range requests', () => {
    expect(() => inclusionProof(5, 5, hashes)).toThrow(RangeError);
    expect(() => inclusionProof(0, 6, hashes)).toThrow(RangeError);
    expect(() => consistencyProof(6, 5, hashes)).toThrow(RangeError);
    expect(() => inclusionProofRanges(0, 0)).toThrow(RangeError);
    expect(() => consistencyProofRanges(-1, 3)).toThrow(RangeError);
  });
});

describe('inclusionSides', () => {
  it('says on which side each path element joins, matching the verifier', () => {
    const hashes = data(11).map(leafHash);
    for (let n = 1; n <= 11; n++) {
      const root = rootFromLeafHashes(hashes, n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, hashes);
        const sides = inclusionSides(m, n, proof.length);
        const folded = proof.reduce(
          (h, p, i) => (sides[i] === 'left' ? nodeHash(p, h) : nodeHash(h, p)),
          hashes[m]!,
        );
        expect(folded).toEqual(root);
      }
    }
  });
});

describe('MerkleProver (proofs from stored leaf hashes)', () => {
  function source(hashes: Uint8Array[]) {
    const calls: [number, number][] = [];
    return {
      calls,
      leafHashes: async (start: number, end: number) => {
        calls.push([start, end]);
        if (end > hashes.length) throw new Error('read past the log');
        return hashes.slice(start, end);
      },
    };
  }

  it('agrees with the in-memory functions for every index and size pair of a small log', async () => {
    const hashes = data(33).map(leafHash);
    const prover = new MerkleProver(source(hashes), { chunkSize: 4, minCachedSize: 2 });
    for (let n = 0; n <= 33; n++) {
      expect(await prover.rootHash(n)).toEqual(rootFromLeafHashes(hashes, n));
      for (let m = 0; m < n; m++) {
        expect(hex(await prover.inclusionProof(m, n))).toEqual(hex(inclusionProof(m, n, hashes)));
      }
      for (let m = 0; m <= n; m++) {
        expect(hex(await prover.consistencyProof(m, n))).toEqual(
          hex(consistencyProof(m, n, hashes)),
        );
      }
    }
  });

  it('serves a 100k-leaf log, reading few leaves once subtrees are cached', async () => {
    const n = 100_000;
    const hashes = Array.from({ length: n }, (_, i) => leafHash(`acceptance ${i}`));
    const src = source(hashes);
    const prover = new MerkleProver(src);
    const root = await prover.rootHash(n);
    expect(root).toEqual(rootFromLeafHashes(hashes));

    src.calls.length = 0;
    for (const index of [0, 1, 4_095, 65_535, 65_536, 99_998, 99_999]) {
      const proof = await prover.inclusionProof(index, n);
      expect(verifyInclusion(hashes[index]!, index, n, proof, root)).toBe(true);
    }
    const read = src.calls.reduce((sum, [s, e]) => sum + e - s, 0);
    // Per proof only what lies below the 256-leaf cache threshold is read again: the small
    // siblings near the leaf and the tail of the ragged right edge, each under 256 leaves.
    expect(read).toBeLessThan(7 * 512);

    const older = await prover.rootHash(77_777);
    const consistency = await prover.consistencyProof(77_777, n);
    expect(verifyConsistency(77_777, n, consistency, older, root)).toBe(true);
  });

  it('rejects a source that returns the wrong number of hashes', async () => {
    const prover = new MerkleProver({ leafHashes: () => [leafHash('x')] });
    await expect(prover.rootHash(3)).rejects.toThrow(/bad answer/);
  });

  it('keeps its cache valid as the log grows', async () => {
    const hashes = data(40).map(leafHash);
    const cache = new Map<string, Uint8Array>();
    const small = new MerkleProver(source(hashes.slice(0, 17)), { cache, minCachedSize: 1 });
    await small.rootHash(17);
    const big = new MerkleProver(source(hashes), { cache, minCachedSize: 1 });
    expect(await big.rootHash(40)).toEqual(rootFromLeafHashes(hashes));
    expect(hex(await big.inclusionProof(16, 40))).toEqual(hex(inclusionProof(16, 40, hashes)));
  });
});

describe('in-memory proofs with a cache', () => {
  it('give the same answers and reuse complete subtrees', () => {
    const hashes = data(64).map(leafHash);
    const cache = new Map<string, Uint8Array>();
    const root = rootFromLeafHashes(hashes, 64, cache);
    expect(cache.get('0+64')).toEqual(root);
    expect(hex(inclusionProof(9, 64, hashes, cache))).toEqual(hex(inclusionProof(9, 64, hashes)));
    expect(hex(consistencyProof(9, 64, hashes, cache))).toEqual(
      hex(consistencyProof(9, 64, hashes)),
    );
  });
});
