// Package cluster holds the test that runs Atelier the way a host scales
// it out: three `atelier serve` processes on one PostgreSQL and one S3
// bucket (SeaweedFS), behind nginx with the configuration in deploy/, under
// a mixed load, with one instance killed outright half-way.
package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/mail/mailtest"
	"atelier/internal/studio"
)

const (
	ownerEmail = "owner@example.com"
	password   = "a long cluster password"
	instances  = 3
)

// TestCluster is issue 18's cluster test. It needs PostgreSQL on
// 127.0.0.1:5432, nginx and a SeaweedFS binary (ATELIER_TEST_WEED), and
// runs only when ATELIER_TEST_CLUSTER=1 (.ci/run sets it).
func TestCluster(t *testing.T) {
	if os.Getenv("ATELIER_TEST_CLUSTER") != "1" {
		t.Skip("the cluster test runs with ATELIER_TEST_CLUSTER=1 (it needs PostgreSQL, nginx and SeaweedFS; .ci/run sets it)")
	}
	began := time.Now()
	c := newCluster(t)
	t.Logf("cluster: built, migrated and started in %s", time.Since(began).Round(time.Millisecond))
	seconds := 60
	if s := os.Getenv("ATELIER_CLUSTER_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 4 {
			t.Fatalf("ATELIER_CLUSTER_SECONDS must be a whole number of at least 4, got %q", s)
		}
		seconds = n
	}
	w := newWorkload(c)
	w.run(t, time.Duration(seconds)*time.Second)
	w.check(t)
}

// cluster is every process of the test and what it needs to reach them.
type cluster struct {
	t      *testing.T
	dir    string
	bin    string // built from this tree
	old    *oldBinary
	env    []string
	db     *sql.DB
	pg     *privatePG // nil on the machine's shared server
	blobs  *files.Store
	mail   *mailtest.Server
	ports  [instances]int
	procs  [instances]*exec.Cmd
	bins   [instances]string
	exited [instances]chan struct{}
	base   string // nginx
	token  string
	users  []string // e-mail addresses that sign in through the form
	studio string
	// newLevel is the migration level of this tree's binary.
	newLevel int64
	mu       sync.Mutex
	starts   int
	nginxIn  *exec.Cmd
}

func newCluster(t *testing.T) *cluster {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			t.Fatal("the cluster test needs nginx (apt-get install nginx-light)")
		}
		nginx = "/usr/sbin/nginx"
	}
	// One directory for everything, readable by nginx's workers (which run
	// as nobody when the test is root) and PostgreSQL's server (which runs
	// as postgres), removed at the end.
	dir, err := os.MkdirTemp("", "atelier-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &cluster{t: t, dir: dir, bin: filepath.Join(dir, "atelier")}

	// This tree's binary and the previous release's, side by side, while
	// PostgreSQL starts.
	readSources(t)
	var builds sync.WaitGroup
	var buildErr error
	builds.Go(func() {
		build := exec.Command("go", "build", "-o", c.bin, "atelier/cmd/atelier")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building atelier: %v\n%s", err, out)
		}
	})
	var oldErr error
	builds.Go(func() { c.old, oldErr = buildOldBinary(dir) })
	dbURL := c.database(t)
	builds.Wait()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if oldErr != nil {
		t.Fatalf("building the previous binary: %v", oldErr)
	}
	c.newLevel = newestMigration(t, "../internal/store/migrations/postgres")
	t.Logf("cluster: previous binary from %s (migration level %d), this tree at level %d", c.old.From, c.old.Level, c.newLevel)

	filesURL := c.bucket(t)
	c.mail = mailtest.Start(t, mailtest.Options{})
	key := make([]byte, 32)
	rand.Read(key)
	c.env = append(os.Environ(),
		"ATELIER_DATABASE_URL="+dbURL,
		"ATELIER_FILES_URL="+filesURL,
		"ATELIER_SECRET_KEY="+base64.StdEncoding.EncodeToString(key),
		"ATELIER_TRUSTED_PROXIES=127.0.0.1",
		"ATELIER_DRAIN_DELAY=1s",
		"ATELIER_SMTP_URL="+c.mail.URL("studio@example.com"),
		// Every inquiry comes from 127.0.0.1: the per-address limit is
		// not what this test is about.
		"ATELIER_INQUIRIES_PER_HOUR=1000000",
		"AWS_ACCESS_KEY_ID=atelier-test", "AWS_SECRET_ACCESS_KEY=atelier-test-secret",
	)
	// The database and the instances start on the previous release; the
	// workload upgrades them.
	old := c.old.Path
	c.cli(t, old, "", "migrate")
	c.studio = "cluster"
	c.cli(t, old, "", "studio", "create", "--slug", c.studio, "--name", "Cluster Studio", "--artist", "Ana Petrova")
	c.cli(t, old, password+"\n", "user", "add", "--studio", c.studio, "--email", ownerEmail, "--name", "Owner", "--role", "owner", "--password-stdin")
	for i := range 3 {
		email := fmt.Sprintf("assistant%d@example.com", i)
		c.cli(t, old, password+"\n", "user", "add", "--studio", c.studio, "--email", email, "--name", fmt.Sprintf("Assistant %d", i), "--role", "assistant", "--password-stdin")
		c.users = append(c.users, email)
	}
	c.token = strings.TrimSpace(c.cli(t, old, "", "token", "create", "--email", ownerEmail, "--name", "cluster"))

	ports := freePorts(t, instances+1)
	copy(c.ports[:], ports[:instances])
	c.base = "http://127.0.0.1:" + strconv.Itoa(ports[instances])
	t.Cleanup(c.stopAll)
	for i := range instances {
		must(t, c.start(i, old))
	}
	for i := range instances {
		c.waitInstance(t, i)
	}
	c.startNginx(t, nginx, ports[instances])
	c.waitReady(t, c.base, 20*time.Second)
	return c
}

