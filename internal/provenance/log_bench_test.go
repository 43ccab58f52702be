package provenance_test

import (
	"fmt"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// millionLeaves is a log of 1,000,000 leaves, its stored hashes in memory,
// built once for the benchmarks.
var millionLeaves = sync.OnceValues(func() ([]tlog.Hash, tlog.Tree) {
	const n = 1_000_000
	stored := make([]tlog.Hash, 0, 2*n)
	hr := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i := range int64(n) {
		hs, err := tlog.StoredHashes(i, leafBytes(i), hr)
		if err != nil {
			panic(err)
		}
		stored = append(stored, hs...)
	}
	root, err := tlog.TreeHash(n, hr)
	if err != nil {
		panic(err)
	}
	return stored, tlog.Tree{N: n, Hash: root}
})

func leafBytes(i int64) []byte { return fmt.Appendf(nil, "atelier-edition/v1\nleaf %d\n", i) }

func memoryReader(stored []tlog.Hash) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
}

// BenchmarkInclusionProofOfMillion proves a leaf's inclusion in a log of
// 1,000,000 leaves, from its stored hashes, and reports the proof's size.
func BenchmarkInclusionProofOfMillion(b *testing.B) {
	stored, tree := millionLeaves()
	hr := memoryReader(stored)
	var proof tlog.RecordProof
	i := int64(0)
	for b.Loop() {
		var err error
		if proof, err = tlog.ProveRecord(tree.N, i%tree.N, hr); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
	b.ReportMetric(float64(len(proof)*tlog.HashSize), "proof-bytes")
}

// BenchmarkInclusionVerifyOfMillion checks a leaf's inclusion proof in a
// log of 1,000,000 leaves: what a collector's tool does.
func BenchmarkInclusionVerifyOfMillion(b *testing.B) {
	stored, tree := millionLeaves()
	const idx = 765_432
	proof, err := tlog.ProveRecord(tree.N, idx, memoryReader(stored))
	if err != nil {
		b.Fatal(err)
	}
	leaf := tlog.RecordHash(leafBytes(idx))
	for b.Loop() {
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, idx, leaf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(proof)*tlog.HashSize), "proof-bytes")
}
