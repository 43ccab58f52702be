package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/provenance"
	"atelier/internal/studio"
)

const verifyHelp = `Usage: atelier verify [flags] URL-OR-SERIAL
       atelier verify [flags] FILE.pdf|FILE.json

Checks a certificate of authenticity without taking the server's word for
it. URL is the address on the certificate and its QR code, BASE/v/SERIAL; a
bare SERIAL is looked up at --base-url. It fetches BASE/api/v1/verify/SERIAL
and checks, itself:

  - the certificate's signature, with the studio's key: --key, or the key
    pinned for the studio at this server, or, the first time, the key the
    server publishes at BASE/s/SLUG/key, which is then pinned; a key that
    differs from the pinned one is refused;
  - that the signed checkpoint of the studio's log verifies with the key,
    that the log's leaf is the signed certificate byte for byte, and its
    inclusion proof in that checkpoint's tree;
  - that the log only grew since the last checkpoint seen of it: a smaller
    log, or one of the same size with another root, is refused, and a larger
    one must prove its consistency from the log's tiles.

With --witness KEY (once per witness), the checkpoint must also carry the
cosignatures of those witnesses, or of --witnesses-needed of them.

A FILE is checked offline, with no server: a certificate PDF carries its
bundle (the signed certificate, its C2SP tlog-proof of inclusion with the
cosigned checkpoint, the studio's key) as an attachment, and the verification
page offers the bundle as a file. Its signature and inclusion are checked
against --key or a key pinned before, never against the key it carries.

Pinned keys are kept in CONFIG/keys/HOST/SLUG and the last checkpoint seen of
each log in CONFIG/checkpoints/ORIGIN, where CONFIG is --config-dir.
Any failure exits with status 1 and a one-line reason.

Flags:
`

// verdictDoc is what verify reads of BASE/api/v1/verify/SERIAL: the
// signed record and the log's proof. Its "genuine" is ignored.
type verdictDoc struct {
	Certificate *struct {
		Serial string `json:"serial"`
		Studio string `json:"studio"`
	} `json:"certificate"`
	Signed string `json:"signed"`
	Log    *struct {
		Leaf           []byte   `json:"leaf"`
		Index          int64    `json:"index"`
		InclusionProof [][]byte `json:"inclusion_proof"`
		Checkpoint     string   `json:"checkpoint"`
	} `json:"log"`
}

