package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// oldBinary is the previous release as the rolling upgrade starts from:
// the tree as it was just before the newest migration was added.
type oldBinary struct {
	Path  string
	From  string // how it was made, for the log
	Level int64  // its newest migration
}

const migrationsDir = "internal/store/migrations"

// buildOldBinary builds the tree of the commit before the one that added
// the newest migration, from git history. A clone without that history
// (a shallow one) builds this tree with its newest migration left out
// instead, which is the same schema step with newer code.
func buildOldBinary(dir string) (*oldBinary, error) {
	root, err := git("..", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	// The previous release does not change from run to run: it is kept,
	// by the commit it is made from, next to Go's build cache.
	parent, added := previousCommit(root)
	key := "commit-" + parent
	if parent == "" {
		head, err := git(root, "rev-parse", "HEAD")
		if err != nil {
			return nil, err
		}
		key = "head-without-newest-" + head
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	keep := filepath.Join(cache, "atelier-cluster", key)
	if b, err := os.ReadFile(keep + ".json"); err == nil {
		var o oldBinary
		if json.Unmarshal(b, &o) == nil {
			if _, err := os.Stat(o.Path); err == nil {
				o.From += ", kept from an earlier run"
				return &o, nil
			}
		}
	}
	src := filepath.Join(dir, "old-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(src)
	from, err := extractPrevious(root, parent, added, src)
	if err != nil {
		return nil, err
	}
	level, err := newestIn(filepath.Join(src, migrationsDir, "postgres"))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(keep), 0o755); err != nil {
		return nil, err
	}
	build := exec.Command("go", "build", "-o", keep+".tmp", "./cmd/atelier")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build in %s (%s): %v\n%s", src, from, err, out)
	}
	if err := os.Rename(keep+".tmp", keep); err != nil {
		return nil, err
	}
	// Only the newest previous release is worth keeping.
	others, _ := filepath.Glob(filepath.Join(filepath.Dir(keep), "*"))
	for _, f := range others {
		if f != keep && f != keep+".json" && !strings.HasSuffix(f, ".tmp") {
			os.Remove(f)
		}
	}
	o := oldBinary{Path: keep, From: from, Level: level}
	b, _ := json.Marshal(o)
	if err := os.WriteFile(keep+".json", b, 0o644); err != nil {
		return nil, err
	}
	return &o, nil
}

// previousCommit is the parent of the newest commit that added a
// migration, and that commit; "" without that history.
func previousCommit(root string) (parent, added string) {
	added, _ = git(root, "log", "--diff-filter=A", "--format=%H", "-n", "1", "--", migrationsDir+"/sqlite")
	if added == "" {
		return "", ""
	}
	parent, err := git(root, "rev-parse", "--verify", "-q", added+"^")
	if err != nil {
		return "", ""
	}
	return parent, added
}

// extractPrevious writes the previous tree into src and says which it is.
func extractPrevious(root, parent, added, src string) (string, error) {
	if parent != "" {
		if err := archive(root, parent, src); err == nil {
			return "commit " + parent[:12] + " (before " + added[:12] + " added a migration)", nil
		}
		os.RemoveAll(src)
		os.MkdirAll(src, 0o755)
	}
	// No history: this commit with its newest migration left out.
	if err := archive(root, "HEAD", src); err != nil {
		return "", err
	}
	var removed []string
	for _, dialect := range []string{"sqlite", "postgres"} {
		d := filepath.Join(src, migrationsDir, dialect)
		n, err := newestIn(d)
		if err != nil {
			return "", err
		}
		names, _ := filepath.Glob(filepath.Join(d, fmt.Sprintf("%05d_*.sql", n)))
		for _, f := range names {
			os.Remove(f)
			removed = append(removed, dialect+"/"+filepath.Base(f))
		}
	}
	return "this tree without " + strings.Join(removed, ", ") + " (the clone has no history)", nil
}

func archive(root, commit, src string) error {
	a := exec.Command("git", "-C", root, "archive", commit)
	x := exec.Command("tar", "-x", "-C", src)
	pipe, err := a.StdoutPipe()
	if err != nil {
		return err
	}
	x.Stdin = pipe
	var errb bytes.Buffer
	a.Stderr, x.Stderr = &errb, &errb
	if err := a.Start(); err != nil {
		return err
	}
	if err := x.Run(); err != nil {
		a.Wait()
		return fmt.Errorf("git archive %s | tar: %v %s", commit, err, errb.String())
	}
	if err := a.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %v %s", commit, err, errb.String())
	}
	return nil
}

func git(dir string, args ...string) (string, error) {
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	return strings.TrimSpace(string(out)), err
}

