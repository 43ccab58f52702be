package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"

	"atelier/internal/auth"
	"atelier/internal/jobs"
	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// install is one Atelier install served over real HTTP, which can be taken
// down and brought back.
type install struct {
	st   *store.Store
	ts   *httptest.Server
	down atomic.Bool
	st0  studio.Studio
}

func newInstall(t *testing.T, d store.Dialect, slug string) *install {
	t.Helper()
	in := &install{st: storetest.Open(t, d, nil)}
	var h http.Handler
	in.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if in.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(in.ts.Close)
	h = New(Config{BaseURL: in.ts.URL}, in.st, testBlobs(t)).Handler()
	var err error
	if in.st0, err = in.st.CreateStudio(context.Background(), studio.NewStudio(slug, slug, "Artist "+slug)); err != nil {
		t.Fatal(err)
	}
	return in
}

func (in *install) get(t *testing.T, path string) string {
	t.Helper()
	res, err := http.Get(in.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return string(body)
}

// witness makes in a witness of other's studio's log, and lists it as a
// witness of that studio.
func (in *install) witness(t *testing.T, other *install) {
	t.Helper()
	ctx := context.Background()
	key, _ := other.st.StudioKey(ctx, other.st0.Slug)
	if _, err := in.st.AddWitnessedLog(ctx, key.Verifier); err != nil {
		t.Fatal(err)
	}
	vkey := strings.TrimSpace(in.get(t, "/witness/key"))
	err := other.st.SetStudioWitnesses(ctx, other.st0.ID, 1, []store.StudioWitness{{URL: in.ts.URL + "/witness", Verifier: vkey}})
	if err != nil {
		t.Fatal(err)
	}
}

func (in *install) edition(t *testing.T, title string) {
	t.Helper()
	_, err := in.st.CreateEdition(context.Background(), in.st0.ID, studio.Edition{Title: title, Subject: "Rose", Size: 10, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
}

func (in *install) submit() error {
	return jobs.SubmitToWitnesses(context.Background(), in.st, http.DefaultClient, in.st0.ID)
}

// cosigned checks that the served checkpoint carries a valid cosignature
// by the witness's key, and returns the checkpoint's size.
func (in *install) cosignedBy(t *testing.T, witness *install) string {
	t.Helper()
	served := in.get(t, "/s/"+in.st0.Slug+"/log/checkpoint")
	v, err := torchwood.NewCosignatureVerifier(strings.TrimSpace(witness.get(t, "/witness/key")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open([]byte(served), note.VerifierList(v)); err != nil {
		t.Fatalf("the served checkpoint carries no cosignature of the witness: %v\n%s", err, served)
	}
	return strings.Split(served, "\n")[1]
}

// Two installs witness each other's studios: each append is cosigned; a
// witness that is down is caught up later from what it cosigned; a studio
// that rewinds its log is refused; and the protocol's refusals answer as
// C2SP tlog-witness says.
func TestInstallsWitnessEachOther(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		a, b := newInstall(t, d, "ana"), newInstall(t, d, "ben")
		b.witness(t, a)
		a.witness(t, b)

		a.edition(t, "Roses")
		var queued int
		a.st.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'witness'`).Scan(&queued)
		if queued == 0 {
			t.Fatal("an append queued no witness job")
		}
		if err := a.submit(); err != nil {
			t.Fatal(err)
		}
		if size := a.cosignedBy(t, b); size != "1" {
			t.Fatalf("cosigned size %s", size)
		}
		b.edition(t, "Busts")
		if err := b.submit(); err != nil {
			t.Fatal(err)
		}
		b.cosignedBy(t, a)

		// The witness is down: the submission fails and says why; nothing is
		// lost, and once it is back the next run catches up from size 1.
		b.down.Store(true)
		a.edition(t, "Tulips")
		a.edition(t, "Lilies")
		if err := a.submit(); err == nil {
			t.Fatal("a submission to a witness that is down succeeded")
		}
		_, ws, _ := a.st.StudioWitnesses(ctx, a.st0.ID)
		if ws[0].Cosigned || !strings.Contains(ws[0].LastError, "503") || ws[0].KnownSize != 1 {
			t.Fatalf("witness state while down: %+v", ws[0])
		}
		b.down.Store(false)
		if err := a.submit(); err != nil {
			t.Fatal(err)
		}
		if size := a.cosignedBy(t, b); size != "3" {
			t.Fatalf("cosigned size %s after the witness came back", size)
		}

		// Refusals, in the protocol's words.
		served := []byte(a.get(t, "/s/ana/log/checkpoint"))
		for _, c := range []struct {
			body string
			want int
		}{
			{"nonsense", 400},
			{"old 9\n\n" + string(served), 400},
			{"old 0\n\n" + string(served), 409},
			{"old 3\n\n" + strings.Replace(string(served), "ana/", "anna/", 1), 404},
			{"old 3\n\n" + string(served[:bytes.Index(served, []byte("\n\n"))+2]), 403},
		} {
			res, err := http.Post(b.ts.URL+"/witness/add-checkpoint", "text/plain", strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.want {
				t.Errorf("%.30q: %d %s, want %d", c.body, res.StatusCode, body, c.want)
			}
			if c.want == 409 && (res.Header.Get("Content-Type") != "text/x.tlog.size" || string(body) != "3\n") {
				t.Errorf("409 answers %q as %s", body, res.Header.Get("Content-Type"))
			}
		}

		// The studio rewinds its log and rebuilds another history of more
		// leaves: the witness refuses to cosign it.
		rewind(t, a)
		for _, title := range []string{"Other 1", "Other 2", "Other 3", "Other 4"} {
			a.edition(t, title)
		}
		if err := a.submit(); err == nil {
			t.Fatal("the witness cosigned a rewritten history")
		}
		_, ws, _ = a.st.StudioWitnesses(ctx, a.st0.ID)
		if ws[0].Cosigned || !strings.Contains(ws[0].LastError, "422") {
			t.Fatalf("witness state after the rewrite: %+v", ws[0])
		}
		logs, _ := b.st.WitnessedLogs(ctx)
		for _, l := range logs {
			if strings.HasPrefix(l.Origin, "atelier/ana/") && l.Tree.N != 3 {
				t.Fatalf("the witness moved to the rewritten tree: %+v", l)
			}
		}
	})
}

// rewind empties the studio's log as a dishonest studio would, with a
// freshly signed checkpoint of size 0.
func rewind(t *testing.T, in *install) {
	t.Helper()
	ctx := context.Background()
	db := in.st.DB()
	var sealed []byte
	if err := db.QueryRowContext(ctx, `SELECT signer_key_sealed FROM studio_keys WHERE studio_id = $1`, in.st0.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	skey, err := auth.Open(storetest.SecretKey, "studio signing key "+in.st0.ID, sealed)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := in.st.Log(ctx, in.st0.Slug)
	ls.Tree.N, ls.Tree.Hash = 0, [32]byte{}
	signed, err := provenance.SignCheckpoint(ls.Tree, string(skey))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM log_entries WHERE studio_id = $1`, `DELETE FROM log_hashes WHERE studio_id = $1`} {
		if _, err := db.ExecContext(ctx, q, in.st0.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `UPDATE logs SET size = 0, root = $1, checkpoint = $2 WHERE studio_id = $3`, ls.Tree.Hash[:], string(signed), in.st0.ID); err != nil {
		t.Fatal(err)
	}
}
