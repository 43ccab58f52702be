package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/studio"
)

// The states of a piece's time-lapse.
const (
	TimelapseQueued  = "queued"
	TimelapseRunning = "running"
	TimelapseReady   = "ready"
	TimelapseFailed  = "failed"
)

// TimelapseAttempts is how many times the job making a time-lapse runs
// before the time-lapse is marked failed: ffmpeg killed by a restart or
// short of memory for a moment deserves another go, a photo it cannot
// read does not deserve many.
const TimelapseAttempts = 4

// TimelapseLost is how long a time-lapse may say queued or running
// without a sign of its job before a request enqueues a new one: a job
// writes its progress every second or so while it runs, and River's
// retries of a failed attempt come within minutes, so a row this old
// lost its job (a job discarded by River's rescuer after a crash on its
// last attempt, an archive restored without River's tables).
const TimelapseLost = 30 * time.Minute

// TimelapseJob makes the making-of time-lapse of a piece from its process
// photos (package jobs works it).
type TimelapseJob struct {
	StudioID string `json:"studio_id"`
	PieceID  string `json:"piece_id"`
}

// Kind names the job for River.
func (TimelapseJob) Kind() string { return "timelapse" }

// InsertOpts bounds the job's attempts; River's backoff spaces them.
func (TimelapseJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: TimelapseAttempts}
}

// Timelapse is the making-of time-lapse of a piece: where its job stands
// and the files of the last one made whole. A time-lapse being remade
// (queued or running) keeps the previous files until the new ones are
// complete, so that something whole is always served.
type Timelapse struct {
	StudioID string
	PieceID  string
	// Status is one of the Timelapse… states, or "" when none was ever
	// asked for.
	Status string
	// Progress is how far the running job is, 0 to 1.
	Progress float64
	// MP4, GIF and Poster are the files made, nil when there is none:
	// there is no MP4 when the server has no ffmpeg.
	MP4, GIF, Poster *studio.File
	// Fingerprint identifies the process photos the files were made from.
	Fingerprint string
	// Error says, for the studio, why the last attempt failed.
	Error     string
	UpdatedAt time.Time
	// Photos is the number of the piece's process photos now, and Current
	// their fingerprint: when it differs from Fingerprint the files show
	// an older set of photos.
	Photos  int
	Current string
}

// Stale reports whether a time-lapse made whole shows photos that have
// changed since: it is to be made again.
func (t Timelapse) Stale() bool {
	return t.Status == TimelapseReady && t.Photos > 0 && t.Current != t.Fingerprint
}

// Lost reports whether the time-lapse says queued or running but its job
// is gone (see TimelapseLost).
func (t Timelapse) Lost(now time.Time) bool {
	return t.Busy() && now.Sub(t.UpdatedAt) >= TimelapseLost
}

// Busy reports whether a job is making the time-lapse or about to.
func (t Timelapse) Busy() bool {
	return t.Status == TimelapseQueued || t.Status == TimelapseRunning
}

// TimelapsePhoto is one process photo as the time-lapse job reads it: the
// upright, metadata-free 1600 px variant (empty until the thumbnail job
// has made it) and the stage it shows.
type TimelapsePhoto struct {
	ID      string
	Stage   studio.Stage
	Variant studio.File
}

// Timelapse loads the time-lapse of a piece of the studio; a piece whose
// time-lapse was never asked for gives Status "". Another studio's piece
// is not found.
func (s *Store) Timelapse(ctx context.Context, studioID, pieceID string) (t Timelapse, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		t, err = timelapseOf(ctx, tx, studioID, pieceID)
		return err
	})
	return t, err
}

// TimelapsePhotos lists the piece's process photos in the order of the
// pipeline's stages (in upload order within a stage), with the fingerprint
// of the set.
func (s *Store) TimelapsePhotos(ctx context.Context, studioID, pieceID string) (photos []TimelapsePhoto, fingerprint string, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if _, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID); err != nil {
			return err
		}
		photos, err = timelapsePhotos(ctx, tx, pieceID)
		return err
	})
	return photos, fingerprintOf(photos), err
}

// RequestTimelapse asks for the piece's time-lapse to be made (again): the
// row goes to queued, keeping the files made before, and the job is
// enqueued, unless one is queued or running already (and not lost, see
// TimelapseLost). A piece without process photos has nothing to make a
// time-lapse of.
func (s *Store) RequestTimelapse(ctx context.Context, studioID, pieceID string) (t Timelapse, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID); err != nil {
			return err
		}
		if t, err = timelapseOf(ctx, tx, studioID, pieceID); err != nil {
			return err
		}
		if t.Photos == 0 {
			return studio.Errorf(studio.Invalid, "This piece has no process photos yet: add photos of its stages first, then make the time-lapse.")
		}
		if t.Busy() && !t.Lost(tx.now) {
			return nil
		}
		if err := s.queueTimelapse(ctx, tx, studioID, pieceID); err != nil {
			return err
		}
		t, err = timelapseOf(ctx, tx, studioID, pieceID)
		return err
	})
	return t, err
}

