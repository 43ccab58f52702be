// Package demo fills an empty install with a demonstration studio, so that
// a newcomer sees the whole product in a minute: commissions in every
// status with reference photos, pieces at every stage of the pipeline with
// process photos, a bake and a coat under way, client messages, an edition
// with a certificate, an inventory running low and costing rates.
//
// Everything is made through the store's own methods, as the web pages
// and the API would make it, so the demo obeys every rule real data does
// and stays correct as the rules change.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The demo studio's identity. The owner's address is on a reserved
// domain: no mail ever leaves for it.
const (
	Slug   = "demo"
	Email  = "mira@demo.atelier.example"
	name   = "Hofer Miniatures"
	artist = "Mira Hofer"
)

// Login is how to sign in to the demo studio.
type Login struct {
	Email    string
	Password string
	// PortalPath opens one commission's client portal ("/p/…"), so the
	// newcomer sees the client's side too. The portal's secret is stored
	// only hashed, so it is known only on the run that seeded the studio.
	PortalPath string
	// Seeded is true when this run made the studio, false when it was there
	// already and only its password was renewed.
	Seeded bool
}

// ErrNotDemo refuses a database that holds studios other than the demo:
// the demo never mixes with real data.
var ErrNotDemo = errors.New("this database holds studios other than the demo; the demo only runs on a data directory of its own")

// Seed makes the demo studio, or, when the database has it already, gives
// its owner a new password. now is the store's present: it dates the
// promised dates and the entries logged afterwards. blobs is where the
// placeholder photos go.
func Seed(ctx context.Context, st *store.Store, blobs *files.Store, now time.Time) (Login, error) {
	password, err := newPassword()
	if err != nil {
		return Login{}, err
	}
	existing, err := st.StudioBySlug(ctx, Slug)
	found := err == nil
	if err != nil && studio.ErrorCode(err) != studio.NotFound {
		return Login{}, err
	}
	n, err := st.CountStudios(ctx)
	if err != nil {
		return Login{}, err
	}
	if found && n == 1 {
		return renew(ctx, st, existing, password)
	}
	if n > 0 {
		return Login{}, ErrNotDemo
	}
	portal, err := build(ctx, st, blobs, now)
	if err != nil {
		return Login{}, fmt.Errorf("seeding the demo studio: %w", err)
	}
	// The owner comes last: a studio without its owner is one whose
	// seeding stopped half-way, which renew recognises.
	if _, err := st.CreateUser(ctx, studio.NewUser{StudioSlug: Slug, Email: Email, Name: artist, Role: studio.Owner, Password: password}); err != nil {
		return Login{}, err
	}
	return Login{Email: Email, Password: password, PortalPath: "/p/" + portal, Seeded: true}, nil
}

// renew gives the demo's owner a new password: it is never written down,
// so a second start cannot print the first one.
func renew(ctx context.Context, st *store.Store, s studio.Studio, password string) (Login, error) {
	u, err := st.UserByEmail(ctx, Email)
	if studio.ErrorCode(err) == studio.NotFound || (err == nil && u.StudioID != s.ID) {
		return Login{}, fmt.Errorf("the studio %q here has no demo owner (%s): it is not the demo, or its seeding stopped half-way; start the demo on an empty data directory", Slug, Email)
	}
	if err != nil {
		return Login{}, err
	}
	if _, err := st.SetPassword(ctx, s.ID, u.ID, password); err != nil {
		return Login{}, err
	}
	return Login{Email: Email, Password: password}, nil
}

// newPassword is 20 random characters in groups of five, easy to copy.
func newPassword() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789" // no l, o, 0, 1
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String(), nil
}

// build makes the studio and everything in it, and returns the secret of
// one commission's client portal.
func build(ctx context.Context, st *store.Store, blobs *files.Store, now time.Time) (string, error) {
	s := studio.NewStudio(Slug, name, artist)
	s.Timezone = "Europe/Vienna"
	s, err := st.CreateStudio(ctx, s)
	if err != nil {
		return "", err
	}
	b := &builder{st: st, blobs: blobs, studio: s, now: now}
	if err := b.workshop(ctx); err != nil {
		return "", err
	}
	portal, err := b.commissions(ctx)
	if err != nil {
		return "", err
	}
	if err := b.edition(ctx); err != nil {
		return "", err
	}
	return portal, b.materials(ctx)
}

// builder carries what every step of the seeding needs.
type builder struct {
	st     *store.Store
	blobs  *files.Store
	studio studio.Studio
	now    time.Time
	ovenID string
	// finished are the pieces past quality control: materials books a
	// block of clay to each, so their costs have materials in them.
	finished []string
}

// day is the date n days from now in the studio's time zone.
func (b *builder) day(n int) string {
	return b.studio.Today(b.now.AddDate(0, 0, n))
}
