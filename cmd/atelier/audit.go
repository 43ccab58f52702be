package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"filippo.io/torchwood"

	"atelier/internal/provenance"
)

const auditHelp = `Usage: atelier audit [flags] BASE/s/SLUG

Downloads a studio's whole log through its tiles (BASE/s/SLUG/log/…; the
log's address is accepted too) and checks it, without taking the server's
word for anything:

  - the checkpoint verifies with the studio's key (--key, or pinned as
    atelier verify pins it) and is consistent with the last one seen;
  - every entry is in the tree the checkpoint signs;
  - every leaf is an edition, a certificate or a transfer; every
    certificate verifies with the key;
  - each number of an edition is certified at most once, never above the
    size the edition was logged with, and only after the edition's leaf;
  - a transfer follows the certificate it moves.

It prints what the log holds and every broken rule with its leaf's index,
and exits with status 1 if a rule is broken or the log cannot be read.

Flags:
`

func auditLog(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("atelier audit", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), auditHelp); fs.PrintDefaults() }
	opt := trustFlags(fs, e, 10*time.Minute)
	target, err := oneArgument(fs, args, e, "studio address, BASE/s/SLUG")
	if err != nil {
		return err
	}
	base, slug, err := studioAddress(target)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opt.timeout)
	defer cancel()
	c, err := newChecker(e, opt, base, slug)
	if err != nil {
		return err
	}
	a, err := c.audit(ctx)
	if err != nil {
		return fmt.Errorf("audit %s: %w", slug, err)
	}
	fmt.Fprintf(e.stdout, "%d entries: %d editions, %d certificates, %d transfers\n", a.Entries, a.Editions, a.Certificates, a.Transfers)
	for _, f := range a.Failures {
		fmt.Fprintln(e.stdout, "FAIL", f)
	}
	if !a.OK() {
		return fmt.Errorf("audit %s: %d rule(s) broken; the first at %s", slug, len(a.Failures), a.Failures[0])
	}
	fmt.Fprintln(e.stdout, "every rule holds")
	return nil
}

// studioAddress splits BASE/s/SLUG (or BASE/s/SLUG/log).
func studioAddress(target string) (base, slug string, err error) {
	u, err := publicURL(target)
	if err != nil {
		return "", "", fmt.Errorf("audit: %w", err)
	}
	p := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/log")
	i := strings.LastIndex(p, "/s/")
	ok := i >= 0
	prefix, slug := p[:max(i, 0)], p[max(i, 0)+len("/s/"):]
	if !ok || slug == "" || fileName(slug) != slug {
		return "", "", fmt.Errorf("audit: %s is not a studio's address (BASE/s/SLUG)", target)
	}
	u.Path, u.RawQuery, u.Fragment, u.RawPath = prefix, "", "", ""
	return strings.TrimRight(u.String(), "/"), slug, nil
}

// audit reads the whole log and checks its rules.
func (c *checker) audit(ctx context.Context) (*provenance.Audit, error) {
	vkey, err := c.studioKey(ctx)
	if err != nil {
		return nil, err
	}
	tree, signed, err := c.signedCheckpoint(ctx, vkey)
	if err != nil {
		return nil, err
	}
	if err := c.consistent(ctx, keyName(vkey), tree, signed); err != nil {
		return nil, err
	}
	fetcher, err := c.tiles()
	if err != nil {
		return nil, err
	}
	client, err := torchwood.NewClient(fetcher)
	if err != nil {
		return nil, err
	}
	a := provenance.NewAudit(vkey)
	next := int64(0)
	for i, leaf := range client.AllEntries(ctx, tree, 0) {
		if i != next {
			return a, fmt.Errorf("the log's tiles skip from leaf %d to %d", next, i)
		}
		a.Add(i, leaf)
		next++
	}
	if err := client.Err(); err != nil {
		return a, fmt.Errorf("the log's tiles do not match its checkpoint: %v", err)
	}
	if next != tree.N {
		return a, errors.New("the log's tiles end before the checkpoint's size")
	}
	return a, nil
}