// readSources reads every file the binary is built from. The test runs a
// binary it builds, which go test's cache knows nothing of; the cache does
// note the files a test opens, so a change to any of them runs it again.
func readSources(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != ".." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if name := d.Name(); strings.HasSuffix(name, "_test.go") || !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".sql") ||
			strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".js") ||
			strings.HasSuffix(name, ".css") || strings.HasSuffix(name, ".conf") || name == "go.mod" || name == "go.sum") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, f)
		f.Close()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// database creates a fresh database on a PostgreSQL server of the test's
// own, which the workload restarts; when none can be started (no
// PostgreSQL binaries, or not root), on the machine's shared server (the
// one ATELIER_TEST_DATABASE_URL names, when set), which is never
// restarted. It is dropped at the end.
func (c *cluster) database(t *testing.T) string {
	server := "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	if pg, err := startPrivatePG(filepath.Join(c.dir, "pg")); err == nil {
		c.pg = pg
		t.Cleanup(pg.stop)
		t.Logf("cluster: a private PostgreSQL on port %d (%s)", pg.port, pg.bin)
		server = pg.url("postgres")
	} else {
		t.Logf("cluster: no private PostgreSQL (%v): the shared server, which is not restarted", err)
		if s := os.Getenv("ATELIER_TEST_DATABASE_URL"); s != "" {
			u, err := url.Parse(s)
			if err != nil {
				t.Fatalf("ATELIER_TEST_DATABASE_URL: %v", err)
			}
			u.Path = "/postgres"
			server = u.String()
		}
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 5)
	rand.Read(b)
	name := "atelier_cluster_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("creating the database on %s: %v", server, err)
	}
	u, _ := url.Parse(server)
	u.Path = "/" + name
	if c.db, err = sql.Open("pgx", u.String()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.db.Close()
		// Registered before the processes' cleanup, so it runs after it;
		// FORCE ends any connection a process left behind.
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
		admin.Close()
	})
	return u.String()
}