// queueTimelapse sets the piece's time-lapse to queued, creating its row,
// and enqueues the job in tx.
func (s *Store) queueTimelapse(ctx context.Context, tx *Tx, studioID, pieceID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO timelapses (studio_id, piece_id, status, progress, error, updated_at)
		VALUES ($1, $2, 'queued', 0, '', $3)
		ON CONFLICT (piece_id) DO UPDATE SET status = 'queued', progress = 0, error = '', updated_at = $3`,
		studioID, pieceID, tx.now)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, TimelapseJob{StudioID: studioID, PieceID: pieceID})
}

// timelapsePhotosChanged remakes a piece's time-lapse after its process
// photos changed, when it has one (or one is failed) and no job is at it
// already. A piece whose time-lapse was never asked for gets none: the
// first is made on the studio's request.
func (s *Store) timelapsePhotosChanged(ctx context.Context, tx *Tx, studioID, pieceID string) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM timelapses WHERE piece_id = $1 AND studio_id = $2`, pieceID, studioID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || status == TimelapseQueued || status == TimelapseRunning {
		return nil
	}
	if err != nil {
		return err
	}
	return s.queueTimelapse(ctx, tx, studioID, pieceID)
}

// StartTimelapse marks the piece's time-lapse running, for the job about
// to make it from the photos whose fingerprint is given. It reports false,
// changing nothing, when a time-lapse of exactly those photos is ready
// already (a job run again after it finished, or one of two enqueued
// together), and a not-found error when the piece is gone.
func (s *Store) StartTimelapse(ctx context.Context, studioID, pieceID, fingerprint string) (start bool, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		t, err := timelapseOf(ctx, tx, studioID, pieceID)
		if err != nil {
			return err
		}
		if t.Status == TimelapseReady && t.Fingerprint == fingerprint {
			return nil
		}
		start = true
		_, err = tx.ExecContext(ctx, `INSERT INTO timelapses (studio_id, piece_id, status, progress, error, updated_at)
			VALUES ($1, $2, 'running', 0, '', $3)
			ON CONFLICT (piece_id) DO UPDATE SET status = 'running', progress = 0, error = '', updated_at = $3`,
			studioID, pieceID, tx.now)
		return err
	})
	return start, err
}

// TimelapseProgress records how far the running job is, 0 to 1. A
// time-lapse that is no longer running (finished by a twin job) is left
// alone.
func (s *Store) TimelapseProgress(ctx context.Context, studioID, pieceID string, progress float64) error {
	progress = min(max(progress, 0), 1)
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE timelapses SET progress = $1, updated_at = $2
			WHERE piece_id = $3 AND studio_id = $4 AND status = 'running'`, progress, tx.now, pieceID, studioID)
		return err
	})
}

// TimelapseFiles are the files of a time-lapse made whole, already in the
// blob store: their rows are recorded with the time-lapse. MP4 is nil when
// there was no ffmpeg to make it.
type TimelapseFiles struct {
	MP4, GIF, Poster *studio.File
}

// FinishTimelapse records the files of a time-lapse made whole from the
// photos whose fingerprint is given and marks it ready, in one
// transaction: the files replace the previous ones at once. The rows of
// the previous files go (see dropReplaced), so that the sweep deletes
// their blobs: a time-lapse remade at each new photo would otherwise keep
// every older video.
func (s *Store) FinishTimelapse(ctx context.Context, studioID, pieceID, fingerprint string, fs TimelapseFiles) (t Timelapse, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		before, err := timelapseOf(ctx, tx, studioID, pieceID)
		if err != nil {
			return err
		}
		var ids [3]sql.NullString
		var sizes [3]int64
		for i, f := range []*studio.File{fs.MP4, fs.GIF, fs.Poster} {
			if f == nil {
				continue
			}
			f.StudioID = studioID
			rec, err := createFile(ctx, tx, *f)
			if err != nil {
				return err
			}
			ids[i], sizes[i] = sql.NullString{String: rec.ID, Valid: true}, rec.Size
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO timelapses (studio_id, piece_id, status, progress, mp4_file_id, mp4_size, gif_file_id, gif_size,
				poster_file_id, poster_size, fingerprint, error, updated_at)
			VALUES ($1, $2, 'ready', 1, $3, $4, $5, $6, $7, $8, $9, '', $10)
			ON CONFLICT (piece_id) DO UPDATE SET status = 'ready', progress = 1, mp4_file_id = $3, mp4_size = $4, gif_file_id = $5, gif_size = $6,
				poster_file_id = $7, poster_size = $8, fingerprint = $9, error = '', updated_at = $10`,
			studioID, pieceID, ids[0], sizes[0], ids[1], sizes[1], ids[2], sizes[2], fingerprint, tx.now)
		if err != nil {
			return err
		}
		for _, f := range []*studio.File{before.MP4, before.GIF, before.Poster} {
			if f != nil && !slices.ContainsFunc(ids[:], func(id sql.NullString) bool { return id.String == f.ID }) {
				if err := dropReplaced(ctx, tx, *f); err != nil {
					return err
				}
			}
		}
		t, err = timelapseOf(ctx, tx, studioID, pieceID)
		return err
	})
	return t, err
}

