package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/provenance"
)

// What verify and audit share: fetching from a studio's server with limits,
// the studio keys they pinned and the checkpoints they saw, kept in the
// user's config directory, and the check that a log only ever grew.

// Limits on what a server may send: a response past its limit is refused.
const (
	maxVerifyJSON = 1 << 20
	maxKeyBytes   = 4 << 10
	maxCheckpoint = 64 << 10
	// maxTileBytes is a full entry bundle of the largest leaves.
	maxTileBytes = torchwood.TileWidth * (2 + provenance.MaxLeafBytes)
)

// trustOptions are the flags of verify and audit.
type trustOptions struct {
	key       string
	configDir string
	timeout   time.Duration
	// witnesses are cosigning keys of witnesses whose cosignatures the
	// checkpoint must carry: need of them (all when need is 0).
	witnesses stringList
	need      int
}

// stringList is a flag given as often as needed.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(v string) error { *l = append(*l, strings.TrimSpace(v)); return nil }

func trustFlags(fs *flag.FlagSet, e env, timeout time.Duration) *trustOptions {
	o := &trustOptions{}
	fs.StringVar(&o.key, "key", "", "the studio's verifier key (name+hash+key), as the studio gave it you; otherwise the pinned one")
	fs.StringVar(&o.configDir, "config-dir", e.getenv("ATELIER_CONFIG_DIR"), "where pinned keys and seen checkpoints are kept (default: the user's config directory/atelier)")
	fs.DurationVar(&o.timeout, "timeout", timeout, "how long the whole check may take")
	fs.Var(&o.witnesses, "witness", "a witness's cosignature key (name+hash+key) whose cosignature the log's checkpoint must carry; give it once per witness")
	fs.IntVar(&o.need, "witnesses-needed", 0, "how many of the --witness keys must have cosigned (default: all)")
	return o
}

// checker checks one studio's records at one server.
type checker struct {
	e      env
	opt    *trustOptions
	client *http.Client
	// base is the server's public address (scheme, host and any path
	// prefix, no trailing slash); slug names the studio.
	base, slug string
}

func newChecker(e env, opt *trustOptions, base, slug string) (*checker, error) {
	if opt.configDir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("no config directory for pinned keys (give --config-dir): %w", err)
		}
		opt.configDir = filepath.Join(dir, "atelier")
	}
	c := &checker{e: e, opt: opt, base: base, slug: slug, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: limitBodies{http.DefaultTransport, maxTileBytes},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
				return errors.New("too many or non-http redirects")
			}
			return nil
		},
	}}
	return c, nil
}

// publicURL checks that raw is an absolute http(s) URL.
func publicURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) address", raw)
	}
	return u, nil
}

// limitBodies refuses response bodies longer than max bytes, whoever reads
// them (the tile fetcher reads them whole).
type limitBodies struct {
	rt  http.RoundTripper
	max int64
}

func (l limitBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := l.rt.RoundTrip(req)
	if err == nil {
		res.Body = &limitedBody{ReadCloser: res.Body, left: l.max, max: l.max}
	}
	return res, err
}

type limitedBody struct {
	io.ReadCloser
	left, max int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("the response is longer than %d bytes", b.max)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// get fetches a URL of the server, refusing a status other than 200 and
// bodies over max bytes.
func (c *checker) get(ctx context.Context, u string, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "atelier-verify")
	res, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: the server answered %s", u, res.Status)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("GET %s: the response is longer than %d bytes", u, max)
	}
	return data, nil
}

func (c *checker) studioURL() string { return c.base + "/s/" + c.slug }

// tiles reads the studio log's tiles from the server.
func (c *checker) tiles() (*torchwood.TileFetcher, error) {
	return torchwood.NewTileFetcher(c.studioURL()+"/log/", torchwood.WithHTTPClient(c.client),
		torchwood.WithUserAgent("atelier-verify"))
}

// keyFor reads a verifier key and checks that it is studio slug's.
func keyFor(vkey, slug string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("%q is not a signed-note verifier key", vkey)
	}
	if !strings.HasPrefix(v.Name(), "atelier/"+slug+"/") || strings.Count(v.Name(), "/") != 2 {
		return nil, fmt.Errorf("the key %s is not studio %s's (its name should be atelier/%s/…)", v.Name(), slug, slug)
	}
	return v, nil
}

func (c *checker) keyPath() string {
	u, _ := url.Parse(c.base)
	return filepath.Join(c.opt.configDir, "keys", fileName(u.Host), fileName(c.slug))
}

// studioKey is the key to check the studio's records with: --key, or the
// key pinned for the studio at this server, which must still be the one
// the server publishes, or, the first time, the published key, pinned.
func (c *checker) studioKey(ctx context.Context) (string, error) {
	if c.opt.key != "" {
		if _, err := keyFor(c.opt.key, c.slug); err != nil {
			return "", fmt.Errorf("--key: %w", err)
		}
		return strings.TrimSpace(c.opt.key), nil
	}
	data, err := c.get(ctx, c.studioURL()+"/key", maxKeyBytes)
	if err != nil {
		return "", fmt.Errorf("the studio's key could not be fetched: %w", err)
	}
	published := strings.TrimSpace(string(data))
	if _, err := keyFor(published, c.slug); err != nil {
		return "", fmt.Errorf("the server publishes a bad key: %w", err)
	}
	path := c.keyPath()
	pinned, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(path, []byte(published+"\n")); err != nil {
			return "", err
		}
		fp, _ := provenance.Fingerprint(published)
		fmt.Fprintf(c.e.stderr, "pinned the key of studio %s: %s (fingerprint %s), in %s\n", c.slug, published, fp, path)
		return published, nil
	}
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(string(pinned), "\n")
	if first = strings.TrimSpace(first); first != published {
		return "", fmt.Errorf("the studio's key changed since it was pinned on %s: pinned %s, the server now publishes %s; "+
			"if the studio really has a new key, remove %s to trust it", modDay(path), first, published, path)
	}
	return first, nil
}

