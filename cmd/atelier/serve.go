package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"atelier/internal/demo"
	"atelier/internal/jobs"
	"atelier/internal/mail"
	"atelier/internal/requestid"
	"atelier/internal/server"
)

func serve(ctx context.Context, args []string, e env) error {
	c, err := serveConfig(args, e)
	if err != nil {
		return err
	}
	log := slog.New(requestid.Handler{Handler: slog.NewJSONHandler(e.stderr, nil)})
	started := time.Now()
	key, err := secretKey(c)
	if err != nil {
		return err
	}

	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := openFiles(ctx, c)
	if err != nil {
		return err
	}
	defer blobs.Close()
	// The uploads a crashed process left half-spooled go before anything
	// new arrives; the sweep, which also runs at start, repeats this and
	// removes the file store's temporary files.
	left, err := blobs.RemoveOldSpools(started.Add(-jobs.DefaultOrphanGrace))
	for _, l := range left {
		log.Info("deleted leftover of an interrupted write", "name", l.Name, "size", l.Size, "modified", l.ModTime)
	}
	if err != nil {
		// Debris is no reason not to serve; the sweep tries again.
		log.Error("deleting leftovers of interrupted writes", "err", err)
	}
	var login *demo.Login
	if c.Demo {
		log.Info("making the demonstration studio", "data", c.DataDir)
		if login, err = seedDemo(ctx, c, st, blobs); err != nil {
			return err
		}
	}

	jobsCfg := jobs.Config{Files: blobs, Log: log, Now: c.Now, BaseURL: c.BaseURL, AllowPrivateWitnesses: c.AllowPrivateWitnesses}
	jobsCfg.FFmpeg = c.FFmpeg
	if c.Mail != nil {
		jobsCfg.Mailer = mail.NewSender(*c.Mail, nil)
	}
	runner, err := jobs.New(ctx, st, jobsCfg)
	if err != nil {
		return err
	}
	// Deferred after the store and the files, so it runs before they close
	// and after Serve has returned: the jobs the last requests enqueued are
	// committed before the workers stop, and what has not run stays queued.
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			log.Error("stopping background jobs", "err", err)
		}
	}()
	if err := runner.Start(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", c.Addr, err)
	}
	srv := server.New(server.Config{BaseURL: c.BaseURL, Log: log, MailEnabled: c.Mail != nil, InquiriesPerHour: c.InquiriesPerHour,
		TrustedProxies: c.TrustedProxies, SecretKey: key, ShutdownTimeout: c.ShutdownTimeout, DrainDelay: c.DrainDelay, Now: c.Now}, st, blobs)
	log.Info("atelier is serving", "addr", ln.Addr().String(), "base_url", c.BaseURL,
		"database", string(st.Dialect()), "startup_ms", time.Since(started).Milliseconds())
	// The listening address on stdout lets scripts and tests that asked for
	// port 0 find the server.
	fmt.Fprintf(e.stdout, "listening on %s\n", ln.Addr())
	if login != nil {
		printDemoLogin(e, c, ln.Addr(), *login)
	}
	err = srv.Serve(ctx, ln)
	log.Info("stopped")
	return err
}

func migrate(ctx context.Context, args []string, e env) error {
	var c config
	if err := parse(newFlags("migrate", e, &c), args, e, &c); err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s schema at version %d\n", st.Dialect(), v)
	return nil
}

// serveConfig reads serve's flags and environment: everything an instance
// is told before it opens anything. The deploy files are checked with it.
func serveConfig(args []string, e env) (config, error) {
	var c config
	fs := newFlags("serve", e, &c)
	fs.BoolVar(&c.Demo, "demo", false, "start with a demonstration studio, in a data directory of its own ("+demoDataDir+" unless --data or ATELIER_DATA names one)")
	fs.StringVar(&c.Addr, "addr", orDefault(e.getenv("ATELIER_ADDR"), ":8080"), "address to listen on")
	fs.StringVar(&c.FFmpeg, "ffmpeg", orDefault(e.getenv("ATELIER_FFMPEG"), "ffmpeg"), "the ffmpeg program that makes the time-lapse videos (without one they are GIFs)")
	if err := durationFlag(fs, e, &c.ShutdownTimeout, "shutdown-timeout", "ATELIER_SHUTDOWN_TIMEOUT", server.DefaultShutdownTimeout,
		"how long requests may finish after SIGTERM before they are cancelled"); err != nil {
		return c, err
	}
	if err := durationFlag(fs, e, &c.DrainDelay, "drain-delay", "ATELIER_DRAIN_DELAY", 0,
		"how long to keep serving after SIGTERM, with /readyz saying 503, before the listener closes (a load balancer's check interval)"); err != nil {
		return c, err
	}
	if err := parse(fs, args, e, &c); err != nil {
		return c, err
	}
	if c.DrainDelay < 0 {
		fmt.Fprintf(e.stderr, "%s: --drain-delay must not be negative\n", fs.Name())
		return c, errUsage
	}
	if c.ShutdownTimeout <= 0 {
		fmt.Fprintf(e.stderr, "%s: --shutdown-timeout must be positive\n", fs.Name())
		return c, errUsage
	}
	if c.Demo {
		if err := useDemoData(fs, e, &c); err != nil {
			return c, err
		}
	}
	c.AllowPrivateWitnesses = e.getenv("ATELIER_WITNESS_ALLOW_PRIVATE") == "1"
	return c, nil
}
