package cluster

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// privatePG is a PostgreSQL server of the test's own, in a folder of its
// own on a free loopback port, so that the test may restart it under load;
// the machine's shared server is never touched.
type privatePG struct {
	bin  string // the folder of initdb, pg_ctl and postgres
	dir  string
	data string
	port int
	// as runs a command as the postgres user when the test runs as root
	// (initdb and postgres refuse to run as root).
	as []string
}

// startPrivatePG initialises and starts a server under dir. It returns an
// error, not a failure, so that the caller can fall back to the shared
// server.
func startPrivatePG(dir string) (*privatePG, error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		return nil, errors.New("no /usr/lib/postgresql/*/bin/initdb")
	}
	slices.Sort(bins) // the newest major version last
	pg := &privatePG{bin: filepath.Dir(bins[len(bins)-1]), dir: dir, data: filepath.Join(dir, "data")}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root without a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return nil, errors.New("running as root without runuser")
		}
		pg.as = []string{runuser, "-u", "postgres", "--"}
	}
	if out, err := pg.cmd("initdb", "-D", pg.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// A port that was free a moment ago; another process taking it in
	// between makes the start fail, and the test fall back.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	pg.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	// Durability is not what this test is about; the fast restart is.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", pg.port, dir)
	if out, err := pg.cmd("pg_ctl", "-D", pg.data, "-l", filepath.Join(dir, "server.log"), "-o", opts, "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, pg.log())
	}
	return pg, nil
}

func (pg *privatePG) cmd(name string, args ...string) *exec.Cmd {
	argv := append(slices.Clone(pg.as), append([]string{filepath.Join(pg.bin, name)}, args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = pg.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func (pg *privatePG) url(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.port, database)
}

// restart stops the server the fast way (open connections are cut, what
// is in flight is rolled back) and starts it again, as an operator's
// `pg_ctl restart -m fast` does.
func (pg *privatePG) restart() error {
	if out, err := pg.cmd("pg_ctl", "-D", pg.data, "-l", filepath.Join(pg.dir, "server.log"), "-m", "fast", "-w", "-t", "60", "restart").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl restart: %v\n%s\n%s", err, out, pg.log())
	}
	return nil
}

func (pg *privatePG) stop() {
	pg.cmd("pg_ctl", "-D", pg.data, "-m", "immediate", "-w", "-t", "30", "stop").Run()
}

func (pg *privatePG) log() string {
	b, _ := os.ReadFile(filepath.Join(pg.dir, "server.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// waitUp waits until the server accepts connections again.
func (pg *privatePG) waitUp(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if pg.cmd("pg_isready", "-h", "127.0.0.1", "-p", strconv.Itoa(pg.port), "-q").Run() == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("PostgreSQL not back within %s", limit)
}

// deadlocks are the statements PostgreSQL rolled back as a deadlock's
// loser, from its log.
func (pg *privatePG) deadlocks() []string {
	b, _ := os.ReadFile(filepath.Join(pg.dir, "server.log"))
	lines := strings.Split(string(b), "\n")
	var out []string
	for i, l := range lines {
		if !strings.Contains(l, "deadlock detected") {
			continue
		}
		for _, next := range lines[i+1 : min(len(lines), i+12)] {
			if _, stmt, ok := strings.Cut(next, "STATEMENT:"); ok {
				stmt = strings.Join(strings.Fields(stmt), " ")
				out = append(out, stmt[:min(len(stmt), 100)])
				break
			}
		}
	}
	return out
}
