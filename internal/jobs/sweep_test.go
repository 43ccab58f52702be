package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func TestSweepRunsOnStart(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		st := openStore(t, storetest.Config(t, d))
		blobs, dir := filestest.Open(t)
		used := putBlob(t, blobs, dir, "used by a file row", 2*time.Hour)
		oldOrphan := putBlob(t, blobs, dir, "left behind long ago", 2*time.Hour)
		freshOrphan := putBlob(t, blobs, dir, "its row is on the way", 0)
		referTo(t, st, used)
		addSessions(t, st)
		// What writes cut short by a crash left: a spool file and a
		// temporary blob, long ago and just now.
		usedPath := filepath.Join(dir, "files", filepath.FromSlash(files.Key(used)))
		oldLeft := []string{leftover(t, filepath.Join(dir, "tmp", "upload-1"), 2*time.Hour), leftover(t, usedPath+".18a2b3c4d5e6f708.tmp", 2*time.Hour)}
		freshLeft := []string{leftover(t, filepath.Join(dir, "tmp", "upload-2"), 0), leftover(t, usedPath+".18a2b3c4d5e6f709.tmp", 0)}

		r, err := New(t.Context(), st, Config{Files: blobs, Log: testLog(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stop(t, r) })
		done, cancel := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		defer cancel()
		if err := r.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		waitForSweep(t, done)

		for sha, want := range map[string]bool{used: true, oldOrphan: false, freshOrphan: true} {
			if ok, err := blobs.Exists(t.Context(), sha); err != nil || ok != want {
				t.Errorf("blob %.8s exists %v (%v), want %v", sha, ok, err, want)
			}
		}
		for _, p := range oldLeft {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("the sweep left %s", p)
			}
		}
		for _, p := range freshLeft {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("the sweep removed a write under way: %v", err)
			}
		}
		if got := sessionTokens(t, st); got != "live" {
			t.Errorf("sessions left: %q, want only the live one", got)
		}
	})
}

func waitForSweep(t *testing.T, events <-chan *river.Event) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind != (SweepArgs{}).Kind() {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				t.Fatalf("the sweep failed: %+v", ev.Job.Errors)
			}
			return
		case <-timeout:
			t.Fatal("the sweep did not run on start")
		}
	}
}

// putBlob stores content and makes it look written age ago.
func putBlob(t *testing.T, blobs *files.Store, dir, content string, age time.Duration) string {
	t.Helper()
	sha, _, err := blobs.Put(t.Context(), strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-age)
	if err := os.Chtimes(filepath.Join(dir, "files", filepath.FromSlash(files.Key(sha))), then, then); err != nil {
		t.Fatal(err)
	}
	return sha
}

func referTo(t *testing.T, st *store.Store, sha string) {
	t.Helper()
	s, err := st.CreateStudio(t.Context(), studio.NewStudio("ana", "Studio Ana", "Ana"))
	if err != nil {
		t.Fatal(err)
	}
	f := studio.File{StudioID: s.ID, SHA256: sha, Size: 1, ContentType: "text/plain", Name: "a.txt"}
	if _, err := st.CreateFile(t.Context(), f); err != nil {
		t.Fatal(err)
	}
}

// addSessions writes an expired and a live session the way scs's store of
// each database keeps them.
func addSessions(t *testing.T, st *store.Store) {
	t.Helper()
	q := `INSERT INTO sessions (token, data, expiry) VALUES
		('expired', '', now() - interval '1 day'), ('live', '', now() + interval '1 day')`
	if st.Dialect() == store.SQLite {
		q = `INSERT INTO sessions (token, data, expiry) VALUES
			('expired', x'', julianday('now', '-1 day')), ('live', x'', julianday('now', '+1 day'))`
	}
	if _, err := st.DB().ExecContext(t.Context(), q); err != nil {
		t.Fatal(err)
	}
}

func sessionTokens(t *testing.T, st *store.Store) string {
	t.Helper()
	rows, err := st.DB().QueryContext(t.Context(), `SELECT token FROM sessions ORDER BY token`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tokens []string
	for rows.Next() {
		var tok string
		if err := rows.Scan(&tok); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(tokens, ",")
}

// leftover writes a partial file as an interrupted write leaves it, age ago.
func leftover(t *testing.T, path string, age time.Duration) string {
	t.Helper()
	if err := os.WriteFile(path, []byte("partial"), 0o640); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-age)
	if err := os.Chtimes(path, then, then); err != nil {
		t.Fatal(err)
	}
	return path
}
