package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// cli runs atelier in-process with the given environment and stdin.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T, d store.Dialect) *cli {
	c := &cli{t: t, env: map[string]string{"ATELIER_DATA": t.TempDir()}}
	if d == store.Postgres {
		c.env["ATELIER_DATABASE_URL"] = storetest.NewSchema(t)
		c.env["ATELIER_SECRET_KEY"] = testSecretKey
	}
	return c
}

// testSecretKey is an install secret for the tests: 32 bytes of base64.
const testSecretKey = "dGVzdHMgb2YgYXRlbGllcjogbm90IGEgc2VjcmV0ISE="

func (c *cli) run(stdin string, args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	e := env{getenv: func(k string) string { return c.env[k] }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}
	err = run(context.Background(), args, e)
	return out.String(), errOut.String(), err
}

func (c *cli) must(stdin string, args ...string) string {
	c.t.Helper()
	out, errOut, err := c.run(stdin, args...)
	if err != nil {
		c.t.Fatalf("atelier %v: %v\n%s", args, err, errOut)
	}
	return out
}

// The automation path end to end: create a studio, its owner and a token
// with the CLI, then use the token against the running server.
func TestCLIAndServe(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		c := newCLI(t, d)
		c.must("", "migrate")
		c.must("", "studio", "create", "--slug", "ana", "--name", "Ana's Miniatures", "--artist", "Ana Petrova",
			"--currency", "CHF", "--timezone", "Europe/Vienna", "--units", "imperial")
		c.must("a long password\n", "user", "add", "--studio", "ana", "--email", "ana@example.com", "--name", "Ana", "--role", "owner", "--password-stdin")
		out := c.must("", "token", "create", "--email", "ana@example.com")
		token := strings.TrimSuffix(out, "\n")
		if !strings.HasPrefix(token, "atl_") || strings.Count(out, "\n") != 1 || strings.ContainsAny(token, " \t\n") {
			t.Fatalf("token create must print one token on one line, got %q", out)
		}

		base, stop := c.serve(t)
		defer stop()
		// The CLI works while the server runs on the same data.
		c.must("", "studio", "create", "--slug", "ben", "--name", "Ben", "--artist", "Ben")

		var me struct {
			Email  string `json:"email"`
			Studio struct{ Slug, Currency, Timezone string }
		}
		if status := getJSON(t, base+"/api/v1/me", token, &me); status != 200 || me.Email != "ana@example.com" ||
			me.Studio.Currency != "CHF" || me.Studio.Timezone != "Europe/Vienna" {
			t.Fatalf("me: %d %+v", status, me)
		}
		c.must("", "token", "revoke", "--token", token)
		if status := getJSON(t, base+"/api/v1/me", token, nil); status != 401 {
			t.Fatalf("a revoked token answered %d", status)
		}
	})
}

// serve starts `atelier serve` on port 0 and returns its address and a stop
// function that cancels it and checks it shut down cleanly.
func (c *cli) serve(t *testing.T) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		e := env{getenv: func(k string) string { return c.env[k] }, stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard}
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, e)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve did not start: %v", <-done)
	}
	go io.Copy(io.Discard, pr)
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return "http://" + addr, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	}
}

func getJSON(t *testing.T, url, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil {
		json.NewDecoder(res.Body).Decode(v)
	}
	return res.StatusCode
}

