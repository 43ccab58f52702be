package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"atelier/internal/export"
)

// exportStudio writes everything a studio holds, for people to read, to
// --out. The zip is written to OUT.tmp beside it and renamed only when
// whole, so OUT is never a cut-off export; on an error or an interrupt
// (Ctrl-C, SIGTERM cancel ctx) OUT.tmp is removed.
func exportStudio(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("export", e, &c)
	slug := fs.String("studio", "", "slug of the studio to export")
	out := fs.String("out", "", "the zip to write (FILE.zip; replaced only once the new one is complete)")
	if err := parse(fs, args, e, &c); err != nil {
		return err
	}
	if err := require(fs, e, "studio", "out"); err != nil {
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
	var sum export.Summary
	err = writeThroughTmp(*out, func(w io.Writer) (err error) {
		sum, err = export.Write(ctx, w, st, blobs, *slug, c.Now())
		return err
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("export interrupted; %s is unchanged", *out)
		}
		return explain(err)
	}
	fmt.Fprintf(e.stdout, "exported studio %s to %s: %d records, %d photos\n", sum.Studio, *out, sum.Records, sum.Photos)
	return nil
}

// writeThroughTmp writes path as path.tmp first, renamed to path when
// complete and removed otherwise. O_EXCL refuses to write over the .tmp of
// an export still running into the same file.
func writeThroughTmp(path string, write func(io.Writer) error) (err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists: another export into %s is running, or one was killed (remove the file then)", tmp, path)
	}
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
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
	return os.Rename(tmp, path)
}
