package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"atelier/internal/backup"
	"atelier/internal/store"
)

func backupStudio(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("backup", e, &c)
	slug := fs.String("studio", "", "slug of the studio to back up")
	out := fs.String("out", "", "the archive to write (replaced only once the new one is complete)")
	pwStdin := fs.Bool("passphrase-stdin", false, "encrypt the archive with the passphrase on the first line of standard input")
	if err := parse(fs, args, e, &c); err != nil {
		return err
	}
	if err := require(fs, e, "studio", "out"); err != nil {
		return err
	}
	passphrase, err := readPassphrase("backup", e, *pwStdin)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := openFiles(ctx, c)
	if err != nil {
		return err
	}
	defer blobs.Close()
	var m backup.Manifest
	err = writeFileAtomically(*out, func(w io.Writer) (err error) {
		m, err = backup.Write(ctx, w, st, blobs, *slug, backup.Options{Passphrase: passphrase, Now: c.Now(), TempDir: c.tmpDir()})
		return err
	})
	if err != nil {
		return explain(err)
	}
	if passphrase == "" {
		fmt.Fprintf(e.stderr, "atelier backup: warning: %s is NOT encrypted. It holds the studio's private signing key (anyone with the file could sign certificates in its name) and the password and API token hashes: use --passphrase-stdin, or keep it as safe as the database.\n", *out)
	}
	fmt.Fprintf(e.stdout, "backed up studio %s to %s: %s\n", m.Studio, *out, summary(m))
	return nil
}

func restoreStudio(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("restore", e, &c)
	pwStdin := fs.Bool("passphrase-stdin", false, "decrypt the archive with the passphrase on the first line of standard input")
	archives, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if err := parse(fs, nil, e, &c); err != nil {
		return err
	}
	if len(archives) != 1 {
		fmt.Fprintf(e.stderr, "%s: give exactly one archive file to restore\n", fs.Name())
		return errUsage
	}
	passphrase, err := readPassphrase("restore", e, *pwStdin)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	// Refused before the archive is opened, let alone read.
	if err := st.RequireEmpty(ctx); err != nil {
		return err
	}
	blobs, err := openFiles(ctx, c)
	if err != nil {
		return err
	}
	defer blobs.Close()
	f, err := os.Open(archives[0])
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := backup.Restore(ctx, bufio.NewReaderSize(f, 1<<20), st, blobs, passphrase)
	if err != nil {
		return err
	}
	timers, err := rescheduleTimers(ctx, st, m.Studio)
	if err != nil {
		return fmt.Errorf("the studio is restored, but its timers are not scheduled: %w", err)
	}
	fmt.Fprintf(e.stdout, "restored studio %s into %s: %s; %d timers scheduled\n", m.Studio, st.Dialect(), summary(m), timers)
	return nil
}

// rescheduleTimers queues the jobs of the restored studio's open timers,
// which the next `atelier serve` works; the archive carries the timers, not
// the job queue. Pending mail is left as it was: the source had not sent it
// either.
func rescheduleTimers(ctx context.Context, st *store.Store, slug string) (int, error) {
	studio, err := st.StudioBySlug(ctx, slug)
	if err != nil {
		return 0, err
	}
	return st.RescheduleTimers(ctx, studio.ID)
}

// parseWithArgs parses flags that stand before and after the positional
// arguments, as in `restore --data DIR FILE --passphrase-stdin`: package
// flag alone stops at the first argument that is not a flag.
func parseWithArgs(fs *flag.FlagSet, args []string) (positional []string, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readPassphrase reads the first line of standard input when asked to:
// a passphrase is never taken as an argument, where ps and the shell's
// history would show it.
func readPassphrase(cmd string, e env, fromStdin bool) (string, error) {
	if !fromStdin {
		return "", nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("%s: reading the passphrase: %w", cmd, err)
		}
		return "", fmt.Errorf("%s: no passphrase on standard input", cmd)
	}
	return line, nil
}

// writeFileAtomically writes path through a temporary file beside it that
// replaces path only when complete: a failed backup leaves no file, and no
// half-written one in place of the last good archive.
func writeFileAtomically(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// summary counts what an archive holds, table by table.
func summary(m backup.Manifest) string {
	parts := make([]string, 0, len(m.Tables)+1)
	for _, t := range m.Tables {
		parts = append(parts, fmt.Sprintf("%d %s", t.Rows, t.Name))
	}
	parts = append(parts, fmt.Sprintf("%d blobs", len(m.Files)))
	return strings.Join(parts, ", ")
}