// bucket is a new bucket on the test SeaweedFS, and a store on it through
// which the test reads the blobs back.
func (c *cluster) bucket(t *testing.T) string {
	if os.Getenv("ATELIER_TEST_WEED") == "" && os.Getenv("ATELIER_TEST_S3") != "1" {
		// Without SeaweedFS the instances share a local folder, which
		// tests everything but the bucket; CI always has SeaweedFS.
		t.Log("cluster: no SeaweedFS (ATELIER_TEST_WEED is unset): the instances share a local folder instead of S3")
		u := "file://" + filepath.Join(c.dir, "files")
		s, err := files.Open(context.Background(), u, filepath.Join(c.dir, "check-tmp"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		c.blobs = s
		return u
	}
	endpoint := filestest.S3Endpoint(t)
	bucket := filestest.NewBucket(t, endpoint)
	c.blobs, _ = filestest.OpenS3At(t, endpoint, bucket)
	return filestest.S3URL(endpoint, bucket)
}

// cli runs an atelier binary once and returns its standard output.
func (c *cluster) cli(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	out, err := c.run(bin, stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// run is cli for any goroutine: it returns what went wrong.
func (c *cluster) run(bin, stdin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(slices.Clone(c.env), "ATELIER_DATA="+filepath.Join(c.dir, "cli"))
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("atelier %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

// start runs instance i on its port with the binary bin, logging to a
// file of its own. It reports rather than fails, since it is also called
// from the goroutines that kill and restart instances.
func (c *cluster) start(i int, bin string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.starts++
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(slices.Clone(c.env),
		"ATELIER_ADDR=127.0.0.1:"+strconv.Itoa(c.ports[i]),
		"ATELIER_DATA="+filepath.Join(c.dir, fmt.Sprintf("instance%d", i)),
		"ATELIER_BASE_URL="+c.base)
	log, err := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("instance%d.log", i)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Whatever ends the test, the instance ends with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	log.Close()
	if err != nil {
		return fmt.Errorf("starting instance %d: %w", i, err)
	}
	c.procs[i] = cmd
	c.bins[i] = bin
	exited := make(chan struct{})
	c.exited[i] = exited
	go func() { cmd.Wait(); close(exited) }()
	return nil
}

// stop ends instance i the way a host does for an upgrade: SIGTERM, then
// waiting for it to drain and exit.
func (c *cluster) stop(i int) error {
	c.mu.Lock()
	p, exited := c.procs[i], c.exited[i]
	c.procs[i] = nil
	c.mu.Unlock()
	if p == nil {
		return nil
	}
	p.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return nil
	case <-time.After(30 * time.Second):
		p.Process.Kill()
		return fmt.Errorf("instance %d did not exit within 30 s of SIGTERM:\n%s", i, c.instanceLog(i))
	}
}

// kill ends instance i at once, as a lost machine would.
func (c *cluster) kill(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.procs[i]; p != nil {
		p.Process.Kill()
		c.procs[i] = nil
	}
}

func (c *cluster) stopAll() {
	for i := range instances {
		c.kill(i)
	}
	if c.nginxIn != nil {
		// nginx's workers outlive a master killed outright: stop the whole
		// group, politely first.
		pid := c.nginxIn.Process.Pid
		syscall.Kill(-pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { c.nginxIn.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		syscall.Kill(-pid, syscall.SIGKILL)
		<-done
	}
}

// instanceLog is the end of instance i's log, for a failure message.
func (c *cluster) instanceLog(i int) string {
	b, _ := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("instance%d.log", i)))
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// waitInstance waits until instance i is ready, and fails at once with
// its log when it exits instead.
func (c *cluster) waitInstance(t *testing.T, i int) {
	t.Helper()
	if err := c.instanceReady(i); err != nil {
		t.Fatal(err)
	}
}

// instanceReady waits until instance i answers /readyz with 200, and
// returns an error with its log when it exits or does not within 90 s.
func (c *cluster) instanceReady(i int) error {
	c.mu.Lock()
	exited := c.exited[i]
	c.mu.Unlock()
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		deadline := time.Now().Add(90 * time.Second)
		for time.Now().Before(deadline) {
			if res, err := http.Get("http://127.0.0.1:" + strconv.Itoa(c.ports[i]) + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return
				}
			}
			select {
			case <-exited:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	<-ready
	select {
	case <-exited:
		return fmt.Errorf("instance %d exited:\n%s", i, c.instanceLog(i))
	default:
	}
	if st := readyz("http://127.0.0.1:" + strconv.Itoa(c.ports[i])); st != "" {
		return fmt.Errorf("instance %d not ready within 90 s: %s\n%s", i, st, c.instanceLog(i))
	}
	return nil
}

// readyz is "" when base answers /readyz with 200, else what it answered.
func readyz(base string) string {
	res, err := http.Get(base + "/readyz")
	if err != nil {
		return err.Error()
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Sprintf("%d %s", res.StatusCode, bytes.TrimSpace(body))
	}
	return ""
}

func (c *cluster) waitReady(t *testing.T, base string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last string
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
			last = fmt.Sprintf("%d %s", res.StatusCode, body)
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	var logs strings.Builder
	for i := range instances {
		fmt.Fprintf(&logs, "--- instance %d\n%s\n", i, c.instanceLog(i))
	}
	t.Fatalf("%s/readyz not ready within %s: %s\n%s", base, limit, last, logs.String())
}

// startNginx runs nginx on deploy/nginx.conf with this test's ports and
// its own pid file and temporary folders.
func (c *cluster) startNginx(t *testing.T, nginx string, port int) {
	src, err := os.ReadFile("../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(src)
	replace := func(old, new string) {
		if !strings.Contains(conf, old) {
			t.Fatalf("deploy/nginx.conf no longer has %q, which the cluster test replaces", old)
		}
		conf = strings.ReplaceAll(conf, old, new)
	}
	for i := range instances {
		replace(fmt.Sprintf("127.0.0.1:%d ", 8081+i), fmt.Sprintf("127.0.0.1:%d ", c.ports[i]))
	}
	replace("listen 127.0.0.1:8080;", fmt.Sprintf("listen 127.0.0.1:%d;", port))
	replace("/tmp/atelier-nginx", filepath.Join(c.dir, "nginx"))
	file := filepath.Join(c.dir, "nginx.conf")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-e", "stderr", "-p", c.dir, "-c", file, "-g", "daemon off;")
	log, err := os.Create(filepath.Join(c.dir, "nginx.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	log.Close()
	c.nginxIn = cmd
}

func freePorts(t *testing.T, n int) []int {
	var ports []int
	var held []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range held {
		l.Close()
	}
	return ports
}

// A sample is one request as a client saw it.
type sample struct {
	route      string
	start, end time.Time
	status     int
	err        error
	// answer is the start of a failed answer's body, for the report.
	answer string
}

// workload is the clients and what they saw answered.
type workload struct {
	c      *cluster
	client *http.Client

	mu       sync.Mutex
	samples  []sample
	began    time.Time
	killAt   time.Time
	killed   int
	restart  time.Time
	inquiry  []inquiry         // answered 201
	pieces   map[string]string // id → subject, answered 201
	coats    map[string]int    // piece id → coats answered 201
	unsure   map[string]bool   // piece ids with a request that failed: their counts may be one more
	logins   int
	authed   int
	lost     []string
	serial   int
	doneWith int // pieces delivered
	// windows are the spans in which a request may fail: in flight on
	// an instance that was killed or stopped, or on the database while it
	// restarted.
	windows []window
	// steps are the operator's steps (the upgrade, the kill, the
	// database's restart) as the summary tells them.
	steps []string
	// problems are what the operator's goroutine found wrong; the test
	// goroutine reports them.
	problems []string
	editions editionLoad
	// messages are the studio's messages to clients answered 201, each of
	// which must reach the client's mailbox.
	messages []sentMessage
}

// A window is a span of time in which requests may fail for a cause.
type window struct {
	cause    string
	from, to time.Time
	// back, when set, is when the cause was over (to adds a grace).
	back time.Time
	// status, when set, is the only answer the window excuses.
	status int
}

type sentMessage struct {
	id, to, body string
}

type inquiry struct {
	id, subject string
	photos      int
}

func newWorkload(c *cluster) *workload {
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}
	return &workload{c: c, pieces: map[string]string{}, coats: map[string]int{}, unsure: map[string]bool{},
		client: &http.Client{Transport: tr, Timeout: 60 * time.Second,
			// A redirect is an answer to look at (a sign-in's, or the
			// login page for a lost session), not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (w *workload) next() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.serial++
	return w.serial
}

// do sends one request through nginx and records what came back.
func (w *workload) do(route string, req *http.Request) (*http.Response, []byte) {
	s := sample{route: route, start: time.Now()}
	res, err := w.client.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(res.Body)
		res.Body.Close()
		s.status = res.StatusCode
		if s.status >= 400 {
			s.answer = string(body[:min(len(body), 160)])
		}
	}
	s.end, s.err = time.Now(), err
	w.mu.Lock()
	w.samples = append(w.samples, s)
	w.mu.Unlock()
	if err != nil {
		return nil, nil
	}
	return res, body
}

// api sends a JSON request with the owner's token.
func (w *workload) api(route, method, path string, body any) (int, map[string]any) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.c.base+path, r)
	req.Header.Set("Authorization", "Bearer "+w.c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, b := w.do(route, req)
	if res == nil {
		return 0, nil
	}
	var out map[string]any
	json.Unmarshal(b, &out)
	return res.StatusCode, out
}

func (w *workload) run(t *testing.T, d time.Duration) {
	if st, out := w.api("PATCH studio", "PATCH", "/api/v1/studio", map[string]any{"coat_dry_minutes": map[string]int{
		"matte_polyurethane": 1, "gloss_polyurethane": 1, "epoxy": 1}}); st != 200 {
		t.Fatalf("short dry times: %d %v", st, out)
	}
	st, oven := w.api("POST oven", "POST", "/api/v1/ovens", map[string]any{"name": "Toaster", "kind": "toaster"})
	if st != 201 {
		t.Fatalf("creating an oven: %d %v", st, oven)
	}
	ovenID := oven["id"].(string)
	w.samples = nil

	start := time.Now()
	w.began = start
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				w.inquire(i)
				// A client takes a moment to fill in the next form; without
				// it inquiries crowd out the rest of the load.
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				w.walkPiece(deadline, ovenID)
			}
		})
	}
	for range 4 {
		wg.Go(func() { w.numberEditions(deadline) })
	}
	for _, email := range w.c.users {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				w.signInAndBrowse(email, deadline)
			}
		})
	}
	wg.Go(func() {
		for time.Now().Before(deadline) {
			w.api("GET board", "GET", "/api/v1/board", nil)
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The operator, one step after the other: the rolling upgrade early
	// on, an instance killed outright half-way and started again ten
	// seconds later, then the database restarted.
	wg.Go(func() { w.operate(start, d) })
	wg.Wait()
	w.c.waitInstance(t, 1)
	for _, p := range w.problems {
		t.Error(p)
	}
}

// operate is what happens to the cluster during the load. It runs off the
// test's goroutine, so it records problems instead of failing.
func (w *workload) operate(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d / 12)))
	w.upgrade()

	time.Sleep(time.Until(start.Add(d / 2)))
	w.mu.Lock()
	w.killAt, w.killed = time.Now(), 1
	w.mu.Unlock()
	w.c.kill(1)
	w.step("instance 1 killed (SIGKILL) at +%s", time.Since(start))
	time.Sleep(min(10*time.Second, d/6))
	if err := w.c.start(1, w.c.bin); err != nil {
		w.problem("restarting instance 1: %v", err)
		return
	}
	if err := w.c.instanceReady(1); err != nil {
		w.problem("%v", err)
	}
	w.mu.Lock()
	w.restart = time.Now()
	w.mu.Unlock()
	w.step("instance 1 back at +%s", time.Since(start))

	if w.c.pg == nil {
		w.step("PostgreSQL not restarted: the test runs on the machine's shared server")
		return
	}
	time.Sleep(time.Until(start.Add(d * 3 / 4)))
	from := time.Now()
	if err := w.c.pg.restart(); err != nil {
		w.problem("%v", err)
		return
	}
	back := time.Now()
	// What was in flight when it went down may fail, and so may what
	// comes in while it is down; a short grace after, while each
	// instance's pool finds its connections gone.
	w.mu.Lock()
	w.windows = append(w.windows, window{cause: "PostgreSQL restart", from: from, to: back.Add(pgGrace), back: back})
	w.mu.Unlock()
	w.step("PostgreSQL restarted (pg_ctl restart -m fast) at +%s, down for %s", from.Sub(start), back.Sub(from))
}

// pgGrace is how long after PostgreSQL is back a request may still fail.
const pgGrace = 2 * time.Second

func (w *workload) step(format string, args ...any) {
	for i, a := range args {
		if d, ok := a.(time.Duration); ok {
			args[i] = d.Round(100 * time.Millisecond)
		}
	}
	w.mu.Lock()
	w.steps = append(w.steps, fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

func (w *workload) problem(format string, args ...any) {
	w.mu.Lock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

func (w *workload) window(cause string, from, to time.Time) {
	w.mu.Lock()
	w.windows = append(w.windows, window{cause: cause, from: from, to: to})
	w.mu.Unlock()
}

// inquire sends a public inquiry with one to three small photos, each
// different so that each is a blob of its own.
func (w *workload) inquire(worker int) {
	n := w.next()
	subject := fmt.Sprintf("Subject %d-%d", worker, n)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"subject_name": subject, "relationship": "grandmother", "occasion": "birthday",
		"pose": "sitting", "story": "She taught us to bake.", "target_height_mm": "40", "deadline": "2099-12-01",
		"budget_cents": "50000", "contact_name": "Lea Berger", "contact_email": fmt.Sprintf("lea%d@example.com", n),
		"consent_show_process": "true"} {
		mw.WriteField(k, v)
	}
	angles := []string{"photo_front", "photo_back", "photo_left_profile"}
	photos := 1 + n%3
	for k := range photos {
		fw, _ := mw.CreateFormFile(angles[k], fmt.Sprintf("%s.jpg", angles[k]))
		fw.Write(syntheticJPEG(n*3 + k))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.c.base+"/api/v1/public/studios/"+w.c.studio+"/inquiries", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, body := w.do("POST inquiry", req)
	if res == nil || res.StatusCode != 201 {
		return
	}
	var out struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &out)
	w.mu.Lock()
	w.inquiry = append(w.inquiry, inquiry{id: out.ID, subject: subject, photos: photos})
	w.mu.Unlock()
	// The studio answers; the answer goes to the client by e-mail too,
	// through the outbox, from whichever instance runs the job.
	note := fmt.Sprintf("Thank you, we will start on %s soon (note %d).", subject, n)
	if st, m := w.api("POST message", "POST", "/api/v1/commissions/"+out.ID+"/messages", map[string]any{"body": note}); st == 201 {
		w.mu.Lock()
		w.messages = append(w.messages, sentMessage{id: m["id"].(string), to: fmt.Sprintf("lea%d@example.com", n), body: note})
		w.mu.Unlock()
	}
}

// syntheticJPEG is a small photo whose pixels depend on seed.
func syntheticJPEG(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 80))
	for y := range 80 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(seed * 7), uint8(x*4 + seed), uint8(y*3 + seed/256), 255})
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}