// dropReplaced deletes the row of a file a time-lapse no longer refers
// to, unless something else does: the same bytes recorded once may be a
// photo's too (files are kept once per studio and content), or another
// piece's time-lapse.
func dropReplaced(ctx context.Context, tx *Tx, f studio.File) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = $1 AND studio_id = $2
		AND NOT EXISTS (SELECT 1 FROM photos WHERE file_id = $1)
		AND NOT EXISTS (SELECT 1 FROM photo_variants WHERE file_id = $1)
		AND NOT EXISTS (SELECT 1 FROM timelapses WHERE mp4_file_id = $1 OR gif_file_id = $1 OR poster_file_id = $1)
		AND content_type IN ('video/mp4', 'image/gif', 'image/jpeg') AND name LIKE 'timelapse%'`, f.ID, f.StudioID)
	return err
}

// FailTimelapse records why an attempt at the time-lapse failed: the
// status goes back to queued while River will try again, and to failed
// after the last attempt. The files made before stay served.
func (s *Store) FailTimelapse(ctx context.Context, studioID, pieceID, why string, final bool) error {
	status := TimelapseQueued
	if final {
		status = TimelapseFailed
	}
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE timelapses SET status = $1, progress = 0, error = $2, updated_at = $3
			WHERE piece_id = $4 AND studio_id = $5`, status, why, tx.now, pieceID, studioID)
		return err
	})
}

// requeueTimelapses enqueues again the jobs of the time-lapses a restored
// archive says were queued or running: the jobs themselves are not in
// the archive (River's tables belong to the install). The files of those
// made whole come back with the archive's blobs.
func (s *Store) requeueTimelapses(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT studio_id, piece_id FROM timelapses WHERE status IN ('queued', 'running') ORDER BY piece_id`)
	if err != nil {
		return err
	}
	var jobs []TimelapseJob
	for rows.Next() {
		var j TimelapseJob
		if err := rows.Scan(&j.StudioID, &j.PieceID); err != nil {
			rows.Close()
			return err
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, j := range jobs {
		if err := s.queueTimelapse(ctx, tx, j.StudioID, j.PieceID); err != nil {
			return err
		}
	}
	return nil
}

// timelapseOf loads a piece's time-lapse row with its files and the
// fingerprint of the piece's photos now.
func timelapseOf(ctx context.Context, tx *Tx, studioID, pieceID string) (Timelapse, error) {
	t := Timelapse{StudioID: studioID, PieceID: pieceID}
	if _, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID); err != nil {
		return t, err
	}
	var ids [3]sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT status, progress, mp4_file_id, gif_file_id, poster_file_id, fingerprint, error, updated_at
		FROM timelapses WHERE piece_id = $1 AND studio_id = $2`, pieceID, studioID).
		Scan(&t.Status, &t.Progress, &ids[0], &ids[1], &ids[2], &t.Fingerprint, &t.Error, &t.UpdatedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return t, err
	default:
		t.UpdatedAt = t.UpdatedAt.UTC()
		for i, dst := range []**studio.File{&t.MP4, &t.GIF, &t.Poster} {
			if !ids[i].Valid {
				continue
			}
			f, err := fileWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, ids[i].String)
			if err != nil {
				return t, err
			}
			*dst = &f
		}
	}
	photos, err := timelapsePhotos(ctx, tx, pieceID)
	if err != nil {
		return t, err
	}
	t.Photos, t.Current = len(photos), fingerprintOf(photos)
	return t, nil
}

// timelapsePhotos loads a piece's process photos in stage order.
func timelapsePhotos(ctx context.Context, tx *Tx, pieceID string) ([]TimelapsePhoto, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.stage, f.id, f.studio_id, f.sha256, f.size, f.content_type, f.name
		FROM photos p
		LEFT JOIN photo_variants v ON v.photo_id = p.id AND v.size = 1600
		LEFT JOIN files f ON f.id = v.file_id
		WHERE p.piece_id = $1 AND p.kind = 'process'
		ORDER BY p.created_at, p.id`, pieceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelapsePhoto
	for rows.Next() {
		var p TimelapsePhoto
		var stage, id, owner, sha, ctype, name sql.NullString
		var size sql.NullInt64
		if err := rows.Scan(&p.ID, &stage, &id, &owner, &sha, &size, &ctype, &name); err != nil {
			return nil, err
		}
		p.Stage = studio.Stage(stage.String)
		p.Variant = studio.File{ID: id.String, StudioID: owner.String, SHA256: sha.String, Size: size.Int64, ContentType: ctype.String, Name: name.String}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Stage order first; the sort is stable, so upload order within it.
	slices.SortStableFunc(out, func(a, b TimelapsePhoto) int { return cmp.Compare(a.Stage.Index(), b.Stage.Index()) })
	return out, nil
}

// fingerprintOf identifies a set of photos in order: which photos, at
// which stages (the captions). Nothing else of a photo shows in the
// time-lapse.
func fingerprintOf(photos []TimelapsePhoto) string {
	if len(photos) == 0 {
		return ""
	}
	h := sha256.New()
	for _, p := range photos {
		h.Write([]byte(p.ID + "\x00" + string(p.Stage) + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
