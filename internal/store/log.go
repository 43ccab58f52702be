package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// Kinds of log entries, as log_entries.kind names them.
const (
	entryEdition     = "edition"
	entryCertificate = "certificate"
	entryTransfer    = "transfer"
)

// hashReader reads a studio's stored tree hashes inside a transaction, so
// that an append sees the hashes it has just written.
type hashReader struct {
	ctx      context.Context
	tx       *Tx
	studioID string
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	args := []any{r.studioID}
	marks := make([]string, len(indexes))
	for i, idx := range indexes {
		args = append(args, idx)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT idx, hash FROM log_hashes WHERE studio_id = $1 AND idx IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, err
		}
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("store: log hash %d of studio %s is %d bytes", idx, r.studioID, len(h))
		}
		found[idx] = tlog.Hash(h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		h, ok := found[idx]
		if !ok {
			return nil, fmt.Errorf("store: log hash %d of studio %s is missing", idx, r.studioID)
		}
		out[i] = h
	}
	return out, nil
}

// createLog starts the studio's log with its signed checkpoint of size 0,
// unless it has one.
func createLog(ctx context.Context, tx *Tx, studioID string) error {
	skey, err := signerOf(ctx, tx, studioID)
	if err != nil {
		return err
	}
	empty := tlog.Tree{N: 0}
	if empty.Hash, err = tlog.TreeHash(0, nil); err != nil {
		return err
	}
	signed, err := provenance.SignCheckpoint(empty, skey)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO logs (studio_id, size, root, checkpoint, updated_at) VALUES ($1, 0, $2, $3, $4)
		ON CONFLICT (studio_id) DO NOTHING`, studioID, empty.Hash[:], string(signed), tx.now)
	return err
}

// logStudio makes sure the studio has its log, holding every edition and
// certificate it has: those made before logs existed are appended in the
// order they were made.
func logStudio(ctx context.Context, tx *Tx, studioID string) error {
	if err := createLog(ctx, tx, studioID); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM editions e WHERE studio_id = $1
		AND NOT EXISTS (SELECT 1 FROM log_entries l WHERE l.studio_id = e.studio_id AND l.kind = 'edition' AND l.ref = e.id) ORDER BY created_at, id`, studioID)
	if err != nil {
		return err
	}
	editions, err := scanStrings(rows)
	if err != nil {
		return err
	}
	for _, id := range editions {
		e, err := editionWhere(ctx, tx, studioID, id)
		if err != nil {
			return err
		}
		if err := logEdition(ctx, tx, e); err != nil {
			return err
		}
	}
	rows, err = tx.QueryContext(ctx, `SELECT serial FROM certificates c WHERE studio_id = $1
		AND NOT EXISTS (SELECT 1 FROM log_entries l WHERE l.studio_id = c.studio_id AND l.kind = 'certificate' AND l.ref = c.serial)
		ORDER BY issued_at, serial`, studioID)
	if err != nil {
		return err
	}
	serials, err := scanStrings(rows)
	if err != nil {
		return err
	}
	for _, serial := range serials {
		var signed string
		if err := tx.QueryRowContext(ctx, `SELECT signed FROM certificates WHERE serial = $1`, serial).Scan(&signed); err != nil {
			return err
		}
		if _, err := appendLeaf(ctx, tx, studioID, entryCertificate, serial, []byte(signed)); err != nil {
			return err
		}
	}
	return nil
}

// scanStrings reads a one-column result and closes it.
func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// appendLeaf appends a leaf to the studio's log and signs the new
// checkpoint, inside tx and holding the log's row lock: appends are
// serialised, and the leaf is logged exactly when what it records is
// written. It returns the leaf's index.
func appendLeaf(ctx context.Context, tx *Tx, studioID, kind, ref string, data []byte) (int64, error) {
	if len(data) > provenance.MaxLeafBytes {
		return 0, studio.Errorf(studio.Invalid, "This record is too long for the certificate log (%d bytes; at most %d): shorten its story.", len(data), provenance.MaxLeafBytes)
	}
	var size int64
	err := tx.QueryRowContext(ctx, `SELECT size FROM logs WHERE studio_id = $1`+tx.lock, studioID).Scan(&size)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: studio %s has no log yet: start the server with its install secret", studioID)
	}
	if err != nil {
		return 0, err
	}
	r := hashReader{ctx, tx, studioID}
	hashes, err := tlog.StoredHashes(size, data, r)
	if err != nil {
		return 0, err
	}
	first := tlog.StoredHashIndex(0, size)
	for i, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO log_hashes (studio_id, idx, hash) VALUES ($1, $2, $3)`, studioID, first+int64(i), h[:]); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO log_entries (studio_id, idx, kind, ref, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		studioID, size, kind, ref, data, tx.now); err != nil {
		return 0, err
	}
	tree := tlog.Tree{N: size + 1}
	if tree.Hash, err = tlog.TreeHash(tree.N, r); err != nil {
		return 0, err
	}
	skey, err := signerOf(ctx, tx, studioID)
	if err != nil {
		return 0, err
	}
	signed, err := provenance.SignCheckpoint(tree, skey)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE logs SET size = $1, root = $2, checkpoint = $3, updated_at = $4 WHERE studio_id = $5`,
		tree.N, tree.Hash[:], string(signed), tx.now, studioID)
	if err != nil {
		return 0, err
	}
	return size, witnessLater(ctx, tx, studioID)
}