func TestCLIRefusesBadInput(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		c := newCLI(t, d)
		c.must("", "studio", "create", "--slug", "ana", "--name", "Ana", "--artist", "Ana")
		c.must("a long password\n", "user", "add", "--studio", "ana", "--email", "ana@example.com", "--name", "Ana", "--role", "owner", "--password-stdin")
		tests := []struct {
			name  string
			stdin string
			args  []string
			usage bool   // a command-line mistake, exit status 2
			msg   string // what the error says
		}{
			{"no command", "", nil, true, ""},
			{"unknown command", "", []string{"frobnicate"}, true, ""},
			{"missing slug", "", []string{"studio", "create", "--name", "A", "--artist", "A"}, true, "--slug is required"},
			{"stray argument", "", []string{"migrate", "extra"}, true, "unexpected argument"},
			{"unknown flag", "", []string{"migrate", "--colour", "red"}, true, ""},
			{"duplicate slug", "", []string{"studio", "create", "--slug", "ana", "--name", "A", "--artist", "A"}, false, "--slug is already used"},
			{"invalid slug", "", []string{"studio", "create", "--slug", "Ana Minis", "--name", "A", "--artist", "A"}, false, "--slug may hold only"},
			{"invalid currency", "", []string{"studio", "create", "--slug", "cur", "--name", "A", "--artist", "A", "--currency", "EURO"}, false, "--currency must be an ISO 4217"},
			{"invalid time zone", "", []string{"studio", "create", "--slug", "tz", "--name", "A", "--artist", "A", "--timezone", "Europe/Atlantis"}, false, "--timezone must be an IANA"},
			{"invalid units", "", []string{"studio", "create", "--slug", "un", "--name", "A", "--artist", "A", "--units", "cubits"}, false, "--units"},
			{"password as argument", "", []string{"user", "add", "--studio", "ana", "--email", "b@example.com", "--name", "B", "--role", "owner"}, true, "--password-stdin is required"},
			{"empty stdin", "", []string{"user", "add", "--studio", "ana", "--email", "b@example.com", "--name", "B", "--role", "owner", "--password-stdin"}, false, "no password"},
			{"short password", "short\n", []string{"user", "add", "--studio", "ana", "--email", "b@example.com", "--name", "B", "--role", "owner", "--password-stdin"}, false, "--password must be at least"},
			{"duplicate e-mail", "a long password\n", []string{"user", "add", "--studio", "ana", "--email", "ANA@example.com", "--name", "B", "--role", "owner", "--password-stdin"}, false, "--email is already in use"},
			{"unknown studio", "a long password\n", []string{"user", "add", "--studio", "nobody", "--email", "c@example.com", "--name", "C", "--role", "owner", "--password-stdin"}, false, "No such studio"},
			{"bad role", "a long password\n", []string{"user", "add", "--studio", "ana", "--email", "c@example.com", "--name", "C", "--role", "boss", "--password-stdin"}, false, "--role must be"},
			{"token for nobody", "", []string{"token", "create", "--email", "nobody@example.com"}, false, "No such user"},
			{"revoke unknown token", "", []string{"token", "revoke", "--token", "atl_nothing"}, false, "No such token"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out, errOut, err := c.run(tt.stdin, tt.args...)
				if err == nil {
					t.Fatalf("accepted: %s", out)
				}
				if errors.Is(err, errUsage) != tt.usage {
					t.Fatalf("usage error %v, want %v: %v", errors.Is(err, errUsage), tt.usage, err)
				}
				if !strings.Contains(err.Error()+errOut, tt.msg) {
					t.Fatalf("error %q / %q does not say %q", err, errOut, tt.msg)
				}
				if out != "" {
					t.Fatalf("printed %q on stdout after failing", out)
				}
			})
		}
		// Nothing that was refused was written.
		st, err := store.Open(context.Background(), store.Config{DataDir: c.env["ATELIER_DATA"], DatabaseURL: c.env["ATELIER_DATABASE_URL"]})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if n, _ := st.CountStudios(context.Background()); n != 1 {
			t.Fatalf("%d studios, want 1", n)
		}
		ana, _ := st.StudioBySlug(context.Background(), "ana")
		if users, _ := st.Users(context.Background(), ana.ID); len(users) != 1 {
			t.Fatalf("%d users, want 1", len(users))
		}
	})
}

