// Package server mounts the API (and later the web pages) on one route
// table, wraps it in the middleware every request passes, and runs the
// HTTP server until its context ends.
package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"atelier/internal/api"
	"atelier/internal/auth"
	"atelier/internal/calendar"
	"atelier/internal/files"
	"atelier/internal/httpx"
	"atelier/internal/intake"
	"atelier/internal/requestid"
	"atelier/internal/store"
	"atelier/internal/web"
)

// Config is the server's part of the configuration, parsed once in cmd.
type Config struct {
	// BaseURL is the public address used in links and QR codes.
	BaseURL string
	// MaxBodyBytes limits request bodies of routes without their own limit.
	MaxBodyBytes int64
	// BodyTimeout and UploadTimeout bound how long a request body may
	// take to arrive, on ordinary routes and on uploads (routes with their
	// own MaxBody); zero takes DefaultBodyTimeout and DefaultUploadTimeout.
	BodyTimeout, UploadTimeout time.Duration
	// ShutdownTimeout bounds how long in-flight requests may finish.
	ShutdownTimeout time.Duration
	// DrainDelay is how long an instance keeps serving, reported not
	// ready, after it is told to stop and before it closes its listener.
	DrainDelay time.Duration
	Log        *slog.Logger
	// AccountLimit and IPLimit bound failed logins; zero takes the defaults.
	AccountLimit, IPLimit web.Limit
	// InquiriesPerHour bounds inquiries from one address; zero is the default.
	InquiriesPerHour int
	// MailEnabled: messages to clients are also e-mailed (ATELIER_SMTP_URL).
	MailEnabled bool
	// TrustedProxies may tell the client's address in X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// SecretKey is the install secret (ATELIER_SECRET_KEY); nil makes a
	// random one, good for this process alone.
	SecretKey []byte
	// Now is the clock of the pages and the API; give it the store's clock.
	// nil means time.Now.
	Now func() time.Time
}

// DefaultMaxBodyBytes is the body limit of JSON endpoints.
const DefaultMaxBodyBytes = 1 << 20

// Defaults of Config's limits in time.
const (
	DefaultShutdownTimeout = 20 * time.Second
	// DefaultBodyTimeout lets a form or a JSON body of up to 1 MiB arrive
	// over a poor mobile connection.
	DefaultBodyTimeout = 5 * time.Minute
	// DefaultUploadTimeout lets 20 photos of 10 MiB arrive at 120 KB/s.
	DefaultUploadTimeout = 30 * time.Minute
)

// Server is Atelier's HTTP side.
type Server struct {
	cfg     Config
	store   *store.Store
	log     *slog.Logger
	routes  []httpx.Route
	mux     *http.ServeMux
	metrics *metrics
	web     *web.Web
	handler http.Handler
	files   *files.Store
	// draining is set when a shutdown begins: the instance stops saying it
	// is ready, so the load balancer sends it nothing new.
	draining atomic.Bool
}

// New builds the server and its route table.
func New(cfg Config, st *store.Store, blobs *files.Store) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	cfg.BodyTimeout = cmp.Or(cfg.BodyTimeout, DefaultBodyTimeout)
	cfg.UploadTimeout = cmp.Or(cfg.UploadTimeout, DefaultUploadTimeout)
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	// Every line the server and its handlers log passes the redaction.
	cfg.Log = slog.New(requestid.Wrap(cfg.Log.Handler()))
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost:8080"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SecretKey == nil {
		// One random secret for this process, shared by the web pages and
		// the API, so that both show the same calendar address.
		cfg.SecretKey = make([]byte, auth.SecretKeyLen)
		rand.Read(cfg.SecretKey)
	}
	s := &Server{cfg: cfg, store: st, log: cfg.Log, mux: http.NewServeMux(), metrics: newMetrics(), files: blobs}
	s.metrics.reg.MustRegister(newBacklogCollector(st, cfg.Log))
	desk := &intake.Desk{Store: st, Files: blobs, Log: cfg.Log, Now: cfg.Now, InquiriesPerHour: cfg.InquiriesPerHour}
	a := &api.API{Store: st, Files: blobs, Intake: desk, Log: cfg.Log, BaseURL: cfg.BaseURL, MailEnabled: cfg.MailEnabled, SecretKey: cfg.SecretKey}
	feed := &calendar.Feed{Store: st, BaseURL: cfg.BaseURL, Log: cfg.Log}
	w, err := web.New(web.Config{BaseURL: cfg.BaseURL, Log: cfg.Log, AccountLimit: cfg.AccountLimit, IPLimit: cfg.IPLimit,
		MailEnabled: cfg.MailEnabled, Now: cfg.Now, SecretKey: cfg.SecretKey}, st, desk)
	if err != nil {
		// The templates are embedded in the binary: failing to parse them is
		// a bug that every test run catches, not a condition to handle.
		panic(err)
	}
	s.web = w
	s.routes = append(append(append(s.ownRoutes(), a.Routes()...), w.Routes()...), feed.Routes()...)
	for _, rt := range s.routes {
		s.mux.Handle(rt.Pattern, s.route(rt))
	}
	s.mux.Handle("/", http.HandlerFunc(s.fallback))
	s.handler = realIP(cfg.TrustedProxies, s.observe(securityHeaders(s.csrf(s.plainPaths(s.mux)))))
	return s
}

