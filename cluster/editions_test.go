package cluster

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// editionLoad is the numbering of editions' casts: several workers take
// the next number of the same few editions at once, through nginx, so
// that concurrent requests on different instances race for each number.
type editionLoad struct {
	mu       sync.Mutex
	all      []*edition
	creating bool
	casts    []cast   // answered 201
	complete int      // 409s on an edition that was full
	wrong    []string // 409s on an edition that was not
}

type edition struct {
	id   string
	size int
	full bool
}

type cast struct {
	edition, piece string
	number         int
}

// numberEditions casts numbered pieces until the time is up, two open
// editions at a time, starting a new edition when one is complete.
func (w *workload) numberEditions(deadline time.Time) {
	el := &w.editions
	for time.Now().Before(deadline) {
		e := w.openEdition()
		if e == nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		st, out := w.api("POST edition piece", "POST", "/api/v1/editions/"+e.id+"/pieces", map[string]any{})
		switch st {
		case 201:
			n, _ := out["number"].(float64)
			id, _ := out["piece_id"].(string)
			el.mu.Lock()
			el.casts = append(el.casts, cast{e.id, id, int(n)})
			el.mu.Unlock()
		case 409:
			// Complete, or a refusal that should not have been.
			st, got := w.api("GET edition", "GET", "/api/v1/editions/"+e.id, nil)
			el.mu.Lock()
			if st == 200 && got["issued"] == float64(e.size) {
				e.full = true
				el.complete++
			} else if st == 200 {
				el.wrong = append(el.wrong, fmt.Sprintf("edition %s answered 409 with %v of %d issued", e.id, got["issued"], e.size))
			}
			el.mu.Unlock()
		default:
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openEdition is one of the open editions, or nil after starting one.
func (w *workload) openEdition() *edition {
	el := &w.editions
	el.mu.Lock()
	var open []*edition
	for _, e := range el.all {
		if !e.full {
			open = append(open, e)
		}
	}
	if len(open) >= 2 || el.creating {
		el.mu.Unlock()
		if len(open) == 0 {
			return nil
		}
		return open[rand.IntN(len(open))]
	}
	el.creating = true
	n := len(el.all) + 1
	el.mu.Unlock()
	size := 10 + n%11 // the guide's 10 to 20
	st, e := w.api("POST edition", "POST", "/api/v1/editions", map[string]any{"title": fmt.Sprintf("Edition %d", n),
		"subject": fmt.Sprintf("Figure %d", n), "size": size, "clay_brands": []string{"premo"}, "target_height_mm": 40})
	el.mu.Lock()
	el.creating = false
	if st == 201 {
		el.all = append(el.all, &edition{id: e["id"].(string), size: size})
	}
	el.mu.Unlock()
	return nil
}

// checkEditions holds the database's numbers against the answers: no
// number twice in an edition, none above its size, each number a client
// was given there once, on the piece it was given for. It returns the
// summary's line.
func (w *workload) checkEditions(t *testing.T, studioID string) string {
	el := &w.editions
	for _, s := range el.wrong {
		t.Error(s)
	}
	rows, err := w.c.db.Query(`SELECT e.id, e.size, e.issued, count(p.id), count(DISTINCT p.edition_number),
		coalesce(min(p.edition_number), 1), coalesce(max(p.edition_number), 0)
		FROM editions e LEFT JOIN pieces p ON p.edition_id = e.id WHERE e.studio_id = $1 GROUP BY e.id, e.size, e.issued`, studioID)
	must(t, err)
	editions, numbered := 0, 0
	for rows.Next() {
		var id string
		var size, issued, n, distinct, lo, hi int
		must(t, rows.Scan(&id, &size, &issued, &n, &distinct, &lo, &hi))
		editions++
		numbered += n
		if n != distinct {
			t.Errorf("edition %s: %d pieces but %d distinct numbers", id, n, distinct)
		}
		if lo < 1 || hi > size || n > size {
			t.Errorf("edition %s of %d: numbers %d to %d on %d pieces", id, size, lo, hi, n)
		}
		if issued != n {
			t.Errorf("edition %s: %d issued, %d numbered pieces", id, issued, n)
		}
	}
	must(t, rows.Err())
	rows.Close()
	seen := map[string]bool{}
	for _, c := range el.casts {
		key := fmt.Sprintf("%s/%d", c.edition, c.number)
		if seen[key] {
			t.Errorf("number %s was given to two clients", key)
		}
		seen[key] = true
		var n int
		must(t, w.c.db.QueryRow(`SELECT count(*) FROM pieces WHERE id = $1 AND edition_id = $2 AND edition_number = $3`, c.piece, c.edition, c.number).Scan(&n))
		if n != 1 {
			t.Errorf("cast %s answered 201 as piece %s is there %d times", key, c.piece, n)
		}
	}
	if len(el.casts) == 0 {
		t.Error("no edition piece was numbered")
	}
	return fmt.Sprintf("%d editions, %d numbered casts (%d answered 201 by 4 concurrent workers, all there once, no number twice or above the size), %d numbering refused as complete",
		editions, numbered, len(el.casts), el.complete)
}