func TestBadConfiguration(t *testing.T) {
	c := newCLI(t, store.SQLite)
	c.env["ATELIER_BASE_URL"] = "localhost:8080"
	if _, _, err := c.run("", "migrate"); err == nil || !strings.Contains(err.Error(), "ATELIER_BASE_URL") {
		t.Fatalf("a relative base URL was accepted: %v", err)
	}
	c = newCLI(t, store.SQLite)
	c.env["ATELIER_DATABASE_URL"] = "mysql://localhost/atelier"
	if _, _, err := c.run("", "migrate"); err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Fatalf("a non-PostgreSQL database URL was accepted: %v", err)
	}
	c = newCLI(t, store.SQLite)
	c.env["ATELIER_TRUSTED_PROXIES"] = "10.0.0.0/33"
	if _, _, err := c.run("", "migrate"); err == nil || !strings.Contains(err.Error(), "ATELIER_TRUSTED_PROXIES") {
		t.Fatalf("a bad proxy list was accepted: %v", err)
	}
	c = newCLI(t, store.SQLite)
	c.env["ATELIER_FILES_URL"] = "nosuchscheme://bucket"
	if _, _, err := c.run("", "serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "ATELIER_FILES_URL") {
		t.Fatalf("an unknown files URL was accepted: %v", err)
	}
	// The install secret is 32 bytes of standard base64, and required with
	// a database server.
	for _, bad := range []string{"c2hvcnQ=", "not base64 at all", strings.TrimRight(testSecretKey, "=")} {
		c = newCLI(t, store.SQLite)
		c.env["ATELIER_SECRET_KEY"] = bad
		if _, _, err := c.run("", "migrate"); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Fatalf("secret key %q was accepted: %v", bad, err)
		}
	}
	c = newCLI(t, store.SQLite)
	c.env["ATELIER_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
	if _, _, err := c.run("", "serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "ATELIER_SECRET_KEY is required") {
		t.Fatalf("serve on a database server without a secret: %v", err)
	}
	c = newCLI(t, store.SQLite)
	c.env["ATELIER_SHUTDOWN_TIMEOUT"] = "soon"
	if _, _, err := c.run("", "serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "ATELIER_SHUTDOWN_TIMEOUT") {
		t.Fatalf("a shutdown timeout that is no duration was accepted: %v", err)
	}
	c = newCLI(t, store.SQLite)
	if _, _, err := c.run("", "serve", "--addr", "127.0.0.1:0", "--shutdown-timeout", "0s"); !errors.Is(err, errUsage) {
		t.Fatalf("a shutdown timeout of 0 was accepted: %v", err)
	}
	// The data directory is created when missing, nested or not.
	c = newCLI(t, store.SQLite)
	dir := filepath.Join(c.env["ATELIER_DATA"], "a", "b")
	c.must("", "migrate", "--data", dir)
	if _, err := os.Stat(filepath.Join(dir, "atelier.db")); err != nil {
		t.Fatal(err)
	}
}