// witnessLater sends the new checkpoint to the studio's witnesses, if it
// has any, by a durable job that commits with the append.
func witnessLater(ctx context.Context, tx *Tx, studioID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM studio_witnesses WHERE studio_id = $1`, studioID).Scan(&n); err != nil || n == 0 {
		return err
	}
	return tx.store.enqueue(ctx, tx, WitnessJob{StudioID: studioID})
}

// logEdition appends an edition's creation with its size.
func logEdition(ctx context.Context, tx *Tx, e studio.Edition) error {
	var slug string
	if err := tx.QueryRowContext(ctx, `SELECT slug FROM studios WHERE id = $1`, e.StudioID).Scan(&slug); err != nil {
		return err
	}
	leaf := provenance.EditionLeaf{EditionID: e.ID, Studio: slug, Title: e.Title, Size: e.Size, ReissueOf: e.ReissueOf, Created: e.CreatedAt}
	_, err := appendLeaf(ctx, tx, e.StudioID, entryEdition, e.ID, leaf.Encode())
	return err
}

// LogState is a studio log as it stands: its signed checkpoint and tree.
type LogState struct {
	StudioID   string
	Origin     string
	Tree       tlog.Tree
	Checkpoint []byte
	UpdatedAt  time.Time
}

// Log is the log of the studio with the given slug.
func (s *Store) Log(ctx context.Context, slug string) (ls LogState, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		ls, err = logOf(ctx, tx, "s.slug = $1", slug)
		return err
	})
	return ls, err
}

func logOf(ctx context.Context, tx *Tx, where string, arg any) (ls LogState, err error) {
	var root []byte
	var checkpoint string
	err = tx.QueryRowContext(ctx, `SELECT l.studio_id, k.name, l.size, l.root, l.checkpoint, l.updated_at FROM logs l
		JOIN studios s ON s.id = l.studio_id JOIN studio_keys k ON k.studio_id = l.studio_id WHERE `+where, arg).
		Scan(&ls.StudioID, &ls.Origin, &ls.Tree.N, &root, &checkpoint, &ls.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return ls, notFound("log")
	}
	if err != nil {
		return ls, err
	}
	copy(ls.Tree.Hash[:], root)
	// The checkpoint is served with the witnesses' cosignatures of it.
	cosigned, err := cosignatures(ctx, tx, ls.StudioID, ls.Tree.N)
	ls.Checkpoint = append([]byte(checkpoint), cosigned...)
	return ls, err
}

// LogTile reads a tile of the studio's log, by its C2SP tlog-tiles path
// ("tile/0/x001/234", "tile/entries/005.p/7"), from the tree as it stands:
// a tile (or the partial width asked) that the tree does not hold yet is
// not found. full says whether the tile is full, and so never changes.
func (s *Store) LogTile(ctx context.Context, slug, path string) (data []byte, full bool, err error) {
	t, err := torchwood.ParseTilePath(path)
	if err != nil || t.H != torchwood.TileHeight {
		return nil, false, notFound("tile")
	}
	err = s.read(ctx, func(tx *Tx) error {
		ls, err := logOf(ctx, tx, "s.slug = $1", slug)
		if err != nil {
			return err
		}
		level := t.L
		if level < 0 {
			level = 0
		}
		// Hashes at this tile level the tree holds.
		held := ls.Tree.N >> (uint(level) * torchwood.TileHeight)
		if t.N*torchwood.TileWidth+int64(t.W) > held {
			return notFound("tile")
		}
		full = t.W == torchwood.TileWidth
		if t.L == -1 {
			data, err = entryBundle(ctx, tx, ls.StudioID, t)
			return err
		}
		data, err = tlog.ReadTileData(t, hashReader{ctx, tx, ls.StudioID})
		return err
	})
	return data, full, err
}

// entryBundle is the leaves of an entries tile, each prefixed with its
// length as a big-endian uint16.
func entryBundle(ctx context.Context, tx *Tx, studioID string, t tlog.Tile) ([]byte, error) {
	first := t.N * torchwood.TileWidth
	rows, err := tx.QueryContext(ctx, `SELECT data FROM log_entries WHERE studio_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`,
		studioID, first, first+int64(t.W))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []byte
	n := 0
	for rows.Next() {
		var leaf []byte
		if err := rows.Scan(&leaf); err != nil {
			return nil, err
		}
		if out, err = torchwood.AppendTileEntry(out, leaf); err != nil {
			return nil, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if n != t.W {
		return nil, fmt.Errorf("store: the log of studio %s holds %d of the %d entries of tile %v", studioID, n, t.W, t)
	}
	return out, nil
}

// LogProof is what anyone needs to check that a leaf is in a studio's
// log: the leaf, its index, and its inclusion proof in the tree of the
// signed checkpoint.
type LogProof struct {
	Leaf       []byte
	Index      int64
	Tree       tlog.Tree
	Proof      tlog.RecordProof
	Checkpoint []byte
}

// errNotLogged says a log holds no entry for a record.
var errNotLogged = errors.New("store: the record is not in the log")

// proveEntry proves the inclusion of the studio's entry of kind for ref
// in the current tree.
func proveEntry(ctx context.Context, tx *Tx, studioID, kind, ref string) (p LogProof, err error) {
	err = tx.QueryRowContext(ctx, `SELECT idx, data FROM log_entries WHERE studio_id = $1 AND kind = $2 AND ref = $3 ORDER BY idx LIMIT 1`,
		studioID, kind, ref).Scan(&p.Index, &p.Leaf)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNotLogged
	}
	if err != nil {
		return p, err
	}
	ls, err := logOf(ctx, tx, "l.studio_id = $1", studioID)
	if err != nil {
		return p, err
	}
	p.Tree, p.Checkpoint = ls.Tree, ls.Checkpoint
	p.Proof, err = tlog.ProveRecord(ls.Tree.N, p.Index, hashReader{ctx, tx, studioID})
	return p, err
}
