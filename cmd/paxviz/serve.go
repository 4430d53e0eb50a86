package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/paxviz/paxviz/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dev := fs.Bool("dev", false, "serve static files from ./static on disk (edit and reload)")
	lessonsDir := fs.String("lessons", "", "also read lessons from this directory, re-read when they change")
	maxSessions := fs.Int("max-sessions", web.DefaultMaxSessions, "cap on live sessions")
	idle := fs.Duration("idle", web.DefaultIdleTimeout, "expire sessions idle this long")
	perAddr := fs.Int("max-sessions-per-addr", web.DefaultMaxSessionsPerAddr, "cap on live sessions one client address may hold")
	createRate := fs.Float64("create-per-minute", web.DefaultCreatePerMinute, "sessions one client address may create a minute (after a burst of "+fmt.Sprint(web.DefaultCreateBurst)+")")
	maxSockets := fs.Int("max-sockets", web.DefaultMaxSockets, "cap on open websockets")
	socketsPerAddr := fs.Int("max-sockets-per-addr", web.DefaultMaxSocketsPerAddr, "cap on open websockets from one client address")
	origins := fs.String("origins", "", "extra comma-separated host patterns allowed to open websockets")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts := web.Options{MaxSessions: *maxSessions, IdleTimeout: *idle, Logger: logger, MaxSessionsPerAddr: *perAddr,
		CreatePerMinute: *createRate, MaxSockets: *maxSockets, MaxSocketsPerAddr: *socketsPerAddr}
	if *dev {
		opts.StaticDir = "static"
	}
	if *origins != "" {
		opts.Origins = strings.Split(*origins, ",")
	}
	src, err := lessonSource(*lessonsDir)
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %v\n", err)
		return 2
	}
	opts.Lessons = src
	srv := web.NewServer(opts)
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %v\n", err)
		return 1
	}
	hs := web.NewHTTPServer(srv.Handler(), web.DefaultTimeouts)
	fmt.Fprintf(stdout, "paxviz: serving on http://%s/ (Ctrl-C to stop)\n", ln.Addr())

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "paxviz: %v\n", err)
			return 1
		}
	case <-ctx.Done():
		fmt.Fprintln(stdout, "paxviz: shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close() // ends sessions: sockets get 1001 (going away), creations 503
		if err := hs.Shutdown(sctx); err != nil {
			hs.Close()
		}
	}
	return 0
}