// TestMain lets the test binary stand in for the atelier binary, so that a
// test can send it a real SIGTERM.
func TestMain(m *testing.M) {
	if os.Getenv("ATELIER_TEST_BE_MAIN") == "1" {
		os.Args = append([]string{"atelier"}, strings.Fields(os.Getenv("ATELIER_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestServeStopsGracefullyOnSIGTERM(t *testing.T) {
	data := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ATELIER_TEST_BE_MAIN=1", "ATELIER_TEST_ARGS=serve --addr 127.0.0.1:0 --data "+data)
	var logs syncBuffer
	cmd.Stderr = &logs
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("no listening line: %v\n%s", err, logs.String())
	}
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	if status := getJSON(t, base+"/healthz", "", nil); status != 200 {
		t.Fatalf("healthz %d", status)
	}
	terminate(t, cmd, &logs, 30*time.Second)
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", logs.String())
	}
}

// With the embedded default, serve makes the install secret once, readable
// by its owner alone, keeps it across restarts, and no backup holds it.
func TestServeKeepsItsSecretOutOfBackups(t *testing.T) {
	c := newCLI(t, store.SQLite)
	path := filepath.Join(c.env["ATELIER_DATA"], "secret.key")
	base, stop := c.serve(t)
	getJSON(t, base+"/healthz", "", nil)
	stop()
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("serve made no secret: %v", err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key has mode %v", info.Mode().Perm())
	}
	base, stop = c.serve(t)
	getJSON(t, base+"/healthz", "", nil)
	stop()
	if again, _ := os.ReadFile(path); !bytes.Equal(again, first) {
		t.Fatal("a restart made another secret")
	}
	c.must("", "studio", "create", "--slug", "ana", "--name", "Ana's Miniatures", "--artist", "Ana Petrova")
	out := filepath.Join(t.TempDir(), "ana.tar")
	c.run("", "backup", "--studio", "ana", "--out", out)
	archive, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(string(first)))
	if bytes.Contains(archive, bytes.TrimSpace(first)) || bytes.Contains(archive, key) {
		t.Fatal("the backup holds the install secret")
	}
}

// A request still running when the shutdown limit is reached is cancelled:
// its half-spooled upload is removed and the process still exits 0. At
// start, spool files a crash left an hour ago are removed, fresh ones kept.
func TestShutdownCancelsRequestsPastTheLimit(t *testing.T) {
	c := newCLI(t, store.SQLite)
	data := c.env["ATELIER_DATA"]
	c.must("", "studio", "create", "--slug", "ana", "--name", "Ana", "--artist", "Ana")
	c.must("a long password\n", "user", "add", "--studio", "ana", "--email", "ana@example.com", "--name", "Ana", "--role", "owner", "--password-stdin")
	token := strings.TrimSpace(c.must("", "token", "create", "--email", "ana@example.com"))
	tmp := filepath.Join(data, "tmp")
	crashed, fresh := filepath.Join(tmp, "upload-crashed"), filepath.Join(tmp, "upload-fresh")
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{crashed, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Now().Add(-2 * time.Hour)
	os.Chtimes(crashed, then, then)

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ATELIER_TEST_BE_MAIN=1", "ATELIER_SHUTDOWN_TIMEOUT=1s",
		"ATELIER_TEST_ARGS=serve --addr 127.0.0.1:0 --data "+data)
	var logs syncBuffer
	cmd.Stderr = &logs
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v\n%s", err, logs.String())
	}
	if _, err := os.Stat(crashed); err == nil {
		t.Error("the spool file a crash left an hour ago is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh spool file was removed at start: %v", err)
	}

	// An upload that is half sent when SIGTERM comes, and stays so.
	conn, err := net.Dial("tcp", strings.TrimSpace(strings.TrimPrefix(line, "listening on ")))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 4 << 20
	fmt.Fprintf(conn, "POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", token, size)
	conn.Write(bytes.Repeat([]byte("y"), size/4))
	spools := func() []string {
		names, _ := filepath.Glob(filepath.Join(tmp, "upload-*"))
		return slices.DeleteFunc(names, func(n string) bool { return n == fresh })
	}
	for deadline := time.Now().Add(30 * time.Second); len(spools()) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the upload never started spooling\n%s", logs.String())
		}
	}

	terminate(t, cmd, &logs, 60*time.Second)
	if left := spools(); len(left) != 0 {
		t.Errorf("the abandoned upload left %v", left)
	}
	for _, want := range []string{"shutdown limit reached", `"msg":"stopped"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logs.String())
		}
	}
	// The client learns that its request ended.
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Errorf("the connection was not closed: %v", err)
	}
}

// terminate sends the process SIGTERM and fails the test unless it exits
// with status 0 within the given time.
func terminate(t *testing.T, cmd *exec.Cmd, logs *syncBuffer, within time.Duration) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(within):
		cmd.Process.Kill()
		t.Fatalf("still running %v after SIGTERM\n%s", within, logs.String())
	}
}