// walkPiece starts a piece and takes it through its stages until it is
// delivered or the time is up: what the stage asks for, then the
// checklist, then the next stage.
func (w *workload) walkPiece(deadline time.Time, oven string) {
	subject := fmt.Sprintf("Piece %d", w.next())
	st, p := w.api("POST piece", "POST", "/api/v1/pieces", map[string]any{"subject": subject, "target_height_mm": 40,
		"clay_brands": []string{"premo"}, "max_thickness_mm": 9})
	if st != 201 {
		return
	}
	id := p["id"].(string)
	w.mu.Lock()
	w.pieces[id] = subject
	w.mu.Unlock()
	path := "/api/v1/pieces/" + id
	for time.Now().Before(deadline) {
		st, p := w.api("GET piece", "GET", path, nil)
		if st != 200 {
			w.setUnsure(id)
			// A person waits a moment before reloading.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		stage, _ := p["stage"].(string)
		if w.stageStep(id, path, stage, p, oven) {
			continue
		}
		if stage == "delivered" {
			w.mu.Lock()
			w.doneWith++
			w.mu.Unlock()
			return
		}
		if key := openItem(p); key != "" {
			if st, _ := w.api("PUT checklist", "PUT", path+"/checklist/"+key, map[string]any{"done": true}); st != 200 {
				w.setUnsure(id)
			}
			continue
		}
		if st, _ := w.api("POST advance", "POST", path+"/advance", nil); st != 200 {
			w.setUnsure(id)
		}
	}
}

func (w *workload) setUnsure(id string) {
	w.mu.Lock()
	w.unsure[id] = true
	w.mu.Unlock()
}

// stageStep does what a stage asks for besides its checklist, and reports
// whether it did something.
func (w *workload) stageStep(id, path, stage string, p map[string]any, oven string) bool {
	switch stage {
	case "first_bake":
		if bakes, _ := p["bakes"].([]any); len(bakes) == 0 {
			from, to := time.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339)
			w.api("POST bake", "POST", "/api/v1/bakes", map[string]any{"oven_id": oven, "piece_ids": []string{id}, "started_at": from, "finished_at": to})
			return true
		}
	case "sanding":
		if due, ok := p["due_grit"].(float64); ok {
			w.api("POST sanding", "POST", path+"/sanding", map[string]any{"grit": int(due)})
			return true
		}
	case "colour_plan":
		if pal, _ := p["palette"].(map[string]any); len(pal["colors"].([]any)) == 0 {
			w.api("PUT palette", "PUT", path+"/palette", map[string]any{"colors": []map[string]string{
				{"name": "skin", "hex": "#E8B99A", "role": "base"}, {"name": "shade", "hex": "#8A5A44", "role": "shadow"},
				{"name": "light", "hex": "#FFF1E6", "role": "highlight"}}})
			return true
		}
	case "finish":
		coats := passCoats(p)
		// A coat goes on a dry one; the dry time is a minute. The first
		// coat of a pass is logged as put on two minutes ago (its timer is
		// due at once), the second 55 s ago (due in a few seconds), so a
		// piece gets through the finish within the load's minute.
		at := time.Now().Add(-115 * time.Second)
		if len(coats) > 0 {
			at = time.Now().Add(-55 * time.Second)
			dry, _ := time.Parse(time.RFC3339Nano, coats[len(coats)-1]["dry_at"].(string))
			if wait := time.Until(dry); wait > 0 {
				time.Sleep(min(wait+50*time.Millisecond, 2*time.Second))
				return true
			}
			if dry.After(at) {
				at = dry
			}
		}
		if len(coats) < 2 {
			st, _ := w.api("POST coat", "POST", path+"/coats", map[string]any{"kind": "matte_polyurethane", "sanded_2000_before": true,
				"applied_at": at.UTC().Format(time.RFC3339Nano)})
			w.mu.Lock()
			if st == 201 {
				w.coats[id]++
			} else {
				w.unsure[id] = true
			}
			w.mu.Unlock()
			return true
		}
	case "mount":
		if p["height_mm"] == nil {
			w.api("PATCH piece", "PATCH", path, map[string]any{"height_mm": 41, "width_mm": 22, "depth_mm": 19})
			return true
		}
	case "qc":
		checks := map[string]bool{}
		for _, k := range studio.QCChecks {
			checks[k.Key] = true
		}
		w.api("POST qc", "POST", path+"/qc", map[string]any{"checks": checks})
		return true
	}
	return false
}

