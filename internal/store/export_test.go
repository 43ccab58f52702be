package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// TestExportHoldsNoSecret reads a seeded studio through the export and
// checks that every kind is there, that no column left out for holding a
// secret appears, and that no secret value (a password hash, an API
// token's hash, a portal link's hash) appears in any column.
func TestExportHoldsNoSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedStudio(t, s)
		var secrets []string
		for _, q := range []string{
			`SELECT password_hash FROM users WHERE email = 'ana@example.com'`,
			`SELECT token_hash FROM api_tokens LIMIT 1`,
			`SELECT portal_token_hash FROM commissions LIMIT 1`,
		} {
			var v string
			if err := s.DB().QueryRowContext(ctx, q).Scan(&v); err != nil || v == "" {
				t.Fatalf("%s: %q, %v", q, v, err)
			}
			secrets = append(secrets, v)
		}
		seen := map[string]int{}
		err := s.ExportStudio(ctx, "ana", func(e *store.Export) error {
			for _, k := range store.ExportKinds() {
				cols, err := e.Columns(k)
				if err != nil {
					return err
				}
				if len(cols) == 0 {
					t.Errorf("%s: no columns", k.Name)
				}
				for _, c := range cols {
					if store.ExportOmitted(k.Name, c.Name) != "" || store.SecretLooking(c.Name) && !store.ExportAllowed(k.Name, c.Name) {
						t.Errorf("%s.%s is exported", k.Name, c.Name)
					}
				}
				err = e.Rows(k, cols, func(vals []any) error {
					seen[k.Name]++
					for i, v := range vals {
						text := fmt.Sprint(v)
						for _, sec := range secrets {
							if strings.Contains(text, sec) {
								t.Errorf("%s.%s holds a secret", k.Name, cols[i].Name)
							}
						}
						if cols[i].Name == "studio_id" && v != e.Studio.ID {
							t.Errorf("%s: a row of another studio", k.Name)
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return e.Photos(func(p store.ExportPhoto) error {
				seen["photo"]++
				if p.CommissionID == "" || p.CommissionSubject != "Grandma Rose" || p.Angle != "front" || p.SHA256 == "" {
					t.Errorf("photo: %+v", p)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"studios", "users", "api_tokens", "commissions", "pieces", "piece_checks", "coats", "bakes", "ovens",
			"editions", "certificates", "materials", "clay_brands", "work_sessions", "messages", "photos", "files", "studio_keys"} {
			if seen[k] == 0 {
				t.Errorf("no %s exported", k)
			}
		}
		if seen["photo"] != 1 {
			t.Errorf("%d photos, want 1", seen["photo"])
		}
		records, photos, err := s.ExportSize(ctx, studioID(t, s, "ana"))
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, n := range seen {
			sum += int64(n)
		}
		if records != sum-int64(seen["photo"]) || photos != 1 {
			t.Errorf("ExportSize = %d records, %d photos; the export had %d and %d", records, photos, sum-int64(seen["photo"]), seen["photo"])
		}
	})
}

func studioID(t *testing.T, s *store.Store, slug string) string {
	t.Helper()
	st, err := s.StudioBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}

// TestExportSchemaDecided holds every column of the studio's tables whose
// name looks like a secret to a decision: left out of exports with a
// reason, or known to hold none. A new one fails here until someone
// decides (the export drops it meanwhile).
func TestExportSchemaDecided(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, bt := range store.BackupTables() {
			if store.ExportLeftOut(bt.Name) != "" {
				continue
			}
			rows, err := s.DB().QueryContext(ctx, `SELECT * FROM `+bt.Name+` WHERE 1 = 0`)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := rows.Columns()
			rows.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				if store.SecretLooking(c) && store.ExportOmitted(bt.Name, c) == "" && !store.ExportAllowed(bt.Name, c) {
					t.Errorf("%s.%s looks like a secret: list it in exportOmitted or exportAllowed", bt.Name, c)
				}
			}
		}
		if !slices.ContainsFunc(store.ExportKinds(), func(k store.ExportKind) bool { return k.Name == "users" }) {
			t.Error("users are not exported")
		}
	})
}

// TestExportUnknownStudio is a 404, not an empty export.
func TestExportUnknownStudio(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		err := s.ExportStudio(ctx, "nobody", func(*store.Export) error { return nil })
		wantCode(t, err, studio.NotFound)
	})
}
