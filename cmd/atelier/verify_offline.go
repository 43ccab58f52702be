package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"atelier/internal/pdf"
	"atelier/internal/provenance"
)

// maxOfflineFile bounds a certificate PDF or bundle read for offline
// verification.
const maxOfflineFile = 32 << 20

// isCertificateFile reports whether verify's argument names a file to
// check offline: a certificate PDF or a bundle.
func isCertificateFile(target string) bool {
	if strings.Contains(target, "://") {
		return false
	}
	fi, err := os.Stat(target)
	return err == nil && fi.Mode().IsRegular()
}

// verifyFile checks, with no network, the bundles a certificate PDF
// carries (or a bundle file itself): each certificate's signature and its
// inclusion in the studio's log, in a checkpoint signed by the studio key
// given with --key or pinned before, and cosigned as --witness asks.
func verifyFile(path string, opt *trustOptions, e env) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxOfflineFile+1))
	if err != nil {
		return err
	}
	if len(data) > maxOfflineFile {
		return fmt.Errorf("%s is larger than a certificate can be", path)
	}
	var bundles [][]byte
	if strings.HasPrefix(string(data), "%PDF") {
		for _, a := range pdf.EmbeddedFiles(data) {
			if _, err := provenance.ParseBundle(a); err == nil {
				bundles = append(bundles, a)
			}
		}
		if len(bundles) == 0 {
			return fmt.Errorf("%s carries no certificate bundle: it is not a certificate Atelier printed, or its attachments were removed", path)
		}
	} else {
		bundles = [][]byte{data}
	}
	c := &checker{e: e, opt: opt}
	for _, raw := range bundles {
		b, err := provenance.ParseBundle(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		vkey, err := offlineKey(opt, b)
		if err != nil {
			return err
		}
		cert, tree, err := b.Verify(vkey)
		if err != nil {
			return fmt.Errorf("%s: not genuine: %v", path, strings.TrimPrefix(err.Error(), "provenance: "))
		}
		if err := c.witnessed(b.Checkpoint()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		at := logPlace{index: -1, size: tree.N}
		fmt.Sscanf(strings.SplitN(b.Proof, "\n", 3)[1], "index %d", &at.index)
		printCertificate(e, cert, at)
	}
	fmt.Fprintln(e.stdout, "checked offline, against the key, with no word from the studio's server")
	return nil
}

// offlineKey is the studio key to check a bundle with: --key, or a key
// pinned before whose name is the bundle's log origin. The key inside the
// bundle is never trusted on its own word.
func offlineKey(opt *trustOptions, b provenance.Bundle) (string, error) {
	origin, _, _ := strings.Cut(b.Key, "+")
	if opt.key != "" {
		return strings.TrimSpace(opt.key), nil
	}
	if opt.configDir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", errors.New("give the studio's key with --key: there is no config directory with pinned keys")
		}
		opt.configDir = filepath.Join(dir, "atelier")
	}
	pins, _ := filepath.Glob(filepath.Join(opt.configDir, "keys", "*", "*"))
	for _, p := range pins {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		vkey := strings.TrimSpace(string(data))
		if name, _, _ := strings.Cut(vkey, "+"); name == origin {
			return vkey, nil
		}
	}
	return "", fmt.Errorf("no key of %s is pinned: give the studio's key with --key (its /s/{slug}/key), or verify one of its certificates online first", origin)
}