func verifyCertificate(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("atelier verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), verifyHelp); fs.PrintDefaults() }
	baseURL := fs.String("base-url", e.getenv("ATELIER_BASE_URL"), "the studio server's public address, for a bare serial (default $ATELIER_BASE_URL)")
	opt := trustFlags(fs, e, time.Minute)
	target, err := oneArgument(fs, args, e, "certificate URL or serial")
	if err != nil {
		return err
	}
	if isCertificateFile(target) {
		return verifyFile(target, opt, e)
	}
	base, serial, err := certificateAddress(target, *baseURL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opt.timeout)
	defer cancel()
	c, err := newChecker(e, opt, base, "")
	if err != nil {
		return err
	}
	cert, at, err := c.verify(ctx, serial)
	if err != nil {
		return fmt.Errorf("verify %s: %w", serial, err)
	}
	printCertificate(e, cert, at)
	return nil
}

// certificateAddress splits a certificate's URL, BASE/v/SERIAL, or a bare
// serial with the base URL given.
func certificateAddress(target, baseURL string) (base, serial string, err error) {
	target = strings.TrimSpace(target)
	if s := strings.ToUpper(target); provenance.ValidSerial(s) {
		if baseURL == "" {
			return "", "", errors.New("verify: a bare serial needs --base-url or ATELIER_BASE_URL, the studio server's address")
		}
		u, err := publicURL(baseURL)
		if err != nil {
			return "", "", fmt.Errorf("verify: --base-url: %w", err)
		}
		return strings.TrimRight(u.String(), "/"), s, nil
	}
	u, err := publicURL(target)
	if err != nil {
		return "", "", fmt.Errorf("verify: %w, nor a serial", err)
	}
	prefix, s, ok := strings.Cut(u.Path, "/v/")
	if s = strings.ToUpper(strings.Trim(s, "/")); !ok || !provenance.ValidSerial(s) {
		return "", "", fmt.Errorf("verify: %s is not a certificate's address (…/v/SERIAL)", target)
	}
	u.Path, u.RawQuery, u.Fragment, u.RawPath = prefix, "", "", ""
	return strings.TrimRight(u.String(), "/"), s, nil
}

// logPlace is where a certificate stands in its studio's log.
type logPlace struct {
	index, size int64
	// first says no checkpoint of the log had been seen before.
	first bool
}

// verify checks the certificate under serial and returns it.
func (c *checker) verify(ctx context.Context, serial string) (studio.Certificate, logPlace, error) {
	var cert studio.Certificate
	var at logPlace
	data, err := c.get(ctx, c.base+"/api/v1/verify/"+url.PathEscape(serial), maxVerifyJSON)
	if err != nil {
		return cert, at, err
	}
	var doc verdictDoc
	if err := json.Unmarshal(data, &doc); err != nil || doc.Certificate == nil || doc.Signed == "" {
		return cert, at, errors.New("the server's answer holds no signed certificate")
	}
	c.slug = doc.Certificate.Studio
	if fileName(c.slug) != c.slug || c.slug == "" {
		return cert, at, fmt.Errorf("the certificate names a malformed studio %q", c.slug)
	}
	vkey, err := c.studioKey(ctx)
	if err != nil {
		return cert, at, err
	}
	if cert, err = provenance.Verify([]byte(doc.Signed), vkey); err != nil {
		return cert, at, fmt.Errorf("the certificate does not verify with the key %s: %v", keyName(vkey), err)
	}
	if cert.Serial != serial || cert.StudioSlug != c.slug {
		return cert, at, fmt.Errorf("the signed certificate is %s of studio %s, not the one asked for", cert.Serial, cert.StudioSlug)
	}
	if doc.Log == nil {
		return cert, at, errors.New("the studio's log does not hold the certificate")
	}
	tree, err := c.openCheckpoint([]byte(doc.Log.Checkpoint), vkey)
	if err != nil {
		return cert, at, err
	}
	if !bytes.Equal(doc.Log.Leaf, []byte(doc.Signed)) {
		return cert, at, errors.New("the log's leaf is not the signed certificate, byte for byte")
	}
	if err := included(doc.Log.Leaf, doc.Log.Index, doc.Log.InclusionProof, tree); err != nil {
		return cert, at, err
	}
	at = logPlace{index: doc.Log.Index, size: tree.N, first: !c.seen(keyName(vkey))}
	return cert, at, c.consistent(ctx, keyName(vkey), tree, []byte(doc.Log.Checkpoint))
}

// included checks a leaf's inclusion proof in a tree.
func included(leaf []byte, index int64, hashes [][]byte, tree tlog.Tree) error {
	proof := make(tlog.RecordProof, len(hashes))
	for i, h := range hashes {
		if len(h) != tlog.HashSize {
			return errors.New("the inclusion proof is malformed")
		}
		copy(proof[i][:], h)
	}
	if index < 0 || index >= tree.N || tlog.CheckRecord(proof, tree.N, tree.Hash, index, tlog.RecordHash(leaf)) != nil {
		return fmt.Errorf("the inclusion proof does not hold: leaf %d is not in the log of %d entries the checkpoint signs", index, tree.N)
	}
	return nil
}

func (c *checker) seen(origin string) bool {
	_, err := readCheckpoint(c.checkpointPath(origin), origin)
	return err == nil
}

// keyName is a verifier key's name, the log's origin.
func keyName(vkey string) string {
	name, _, _ := strings.Cut(vkey, "+")
	return name
}

func printCertificate(e env, c studio.Certificate, at logPlace) {
	edition := "a unique piece"
	if !c.Unique() {
		edition = fmt.Sprintf("edition %s of %q", c.EditionLabel(), c.EditionTitle)
	}
	fmt.Fprintf(e.stdout, "genuine: %s, %s\n", c.Subject, edition)
	fmt.Fprintf(e.stdout, "studio:  %s (%s), artist %s\n", c.StudioName, c.StudioSlug, c.Artist)
	fmt.Fprintf(e.stdout, "serial:  %s, issued %s\n", c.Serial, c.IssuedAt.Format(time.DateOnly))
	fmt.Fprintf(e.stdout, "log:     in the log at index %d of %d, %s\n", at.index, at.size, at.consistency())
}

func (at logPlace) consistency() string {
	if at.first {
		return "the first checkpoint seen of it (kept for the next check)"
	}
	return "consistent with the checkpoint seen before"
}