// signedCheckpoint fetches the log's checkpoint and opens it with the key.
func (c *checker) signedCheckpoint(ctx context.Context, vkey string) (tlog.Tree, []byte, error) {
	signed, err := c.get(ctx, c.studioURL()+"/log/checkpoint", maxCheckpoint)
	if err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("the log's checkpoint could not be fetched: %w", err)
	}
	tree, err := c.openCheckpoint(signed, vkey)
	return tree, signed, err
}

func (c *checker) openCheckpoint(signed []byte, vkey string) (tlog.Tree, error) {
	tree, err := provenance.OpenCheckpoint(signed, vkey)
	if err != nil {
		return tree, fmt.Errorf("the log's checkpoint is not signed by the studio's key: %v", strings.TrimPrefix(err.Error(), "provenance: "))
	}
	return tree, c.witnessed(signed)
}

// witnessed checks the witness policy of the flags: the checkpoint carries
// the cosignatures of enough of the witnesses named.
func (c *checker) witnessed(signed []byte) error {
	if len(c.opt.witnesses) == 0 {
		return nil
	}
	need := c.opt.need
	if need <= 0 || need > len(c.opt.witnesses) {
		need = len(c.opt.witnesses)
	}
	n, err := provenance.Cosigners(signed, c.opt.witnesses)
	if err != nil {
		return err
	}
	if n < need {
		return fmt.Errorf("the log's checkpoint is cosigned by %d of the witnesses named, not the %d required", n, need)
	}
	return nil
}

func (c *checker) checkpointPath(origin string) string {
	return filepath.Join(c.opt.configDir, "checkpoints", fileName(origin))
}

// consistent checks that the log with this signed checkpoint only grew
// since the last checkpoint seen of it, proving it with the log's tiles,
// and keeps the new checkpoint as the last seen.
func (c *checker) consistent(ctx context.Context, origin string, tree tlog.Tree, signed []byte) error {
	path := c.checkpointPath(origin)
	old, err := readCheckpoint(path, origin)
	if errors.Is(err, fs.ErrNotExist) {
		return writeAtomic(path, signed)
	}
	if err != nil {
		return err
	}
	seen := fmt.Sprintf("the checkpoint seen on %s (%d entries, kept in %s)", modDay(path), old.N, path)
	switch {
	case tree.N < old.N:
		return fmt.Errorf("the log shrank: the server's checkpoint has %d entries, fewer than %s; it was rolled back or forked", tree.N, seen)
	case tree.N == old.N && tree.Hash != old.Hash:
		return fmt.Errorf("the log forked: the server's checkpoint has the same size but another root than %s", seen)
	case tree.N == old.N:
		return nil
	case old.N == 0:
		// Every tree extends the empty one: there is nothing to prove.
		return writeAtomic(path, signed)
	}
	fetcher, err := c.tiles()
	if err != nil {
		return err
	}
	proof, err := tlog.ProveTree(tree.N, old.N, torchwood.TileHashReaderWithContext(ctx, tree, fetcher))
	if err != nil {
		return fmt.Errorf("the log's tiles do not match its checkpoint: %v", err)
	}
	if err := tlog.CheckTree(proof, tree.N, tree.Hash, old.N, old.Hash); err != nil {
		return fmt.Errorf("the log is not an extension of %s: it was rewritten or forked", seen)
	}
	return writeAtomic(path, signed)
}

// readCheckpoint reads the last checkpoint seen of a log. The file is the
// signed note as the server sent it; being the user's own record it is
// trusted as it is.
func readCheckpoint(path, origin string) (tlog.Tree, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return tlog.Tree{}, err
	}
	text, _, _ := strings.Cut(string(data), "\n\n")
	cp, err := torchwood.ParseCheckpoint(strings.TrimRight(text, "\n") + "\n")
	if err != nil || cp.Origin != origin {
		return tlog.Tree{}, fmt.Errorf("%s is not a checkpoint of the log %s: remove it to start afresh", path, origin)
	}
	return cp.Tree, nil
}

// fileName makes a host or a log origin one safe file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}

func modDay(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "an unknown day"
	}
	return fi.ModTime().Format(time.DateOnly)
}

// writeAtomic replaces a file with data, readable by the user alone, so
// that an interrupted write never leaves half a pin.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// oneArgument parses flags given before or after the one argument.
func oneArgument(fs *flag.FlagSet, args []string, e env, what string) (string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", errUsage
		}
		if args = fs.Args(); len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintf(e.stderr, "%s: give one %s\n", fs.Name(), what)
		return "", errUsage
	}
	return pos[0], nil
}
