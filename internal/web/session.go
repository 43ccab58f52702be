package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"atelier/internal/store"
)

// newSessions keeps sessions in the database, so that any instance can
// serve any request. Expired sessions are removed by the sweep job, not by
// the library's own goroutine (interval 0).
func newSessions(st *store.Store, baseURL string) *scs.SessionManager {
	m := scs.New()
	if st.Dialect() == store.Postgres {
		m.Store = postgresstore.NewWithCleanupInterval(st.DB(), 0)
	} else {
		m.Store = sqlite3store.NewWithCleanupInterval(st.DB(), 0)
	}
	m.Lifetime = 30 * 24 * time.Hour
	m.IdleTimeout = 7 * 24 * time.Hour
	m.Cookie.Name = "atelier_session"
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = strings.HasPrefix(baseURL, "https://")
	m.Cookie.Persist = true
	return m
}
