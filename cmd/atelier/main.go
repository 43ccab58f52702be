// Command atelier is the studio system for polymer-clay portrait
// miniatures: the server and the administration CLI in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// Studios name their time zone; a host or container without a zoneinfo
	// database must still know it.
	_ "time/tzdata"
)

const usage = `atelier — the studio system for portrait miniatures

Usage:
  atelier serve   [--addr :8080] [--shutdown-timeout 20s] [--data ./data] [--demo]
  atelier migrate [--data ./data]
  atelier studio create --slug SLUG --name NAME --artist NAME [--currency EUR] [--timezone UTC] [--units metric|imperial] [--data ./data]
  atelier user add --studio SLUG --email E --name N --role owner|assistant --password-stdin [--data ./data]
  atelier token create --email E [--name LABEL] [--data ./data]
  atelier token revoke --token T [--data ./data]
  atelier backup  --studio SLUG --out FILE [--passphrase-stdin] [--data ./data]
  atelier restore [--data ./data] FILE [--passphrase-stdin]
  atelier export  --studio SLUG --out FILE.zip [--data ./data]
  atelier verify  [--key VKEY] [--base-url URL] [--config-dir DIR] URL-OR-SERIAL
  atelier audit   [--key VKEY] [--config-dir DIR] BASE/s/SLUG
  atelier plan jobshop FILE.json [--instance NAME] [--seconds 5] [--schedule]

Environment:
  ATELIER_DATABASE_URL  a postgres:// URL; empty means SQLite at DATA/atelier.db
  ATELIER_FILES_URL     a gocloud blob URL (file://, s3://); default DATA/files
  ATELIER_BASE_URL      the public address used in links and QR codes (default http://localhost:8080)
  ATELIER_SMTP_URL      smtp://user:pass@host:587?from=studio@example.com: also e-mail messages to clients
  ATELIER_INQUIRIES_PER_HOUR  public inquiries accepted per address and hour (default 10)
  ATELIER_TRUSTED_PROXIES     load balancers whose X-Forwarded-For names the client (e.g. 10.0.0.0/8)
  ATELIER_CONFIG_DIR    where verify and audit keep pinned keys and seen checkpoints
  ATELIER_ADDR, ATELIER_DATA, ATELIER_SHUTDOWN_TIMEOUT  defaults for --addr, --data and --shutdown-timeout
`

// env is the process environment, injectable for tests.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// errUsage marks a mistake in the command line (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	e := env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	if err := run(ctx, os.Args[1:], e); err != nil {
		if !errors.Is(err, errUsage) && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "atelier:", explain(err))
			os.Exit(1)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return serve(ctx, rest, e)
	case cmd == "migrate":
		return migrate(ctx, rest, e)
	case cmd == "studio" && sub == "create":
		return studioCreate(ctx, rest[1:], e)
	case cmd == "user" && sub == "add":
		return userAdd(ctx, rest[1:], e)
	case cmd == "token" && sub == "create":
		return tokenCreate(ctx, rest[1:], e)
	case cmd == "token" && sub == "revoke":
		return tokenRevoke(ctx, rest[1:], e)
	case cmd == "backup":
		return backupStudio(ctx, rest, e)
	case cmd == "restore":
		return restoreStudio(ctx, rest, e)
	case cmd == "export":
		return exportStudio(ctx, rest, e)
	case cmd == "verify":
		return verifyCertificate(ctx, rest, e)
	case cmd == "audit":
		return auditLog(ctx, rest, e)
	case cmd == "plan" && sub == "jobshop":
		return planJobshop(ctx, rest[1:], e)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprintf(e.stderr, "atelier: unknown command %q\n\n%s", cmd+" "+sub, usage)
	return errUsage
}
