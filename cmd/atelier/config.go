package main

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/files"
	"atelier/internal/mail"
	"atelier/internal/server"
	"atelier/internal/store"
)

// config is parsed once here and handed down as values.
type config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	FilesURL    string
	BaseURL     string
	// Mail is the parsed ATELIER_SMTP_URL; nil means mail is off.
	Mail *mail.Config
	// InquiriesPerHour bounds public inquiries from one address.
	InquiriesPerHour int
	// TrustedProxies may tell the client's address (ATELIER_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// SecretKey is ATELIER_SECRET_KEY, when set; see secretKey.
	SecretKey []byte
	// Now is the one clock the store, the server and the jobs read.
	Now func() time.Time
	// ShutdownTimeout is how long requests may finish after SIGTERM (serve).
	ShutdownTimeout time.Duration
	// DrainDelay is how long serve stays up, reported not ready, after
	// SIGTERM before it stops taking requests (serve).
	DrainDelay time.Duration
	// FFmpeg is the ffmpeg program the time-lapse job runs (serve's
	// --ffmpeg, ATELIER_FFMPEG); "ffmpeg" is looked up on PATH.
	FFmpeg string
	// Demo is serve's --demo: a demonstration studio in its own data
	// directory.
	Demo bool
	// AllowPrivateWitnesses lets witness servers sit on private addresses
	// (ATELIER_WITNESS_ALLOW_PRIVATE=1, for tests and closed networks).
	AllowPrivateWitnesses bool
}

// newFlags starts a subcommand's flag set with the flags every subcommand
// shares; the environment supplies their defaults.
func newFlags(name string, e env, c *config) *flag.FlagSet {
	fs := flag.NewFlagSet("atelier "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&c.DataDir, "data", orDefault(e.getenv("ATELIER_DATA"), "./data"), "data directory: the SQLite database and the files")
	return fs
}

// parse parses args and completes c from the environment.
func parse(fs *flag.FlagSet, args []string, e env, c *config) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	c.Now = time.Now
	c.DatabaseURL = strings.TrimSpace(e.getenv("ATELIER_DATABASE_URL"))
	c.FilesURL = strings.TrimSpace(e.getenv("ATELIER_FILES_URL"))
	c.BaseURL = strings.TrimRight(orDefault(strings.TrimSpace(e.getenv("ATELIER_BASE_URL")), "http://localhost:8080"), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("ATELIER_BASE_URL must be an absolute http(s) URL, got %q", c.BaseURL)
	}
	if raw := strings.TrimSpace(e.getenv("ATELIER_SMTP_URL")); raw != "" {
		mc, err := mail.ParseURL(raw)
		if err != nil {
			return fmt.Errorf("ATELIER_SMTP_URL %w", err)
		}
		c.Mail = &mc
	}
	if raw := strings.TrimSpace(e.getenv("ATELIER_INQUIRIES_PER_HOUR")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return fmt.Errorf("ATELIER_INQUIRIES_PER_HOUR must be a whole number of at least 1, got %q", raw)
		}
		c.InquiriesPerHour = n
	}
	var err error
	if raw := e.getenv("ATELIER_SECRET_KEY"); raw != "" {
		if c.SecretKey, err = auth.ParseSecretKey(raw); err != nil {
			return fmt.Errorf("ATELIER_SECRET_KEY %w", err)
		}
	}
	if c.TrustedProxies, err = server.ParseProxies(e.getenv("ATELIER_TRUSTED_PROXIES")); err != nil {
		return err
	}
	if c.FilesURL == "" {
		if c.FilesURL, err = files.DefaultURL(c.DataDir); err != nil {
			return err
		}
	}
	return nil
}

// secretKey is the install secret, which signs what must come back
// unchanged (device cookies) and seals the studios' signing keys. Instances sharing a database share it, so it
// is required with ATELIER_DATABASE_URL; the embedded default makes one
// in the data directory and keeps it. It is never part of a backup.
func secretKey(c config) ([]byte, error) {
	switch {
	case c.SecretKey != nil:
		return c.SecretKey, nil
	case c.DatabaseURL != "":
		return nil, fmt.Errorf("ATELIER_SECRET_KEY is required with ATELIER_DATABASE_URL: every instance must share it (make one with: openssl rand -base64 32)")
	}
	return auth.LoadOrCreateSecretKey(filepath.Join(c.DataDir, "secret.key"))
}

// require reports the first required flag left empty.
func require(fs *flag.FlagSet, e env, names ...string) error {
	for _, n := range names {
		if fs.Lookup(n).Value.String() == "" {
			fmt.Fprintf(e.stderr, "%s: --%s is required\n", fs.Name(), n)
			return errUsage
		}
	}
	return nil
}

// openStore opens and migrates the database, so that every command works
// on a fresh data directory. The store holds the install secret, which
// seals the studios' signing keys.
func openStore(ctx context.Context, c config) (*store.Store, error) {
	key, keyErr := secretKey(c)
	st, err := store.Open(ctx, store.Config{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Now: c.Now, SecretKey: key})
	if err != nil {
		return nil, err
	}
	if keyErr != nil {
		st.Close()
		return nil, keyErr
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// tmpDir holds uploads while they arrive and archives while they are read.
func (c config) tmpDir() string { return filepath.Join(c.DataDir, "tmp") }

// openFiles opens the blob store the configuration names.
func openFiles(ctx context.Context, c config) (*files.Store, error) {
	return files.Open(ctx, c.FilesURL, c.tmpDir())
}

// durationFlag defines a flag of a duration whose default comes from the
// environment variable env, or else def; it must be positive.
func durationFlag(fs *flag.FlagSet, e env, p *time.Duration, name, env string, def time.Duration, usage string) error {
	if raw := strings.TrimSpace(e.getenv(env)); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s must be a positive duration such as 20s or 1m, got %q", env, raw)
		}
		def = d
	}
	fs.DurationVar(p, name, def, usage)
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