// newestIn is the highest migration number in a folder of migrations.
func newestIn(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var nums []int64
	for _, e := range entries {
		head, _, ok := strings.Cut(e.Name(), "_")
		if n, err := strconv.ParseInt(head, 10, 64); ok && err == nil && strings.HasSuffix(e.Name(), ".sql") {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return 0, errors.New("no migrations in " + dir)
	}
	return slices.Max(nums), nil
}

func newestMigration(t *testing.T, dir string) int64 {
	n, err := newestIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// migrationDeadlock is the cause of the window in which the migration
// runs.
const migrationDeadlock = "a request deadlocked with the migration (409)"

// upgrade is the rolling upgrade from the previous binary, as
// docs/deploy.md tells an operator to do it: the new binary's `atelier
// migrate` while the old instances serve (twice at once here, as two
// hosts' deploy scripts might: the advisory lock serialises them), then
// each instance restarted on the new binary, one after the other.
func (w *workload) upgrade() {
	c := w.c
	began := time.Now()
	var mg sync.WaitGroup
	var errs [2]error
	for i := range errs {
		mg.Go(func() { _, errs[i] = c.run(c.bin, "", "migrate") })
	}
	mg.Wait()
	// A migration that creates a table with foreign keys locks the tables
	// it refers to, one after the other; a request writing them in the
	// other order at that moment deadlocks with it, and when PostgreSQL
	// picks the request as the one to roll back, it answers 409 (when it
	// picks the migration, `atelier migrate` runs it again). Only that
	// answer is excused while migrating.
	w.mu.Lock()
	w.windows = append(w.windows, window{cause: migrationDeadlock, from: began, to: time.Now(), status: http.StatusConflict})
	w.mu.Unlock()
	ok := 0
	for i, err := range errs {
		if err != nil {
			w.problem("migrator %d of 2: %v", i+1, err)
		} else {
			ok++
		}
	}
	var twice []string
	rows, err := c.db.Query(`SELECT version_id, count(*) FROM goose_db_version WHERE version_id > 0 GROUP BY version_id HAVING count(*) <> 1`)
	if err != nil {
		w.problem("reading goose_db_version: %v", err)
		return
	}
	for rows.Next() {
		var v, n int64
		rows.Scan(&v, &n)
		twice = append(twice, fmt.Sprintf("%d ×%d", v, n))
	}
	rows.Close()
	if len(twice) > 0 {
		w.problem("two migrators at once applied migrations more than once: %s", strings.Join(twice, ", "))
	}
	var level int64
	if err := c.db.QueryRow(`SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&level); err != nil || level != c.newLevel {
		w.problem("after migrating the level is %d (%v), want %d", level, err, c.newLevel)
	}
	w.step("2 `atelier migrate` of the new binary at once while the previous one served: %d of 2 succeeded, level %d → %d, %d migrations applied more than once, in %s",
		ok, c.old.Level, level, len(twice), time.Since(began))

	// The previous binary stays ready on the newer schema: migrations
	// only add, and an instance is not ready only while the database is
	// behind it. Under load a probe may find the bucket or the database
	// slower than readyz's 2 s: that is asked again, for a while; a
	// reason naming the migrations is a failure at once.
	for i := range instances {
		base := "http://127.0.0.1:" + strconv.Itoa(c.ports[i])
		st := readyz(base)
		for deadline := time.Now().Add(30 * time.Second); st != "" && !strings.Contains(st, "migrat") && time.Now().Before(deadline); st = readyz(base) {
			time.Sleep(500 * time.Millisecond)
		}
		if st != "" {
			w.problem("instance %d (previous binary) is not ready on the migrated database: %s", i, st)
		}
	}
	w.step("the previous binary's 3 instances stayed ready (/readyz 200) on the migrated database")

	rolling := time.Now()
	for i := range instances {
		from := time.Now()
		if err := c.stop(i); err != nil {
			w.problem("%v", err)
		}
		stopped := time.Now()
		// Requests in flight on the stopping instance may fail as it
		// closes (a kept-alive connection nginx sends on as it closes).
		w.window(fmt.Sprintf("instance %d stopped for the upgrade", i), from, stopped.Add(time.Second))
		if err := c.start(i, c.bin); err != nil {
			w.problem("%v", err)
			return
		}
		if err := c.instanceReady(i); err != nil {
			w.problem("%v", err)
			return
		}
	}
	w.step("instances 0, 1, 2 restarted one by one on the new binary (SIGTERM, drained, started, ready) in %s, done at +%s",
		time.Since(rolling), time.Since(w.began))
}
