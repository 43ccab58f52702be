package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"

	"atelier/internal/demo"
	"atelier/internal/files"
	"atelier/internal/store"
)

// demoDataDir is where `serve --demo` keeps its studio when no data
// directory is named: beside the default ./data, never inside it, so the
// demo cannot mix with a real studio and is deleted with one command.
const demoDataDir = "./data-demo"

// useDemoData points the configuration at the demo's own data directory,
// unless the user named one on purpose (--data or ATELIER_DATA). A
// database or file store named in the environment would be shared with
// real data, so without a named directory it is refused.
func useDemoData(fs *flag.FlagSet, e env, c *config) error {
	if named(fs, "data") || e.getenv("ATELIER_DATA") != "" {
		return nil
	}
	for _, v := range []string{"ATELIER_DATABASE_URL", "ATELIER_FILES_URL"} {
		if strings.TrimSpace(e.getenv(v)) != "" {
			return fmt.Errorf("--demo keeps its studio in %s, but %s points elsewhere, perhaps at real data: unset it, or name a data directory for the demo with --data", demoDataDir, v)
		}
	}
	c.DataDir = demoDataDir
	u, err := files.DefaultURL(c.DataDir)
	c.FilesURL = u
	return err
}

// named reports whether the flag was given on the command line.
func named(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// seedDemo makes the demo studio, or renews its owner's password when it
// is there already.
func seedDemo(ctx context.Context, c config, st *store.Store, blobs *files.Store) (*demo.Login, error) {
	login, err := demo.Seed(ctx, st, blobs, c.Now())
	if errors.Is(err, demo.ErrNotDemo) {
		return nil, fmt.Errorf("--demo refuses %s: it holds real studios, and the demo never mixes with real data; start the demo without --data (it uses %s) or with an empty directory", where(c), demoDataDir)
	}
	if err != nil {
		return nil, err
	}
	return &login, nil
}

// where names the database for messages.
func where(c config) string {
	if c.DatabaseURL != "" {
		return "the database of ATELIER_DATABASE_URL"
	}
	return c.DataDir
}

// printDemoLogin tells the newcomer how to sign in and where to look. The
// addresses follow ATELIER_BASE_URL when it is set, or else the address
// the server listens on.
func printDemoLogin(e env, c config, addr net.Addr, l demo.Login) {
	base := c.BaseURL
	if e.getenv("ATELIER_BASE_URL") == "" {
		if a, ok := addr.(*net.TCPAddr); ok {
			base = fmt.Sprintf("http://localhost:%d", a.Port)
		}
	}
	fresh := "made"
	if !l.Seeded {
		fresh = "found again (a new password: the old one no longer signs in)"
	}
	fmt.Fprintf(e.stdout, "\nA demonstration studio, %s in %s. Delete that to start afresh.\n", fresh, where(c))
	fmt.Fprintf(e.stdout, "  Sign in:   %s/login\n  E-mail:    %s\n  Password:  %s\n", base, l.Email, l.Password)
	if l.PortalPath != "" {
		fmt.Fprintf(e.stdout, "  A client's view of her commission:  %s%s\n", base, l.PortalPath)
	}
	fmt.Fprintf(e.stdout, "  The questionnaire clients fill in:  %s/s/%s/commission\n", base, demo.Slug)
	fmt.Fprintln(e.stdout, "Stop with Ctrl-C.")
}
