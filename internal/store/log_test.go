package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// memoryTree recomputes a tree from its leaves, apart from the store.
func memoryTree(t *testing.T, leaves [][]byte) tlog.Tree {
	t.Helper()
	var stored []tlog.Hash
	hr := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for n, leaf := range leaves {
		hs, err := tlog.StoredHashes(int64(n), leaf, hr)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	root, err := tlog.TreeHash(int64(len(leaves)), hr)
	if err != nil {
		t.Fatal(err)
	}
	return tlog.Tree{N: int64(len(leaves)), Hash: root}
}

// entries reads a whole log back through its entry bundles.
func entries(t *testing.T, s *store.Store, slug string, size int64) [][]byte {
	t.Helper()
	var out [][]byte
	for n := int64(0); n*torchwood.TileWidth < size; n++ {
		w := min(size-n*torchwood.TileWidth, torchwood.TileWidth)
		path := torchwood.TilePath(tlog.Tile{H: torchwood.TileHeight, L: -1, N: n, W: int(w)})
		bundle, full, err := s.LogTile(context.Background(), slug, path)
		if err != nil || full != (w == torchwood.TileWidth) {
			t.Fatalf("%s: %v (full %v)", path, err, full)
		}
		for len(bundle) > 0 {
			var e []byte
			if e, bundle, err = torchwood.ReadTileEntry(bundle); err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
	}
	return out
}

// The log starts empty and signed, and holds each edition and certificate
// as it is made: its tiles, entries and proofs agree with a tree
// recomputed from the leaves.
func TestLogHoldsEditionsAndCertificates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := mustStudio(t, s, "ana")
		key, _ := s.StudioKey(ctx, "ana")
		ls, err := s.Log(ctx, "ana")
		if err != nil || ls.Tree.N != 0 || ls.Origin != key.Name {
			t.Fatalf("new log %+v %v", ls, err)
		}
		if tree, err := provenance.OpenCheckpoint(ls.Checkpoint, key.Verifier); err != nil || tree != memoryTree(t, nil) {
			t.Fatalf("the empty checkpoint: %v %v", tree, err)
		}
		e := newEdition(t, s, st.ID, 12)
		p, _, err := s.IssueEditionPiece(ctx, st.ID, "", e.ID, store.EditionPieceFields{})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CollectorGrade(t, s, st.ID, p.ID)
		ic, err := s.IssueCertificate(ctx, st.ID, p.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		ls, _ = s.Log(ctx, "ana")
		leaves := entries(t, s, "ana", ls.Tree.N)
		if ls.Tree.N != 2 || !bytes.HasPrefix(leaves[0], []byte("atelier-edition/v1\n")) || !bytes.Equal(leaves[1], ic.Signed) {
			t.Fatalf("log of %d: %q", ls.Tree.N, leaves)
		}
		if got := memoryTree(t, leaves); got != ls.Tree {
			t.Fatalf("stored tree %v, recomputed %v", ls.Tree, got)
		}
		if tree, err := provenance.OpenCheckpoint(ls.Checkpoint, key.Verifier); err != nil || tree != ls.Tree {
			t.Fatalf("checkpoint %v %v", tree, err)
		}
		leaf, err := provenance.ParseLeaf(leaves[0])
		if err != nil || leaf.Edition.EditionID != e.ID || leaf.Edition.Size != 12 {
			t.Fatalf("edition leaf %+v %v", leaf, err)
		}
		// The level-0 tile holds the leaves' record hashes.
		tile, _, err := s.LogTile(ctx, "ana", "tile/0/000.p/2")
		want := []string{tlog.RecordHash(leaves[0]).String(), tlog.RecordHash(leaves[1]).String()}
		if err != nil || fmt.Sprint(hashesOf(tile)) != fmt.Sprint(want) {
			t.Fatalf("tile %x %v", tile, err)
		}
		check, err := s.CheckCertificate(ctx, ic.Serial)
		if err != nil || check.Log == nil || check.Log.Index != 1 {
			t.Fatalf("proof %+v %v", check.Log, err)
		}
		if err := tlog.CheckRecord(check.Log.Proof, check.Log.Tree.N, check.Log.Tree.Hash, check.Log.Index, tlog.RecordHash(check.Log.Leaf)); err != nil {
			t.Fatalf("the inclusion proof does not check: %v", err)
		}
		for _, bad := range []string{"tile/0/000.p/3", "tile/0/000", "tile/1/000.p/1", "tile/entries/001.p/1", "tile/../000", "tile/0/x000/000", "checkpoint", ""} {
			if _, _, err := s.LogTile(ctx, "ana", bad); studio.ErrorCode(err) != studio.NotFound {
				t.Errorf("%q: %v", bad, err)
			}
		}
		if _, _, err := s.LogTile(ctx, "nobody", "tile/0/000.p/1"); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("unknown studio: %v", err)
		}
	})
}

func hashesOf(tile []byte) []string {
	var out []string
	for i := 0; i+tlog.HashSize <= len(tile); i += tlog.HashSize {
		out = append(out, tlog.Hash(tile[i:i+tlog.HashSize]).String())
	}
	return out
}

// Appends from many clients, through two stores (two server instances)
// on one PostgreSQL, make one tree: every index once, and the root of
// the leaves in index order.
func TestConcurrentAppendsKeepOneTree(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		cfg := storetest.Config(t, d)
		stores := []*store.Store{open(t, cfg)}
		if d == store.Postgres {
			stores = append(stores, open(t, cfg))
		}
		st := mustStudio(t, stores[0], "ana")
		var wg sync.WaitGroup
		const clients = 40
		for i := range clients {
			wg.Go(func() {
				_, err := stores[i%len(stores)].CreateEdition(ctx, st.ID, studio.Edition{Title: fmt.Sprintf("Edition %d", i), Subject: "Rose", Size: 10,
					ClayBrands: []string{"premo"}, TargetHeightMM: 40})
				if err != nil {
					t.Errorf("edition %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		key, _ := stores[1%len(stores)].StudioKey(ctx, "ana")
		ls, err := stores[len(stores)-1].Log(ctx, "ana")
		if err != nil || ls.Tree.N != clients {
			t.Fatalf("log of %d after %d editions: %v", ls.Tree.N, clients, err)
		}
		leaves := entries(t, stores[0], "ana", ls.Tree.N)
		if got := memoryTree(t, leaves); got != ls.Tree {
			t.Fatalf("the stored root is not the leaves' root: %v vs %v", ls.Tree, got)
		}
		if tree, err := provenance.OpenCheckpoint(ls.Checkpoint, key.Verifier); err != nil || tree != ls.Tree {
			t.Fatalf("checkpoint %v %v", tree, err)
		}
		seen := map[string]bool{}
		for _, l := range leaves {
			leaf, err := provenance.ParseLeaf(l)
			if err != nil || seen[leaf.Edition.Title] {
				t.Fatalf("leaf %q: %v", l, err)
			}
			seen[leaf.Edition.Title] = true
		}
	})
}
