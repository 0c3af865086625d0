import fc from 'fast-check';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleProver,
  rootFromLeafHashes,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const MAX = 300;
const hashes = Array.from({ length: MAX }, (_, i) => leafHash(`leaf ${i}`));
const roots = Array.from({ length: MAX + 1 }, (_, n) => rootFromLeafHashes(hashes, n));

/** A tree size and a leaf index in it. */
const sizeAndIndex = fc
  .integer({ min: 1, max: MAX })
  .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));
/** Two tree sizes m ≤ n. */
const sizes = fc
  .integer({ min: 0, max: MAX })
  .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

function flip(proof: Uint8Array[], element: number, byte: number, bit: number): Uint8Array[] {
  const copy = proof.map((p) => p.slice());
  copy[element % copy.length]![byte % 32]! ^= 1 << bit;
  return copy;
}

describe('Merkle log properties', () => {
  it('every leaf has an audit path of at most ceil(log2 n) hashes that verifies', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, m]) => {
        const proof = inclusionProof(m, n, hashes);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(verifyInclusion(hashes[m]!, m, n, proof, roots[n]!)).toBe(true);
      }),
    );
  });

  it('a flipped bit anywhere in an audit path, the leaf or the root fails', () => {
    fc.assert(
      fc.property(
        sizeAndIndex.filter(([n]) => n > 1),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        ([n, m], element, byte, bit) => {
          const proof = inclusionProof(m, n, hashes);
          expect(
            verifyInclusion(hashes[m]!, m, n, flip(proof, element, byte, bit), roots[n]!),
          ).toBe(false);
          const [leaf] = flip([hashes[m]!], 0, byte, bit);
          expect(verifyInclusion(leaf!, m, n, proof, roots[n]!)).toBe(false);
          const [root] = flip([roots[n]!], 0, byte, bit);
          expect(verifyInclusion(hashes[m]!, m, n, proof, root!)).toBe(false);
        },
      ),
    );
  });

  it('a leaf proven in an old tree is proven in every extension, which is consistent', () => {
    fc.assert(
      fc.property(
        sizes.filter(([m]) => m > 0),
        fc.nat(),
        ([m, n], i) => {
          const index = i % m;
          const consistency = consistencyProof(m, n, hashes);
          expect(verifyConsistency(m, n, consistency, roots[m]!, roots[n]!)).toBe(true);
          const path = inclusionProof(index, n, hashes);
          expect(verifyInclusion(hashes[index]!, index, n, path, roots[n]!)).toBe(true);
        },
      ),
    );
  });

  it('a flipped bit in a consistency proof or either root fails', () => {
    fc.assert(
      fc.property(
        sizes.filter(([m, n]) => m > 0 && m < n),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        ([m, n], element, byte, bit) => {
          const proof = consistencyProof(m, n, hashes);
          expect(
            verifyConsistency(m, n, flip(proof, element, byte, bit), roots[m]!, roots[n]!),
          ).toBe(false);
          const [oldRoot] = flip([roots[m]!], 0, byte, bit);
          expect(verifyConsistency(m, n, proof, oldRoot!, roots[n]!)).toBe(false);
          const [newRoot] = flip([roots[n]!], 0, byte, bit);
          expect(verifyConsistency(m, n, proof, roots[m]!, newRoot!)).toBe(false);
        },
      ),
    );
  });

  it('a rewritten leaf makes the new tree inconsistent with the old one', () => {
    fc.assert(
      fc.property(
        sizes.filter(([m, n]) => m > 0 && m < n),
        fc.nat(),
        ([m, n], i) => {
          const forged = hashes.slice(0, n);
          forged[i % m] = leafHash('forged');
          const forgedRoot = rootFromLeafHashes(forged);
          const proof = consistencyProof(m, n, forged);
          expect(verifyConsistency(m, n, proof, roots[m]!, forgedRoot)).toBe(false);
        },
      ),
    );
  });

  it('the prover over a leaf source agrees with the in-memory functions', async () => {
    await fc.assert(
      fc.asyncProperty(
        sizes,
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        async ([m, n], chunkSize, minCachedSize) => {
          const prover = new MerkleProver(
            { leafHashes: (s, e) => hashes.slice(s, e) },
            { chunkSize, minCachedSize },
          );
          expect(await prover.rootHash(n)).toEqual(roots[n]);
          expect(await prover.consistencyProof(m, n)).toEqual(consistencyProof(m, n, hashes));
          if (n > 0) {
            const index = m % n;
            expect(await prover.inclusionProof(index, n)).toEqual(inclusionProof(index, n, hashes));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('treeHash over raw leaves equals the root over their leaf hashes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 40 }), (leaves) => {
        expect(treeHash(leaves)).toEqual(rootFromLeafHashes(leaves.map(leafHash)));
      }),
    );
  });
});