// passCoats are the coats of the piece's current pass.
func passCoats(p map[string]any) []map[string]any {
	all, _ := p["coats"].([]any)
	pass := 0.0
	for _, c := range all {
		pass = max(pass, c.(map[string]any)["pass"].(float64))
	}
	var out []map[string]any
	for _, c := range all {
		if c := c.(map[string]any); c["pass"] == pass {
			out = append(out, c)
		}
	}
	return out
}

// openItem is a required item of the current stage not yet ticked.
func openItem(p map[string]any) string {
	items, _ := p["checklists"].([]any)
	for _, it := range items {
		item := it.(map[string]any)
		if item["stage"] == p["stage"] && item["required"] == true && item["done"] == false {
			return item["key"].(string)
		}
	}
	return ""
}

// signInAndBrowse signs in through the form and uses the session for a
// while on whichever instance nginx picks; a page that sends the signed-in
// person back to the login form means a lost session.
func (w *workload) signInAndBrowse(email string, deadline time.Time) {
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequest("POST", w.c.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ := w.do("POST login", req)
	if res == nil || res.StatusCode != http.StatusSeeOther {
		time.Sleep(200 * time.Millisecond)
		return
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "atelier_session" {
			cookie = c
		}
	}
	if cookie == nil {
		w.mu.Lock()
		w.lost = append(w.lost, email+": no session cookie after signing in")
		w.mu.Unlock()
		return
	}
	w.mu.Lock()
	w.logins++
	w.mu.Unlock()
	for i := 0; i < 30 && time.Now().Before(deadline); i++ {
		path := []string{"/dashboard", "/board", "/commissions"}[i%3]
		req, _ := http.NewRequest("GET", w.c.base+path, nil)
		req.AddCookie(cookie)
		res, _ := w.do("GET "+path, req)
		if res == nil {
			continue
		}
		w.mu.Lock()
		w.authed++
		if res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusUnauthorized {
			w.lost = append(w.lost, fmt.Sprintf("%s: GET %s answered %d (%s) with a session signed in at the %d-th request",
				email, path, res.StatusCode, res.Header.Get("Location"), i))
		}
		w.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
}

// check holds what the database and the bucket hold against what the
// clients saw answered, and prints the summary.
func (w *workload) check(t *testing.T) {
	ctx := context.Background()
	var sum strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sum, format+"\n", args...) }

	// Requests: a failure counts against the cluster unless it was in
	// flight when an instance died or stopped (or sent in the second
	// after, on a kept-alive connection nginx had to it), or while the
	// database restarted.
	if !w.killAt.IsZero() {
		w.windows = append(w.windows, window{cause: "instance 1 killed", from: w.killAt, to: w.killAt.Add(time.Second)})
	}
	var lat []time.Duration
	causes := map[string]int{}
	inWindow := map[string]int{}
	byWindow := map[string]int{}
	failed, afterBack := 0, 0
	for _, s := range w.samples {
		lat = append(lat, s.end.Sub(s.start))
		cause := ""
		switch {
		case s.err != nil:
			cause = s.route + ": " + errorKind(s.err)
		case s.status == http.StatusConflict && s.route == "POST edition piece":
			// The edition is complete: numberEditions checks it is.
		case s.status >= 400:
			cause = fmt.Sprintf("%s: %d", s.route, s.status)
		}
		if cause == "" {
			continue
		}
		if i := slices.IndexFunc(w.windows, func(win window) bool {
			return s.start.Before(win.to) && s.end.After(win.from) && (win.status == 0 || win.status == s.status)
		}); i >= 0 {
			inWindow[cause]++
			byWindow[w.windows[i].cause]++
			if b := w.windows[i].back; !b.IsZero() && s.start.After(b) {
				afterBack++
			}
			continue
		}
		failed++
		causes[cause]++
		if failed <= 10 {
			t.Logf("failed outside the windows: %s at +%s (%s): %s", cause, s.start.Sub(w.began).Round(time.Millisecond),
				s.end.Sub(s.start).Round(time.Millisecond), strings.TrimSpace(s.answer))
		}
	}
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(q*float64(len(lat))))].Round(time.Millisecond)
	}
	p("cluster: %d instances behind nginx, %d requests, p50 %s, p99 %s, max %s", instances, len(w.samples), pct(0.50), pct(0.99), pct(1))
	for _, s := range w.steps {
		p("cluster: %s", s)
	}
	p("cluster: %d failed requests outside the windows %s", failed, describe(causes))
	p("cluster: %d failed in flight %s: %s", total(inWindow), describe(byWindow), describe(inWindow))
	if w.c.pg != nil {
		d := w.c.pg.deadlocks()
		if len(d) > 0 {
			p("cluster: PostgreSQL's log has %d deadlocks, the losers: %s", len(d), strings.Join(d, " | "))
		}
		// The migration's window excuses a 409 as a request that lost a
		// deadlock to it: PostgreSQL must have seen one.
		if n := byWindow[migrationDeadlock]; n > 0 && len(d) == 0 {
			t.Errorf("%d requests answered 409 while migrating, and PostgreSQL's log has no deadlock", n)
		}
	}
	if byWindow["PostgreSQL restart"] > 0 {
		p("cluster: of the failures around PostgreSQL's restart, %d were sent after it was back (in the %s grace)", afterBack, pgGrace)
	}
	if failed > 0 {
		t.Errorf("%d requests failed that were not in flight on a stopped instance or the restarting database: %s", failed, describe(causes))
	}

	var studioID string
	must(t, w.c.db.QueryRow(`SELECT id FROM studios WHERE slug = $1`, w.c.studio).Scan(&studioID))
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		must(t, w.c.db.QueryRow(q, args...).Scan(&n))
		return n
	}

	// Inquiries: each answered one once, with the photos sent.
	for _, in := range w.inquiry {
		if n := count(`SELECT count(*) FROM commissions WHERE studio_id = $1 AND subject_name = $2`, studioID, in.subject); n != 1 {
			t.Errorf("inquiry %s (%s) answered 201 is there %d times", in.id, in.subject, n)
		}
		if n := count(`SELECT count(*) FROM photos WHERE commission_id = $1`, in.id); n != in.photos {
			t.Errorf("inquiry %s: %d photos sent, %d stored", in.id, in.photos, n)
		}
	}
	commissions := count(`SELECT count(*) FROM commissions WHERE studio_id = $1`, studioID)
	if extra := commissions - len(w.inquiry); extra < 0 || extra > total(inWindow) {
		t.Errorf("%d commissions stored, %d answered 201 (and %d requests failed in the kill window)", commissions, len(w.inquiry), total(inWindow))
	}

	// Pieces: each created one once; its coats as answered.
	coats := 0
	for id, subject := range w.pieces {
		if n := count(`SELECT count(*) FROM pieces WHERE studio_id = $1 AND subject = $2`, studioID, subject); n != 1 {
			t.Errorf("piece %s (%s) answered 201 is there %d times", id, subject, n)
		}
		n := count(`SELECT count(*) FROM coats WHERE piece_id = $1`, id)
		coats += n
		if seen := w.coats[id]; n != seen && !(w.unsure[id] && n == seen+1) {
			t.Errorf("piece %s: %d coats answered 201, %d stored", id, seen, n)
		}
		if timers := count(`SELECT count(*) FROM timers WHERE piece_id = $1 AND kind = 'coat_dry'`, id); timers != n {
			t.Errorf("piece %s: %d coats but %d dry timers", id, n, timers)
		}
	}

	// Jobs: every photo gets its three variants and every timer fires,
	// within a bound, on whichever instance runs them.
	waiting := time.Now()
	waitFor(t, 180*time.Second, "every photo's three variants", func() (bool, string) {
		n := count(`SELECT count(*) FROM photos p WHERE p.studio_id = $1 AND (SELECT count(*) FROM photo_variants v WHERE v.photo_id = p.id) <> 3`, studioID)
		return n == 0, fmt.Sprintf("%d photos without their three variants", n)
	})
	waitFor(t, 180*time.Second, "every dry timer to fire", func() (bool, string) {
		n := count(`SELECT count(*) FROM timers WHERE studio_id = $1 AND fired_at IS NULL`, studioID)
		return n == 0, fmt.Sprintf("%d timers not fired", n)
	})
	timers := count(`SELECT count(*) FROM timers WHERE studio_id = $1`, studioID)
	p("cluster: the jobs were done %s after the load stopped", time.Since(waiting).Round(time.Millisecond))
	// No job gave up (discarded) or is still waiting to try again after
	// an error (a job that failed while the database restarted is tried
	// again); a job the killed instance was running was rescued.
	waitFor(t, 90*time.Second, "the jobs tried again to complete", func() (bool, string) {
		n := count(`SELECT count(*) FROM river_job WHERE state IN ('retryable', 'running')`)
		return n == 0, fmt.Sprintf("%d jobs retryable or running", n)
	})
	editionsLine := w.checkEditions(t, studioID)
	mailLine := w.checkMail(t, studioID)
	jobs := map[string]int{}
	jr, err := w.c.db.Query(`SELECT kind, state, count(*) FROM river_job WHERE state IN ('discarded', 'retryable', 'cancelled') GROUP BY kind, state`)
	must(t, err)
	for jr.Next() {
		var kind, state string
		var n int
		must(t, jr.Scan(&kind, &state, &n))
		jobs[kind+" "+state] = n
	}
	must(t, jr.Err())
	jr.Close()
	if len(jobs) > 0 {
		t.Errorf("jobs that did not complete: %s", describe(jobs))
	}
	completed := count(`SELECT count(*) FROM river_job WHERE state = 'completed'`)

	// Blobs: every photo and every variant is readable from the bucket,
	// and its content is the hash it is stored under.
	rows, err := w.c.db.Query(`SELECT f.sha256 FROM photos p JOIN files f ON f.studio_id = p.studio_id AND f.id = p.file_id WHERE p.studio_id = $1
		UNION ALL SELECT f.sha256 FROM photo_variants v JOIN files f ON f.studio_id = v.studio_id AND f.id = v.file_id WHERE v.studio_id = $1`, studioID)
	must(t, err)
	var shas []string
	for rows.Next() {
		var sha string
		must(t, rows.Scan(&sha))
		shas = append(shas, sha)
	}
	must(t, rows.Err())
	rows.Close()
	// Eight readers at a time: thousands of small blobs, one by one, would
	// take longer than the load did.
	var rg sync.WaitGroup
	todo := make(chan string)
	for range 8 {
		rg.Go(func() {
			for sha := range todo {
				r, err := w.c.blobs.Open(ctx, sha)
				if err != nil {
					t.Errorf("blob %s: %v", sha, err)
					continue
				}
				h := sha256.New()
				_, err = io.Copy(h, r)
				r.Close()
				if err != nil || hex.EncodeToString(h.Sum(nil)) != sha {
					t.Errorf("blob %s does not read back whole from the bucket (%v)", sha, err)
				}
			}
		})
	}
	for _, sha := range shas {
		todo <- sha
	}
	close(todo)
	rg.Wait()
	photos := count(`SELECT count(*) FROM photos WHERE studio_id = $1`, studioID)
	stages := map[string]int{}
	sr, err := w.c.db.Query(`SELECT stage, count(*) FROM pieces WHERE studio_id = $1 GROUP BY stage`, studioID)
	must(t, err)
	for sr.Next() {
		var stage string
		var n int
		must(t, sr.Scan(&stage, &n))
		stages[stage] = n
	}
	must(t, sr.Err())
	sr.Close()

	for _, l := range w.lost[:min(len(w.lost), 5)] {
		t.Errorf("lost session: %s", l)
	}
	p("cluster: %d inquiries (%d commissions stored), %d photos with 3 variants each, %d blobs read back from the bucket", len(w.inquiry), commissions, photos, len(shas))
	p("cluster: %d pieces %s (%d delivered), %d coats, %d timers fired, %d jobs completed", len(w.pieces), describe(stages), w.doneWith, coats, timers, completed)
	p("cluster: %d sign-ins, %d signed-in pages on any instance, %d sessions lost", w.logins, w.authed, len(w.lost))
	p("cluster: %s", editionsLine)
	p("cluster: %s", mailLine)
	t.Log("\n" + sum.String())
	fmt.Print(sum.String())
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("waited %s for %s: %s", limit, what, state)
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// errorKind names a transport error without its addresses.
func errorKind(err error) string {
	s := err.Error()
	for _, k := range []string{"connection reset", "connection refused", "EOF", "timeout", "deadline"} {
		if strings.Contains(s, k) {
			return k
		}
	}
	return s
}

func describe(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, n))
	}
	slices.Sort(parts)
	return "(" + strings.Join(parts, ", ") + ")"
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