// csrf refuses state-changing requests that a browser sent from another
// site. The JSON API is exempt: it authenticates with bearer tokens, which
// a browser never attaches by itself, and shop websites call it across
// origins on purpose.
func (s *Server) csrf(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("/api/")
	cop.SetDenyHandler(http.HandlerFunc(s.web.CrossOriginDenied))
	return cop.Handler(next)
}

// announceSetup prints a one-time set-up code while the install has no
// studio: only someone who can read this server's log can claim it.
func (s *Server) announceSetup(ctx context.Context) error {
	code, err := s.store.IssueSetupCode(ctx)
	if err != nil || code == "" {
		return err
	}
	s.log.Warn("no studio yet: open the web address and enter this set-up code", "setup_code", code, "url", s.cfg.BaseURL+"/setup")
	return nil
}

func (s *Server) ownRoutes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /healthz", Handler: http.HandlerFunc(s.healthz), Public: true},
		{Pattern: "GET /readyz", Handler: http.HandlerFunc(s.readyz), Public: true},
		{Pattern: "GET /metrics", Handler: s.metrics.handler(), Public: true},
	}
}

// Routes is the whole route table, in registration order.
func (s *Server) Routes() []httpx.Route { return s.routes }

// Handler is the server's root handler, for tests and for Serve.
func (s *Server) Handler() http.Handler { return s.handler }

// Registry exposes the metrics registry so that other parts (jobs) can add
// their collectors.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

// Serve answers requests on ln until ctx ends, then stops accepting and
// lets in-flight requests finish within the shutdown timeout. Requests
// still running then are cancelled: their contexts end and their
// connections close, so that their handlers return and remove what they
// spooled. Reaching the limit is a normal end, not an error.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := s.announceSetup(ctx); err != nil {
		return err
	}
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	var running atomic.Int64 // handlers, which a shutdown waits for
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			running.Add(1)
			defer running.Add(-1)
			s.handler.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	if s.cfg.DrainDelay > 0 {
		// Not ready, still serving: time for the load balancer's health
		// check to notice before the listener closes.
		s.log.Info("draining", "delay", s.cfg.DrainDelay.String())
		time.Sleep(s.cfg.DrainDelay)
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("shutdown limit reached: cancelling the requests still running")
		cancelRequests()
		srv.Close() // its only error would be closing the listener again
		s.awaitHandlers(&running)
		err = nil
	}
	if e := <-done; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

// abandonTimeout is how long Serve waits for the handlers of cancelled
// requests to return, so that they clean up before the process exits.
const abandonTimeout = 5 * time.Second

func (s *Server) awaitHandlers(running *atomic.Int64) {
	giveUp := time.After(abandonTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for running.Load() > 0 {
		select {
		case <-giveUp:
			s.log.Error("handlers still running after their requests were cancelled", "handlers", running.Load(), "waited", abandonTimeout.String())
			return
		case <-tick.C:
		}
	}
}

// healthz says the process is alive and answering; whether it can serve
// is readyz's question (a database that is down is no reason to restart
// the process).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz says whether the instance should be sent requests: not while it
// shuts down, and only with the database and the file store answering
// and the database's migrations current. It names what is wrong.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if why := s.notReady(ctx); why != "" {
		s.log.WarnContext(r.Context(), "not ready", "why", why)
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "reason": why})
		return
	}
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func (s *Server) notReady(ctx context.Context) string {
	if s.draining.Load() {
		return "shutting down"
	}
	if err := s.store.Ping(ctx); err != nil {
		return "the database does not answer"
	}
	if pending, err := s.store.MigrationsPending(ctx); err != nil || pending {
		return "the database's migrations are not current: run atelier migrate"
	}
	if s.files != nil {
		if err := s.files.Ping(ctx); err != nil {
			return "the file store does not answer"
		}
	}
	return ""
}
