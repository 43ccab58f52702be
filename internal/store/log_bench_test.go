package store_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// BenchmarkLogAppend appends leaves of a certificate's size to one
// studio's log, from 2 clients and from 64 at once: each append hashes
// the leaf into the tree, signs a new checkpoint and commits, serialised
// by the log's row lock.
func BenchmarkLogAppend(b *testing.B) {
	leaf := []byte("atelier-certificate/v1\n" + strings.Repeat("x", 900) + "\n")
	for _, clients := range []int{2, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			storetest.EachDialect(b, func(b *testing.B, d store.Dialect) {
				s := storetest.Open(b, d, nil)
				st, err := s.CreateStudio(context.Background(), studio.NewStudio("ana", "Ana", "Ana Petrova"))
				if err != nil {
					b.Fatal(err)
				}
				var n atomic.Int64
				// RunParallel starts GOMAXPROCS × parallelism goroutines.
				b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := s.AppendLeaf(context.Background(), st.ID, fmt.Sprint(n.Add(1)), leaf); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
			})
		})
	}
}
