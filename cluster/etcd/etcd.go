// Package etcd runs the cluster's etcd: an embedded single-member server
// (go.etcd.io/etcd/server/v3/embed) on loopback, or a handle on an external
// etcd cluster given by its endpoints.
//
// A Server is a value with an explicit lifecycle, as embed.Etcd is: Start
// returns once the member serves clients (ReadyNotify), Err reports a server
// that stopped by itself, Close stops it.
package etcd

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// Config says which etcd the cluster uses.
type Config struct {
	// Dir holds the embedded member's data. Required unless Endpoints is set.
	Dir string
	// Endpoints, when set, names an external etcd cluster; nothing is started.
	Endpoints []string
	// NoFsync trades durability for speed; right for throwaway session dirs.
	NoFsync bool
	// LogFile receives the embedded server's warnings and errors; empty
	// discards them.
	LogFile string
}

// Server is a running etcd, embedded or external.
type Server struct {
	endpoints []string
	embedded  *embed.Etcd
}

// Start starts an embedded member (or, with Endpoints, only records them)
// and returns once the member serves clients.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if len(cfg.Endpoints) > 0 {
		for _, ep := range cfg.Endpoints {
			if _, err := url.Parse(ep); err != nil {
				return nil, fmt.Errorf("etcd: endpoint %q: %w", ep, err)
			}
		}
		return &Server{endpoints: append([]string(nil), cfg.Endpoints...)}, nil
	}
	if cfg.Dir == "" {
		return nil, errors.New("etcd: a data dir is required for the embedded server")
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}

	ec := embed.NewConfig()
	ec.Name = "kubelab"
	ec.Dir = cfg.Dir
	ec.UnsafeNoFsync = cfg.NoFsync
	// One member on loopback: a short election timeout makes the member
	// leader in tens of milliseconds instead of about a second.
	ec.TickMs = 10
	ec.ElectionMs = 100
	// Port 0 lets the kernel choose free ports; the member is alone, so its
	// advertised peer URL is never dialled.
	loop := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	ec.ListenClientUrls = []url.URL{loop}
	ec.AdvertiseClientUrls = []url.URL{loop}
	ec.ListenPeerUrls = []url.URL{loop}
	ec.AdvertisePeerUrls = []url.URL{loop}
	ec.InitialCluster = ec.Name + "=" + loop.String()
	// Progress notifications tell the apiserver's watch caches how far
	// etcd has got even when their own resource is quiet; that revision is
	// what their watch bookmarks carry, so without it a quiet resource's
	// watchers would get no bookmarks at all.
	ec.WatchProgressNotifyInterval = 5 * time.Second
	ec.Metrics = "basic"
	ec.LogLevel = "warn"
	if cfg.LogFile != "" {
		ec.LogOutputs = []string{cfg.LogFile}
	} else {
		ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	}

	e, err := embed.StartEtcd(ec)
	if err != nil {
		return nil, fmt.Errorf("etcd: start embedded server in %s: %w", cfg.Dir, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd: embedded server stopped while starting: %w", err)
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcd: embedded server in %s was not ready after 30s (see %s)", cfg.Dir, logHint(cfg.LogFile))
	case <-ctx.Done():
		e.Close()
		return nil, ctx.Err()
	}
	s := &Server{embedded: e}
	for _, l := range e.Clients {
		s.endpoints = append(s.endpoints, "http://"+l.Addr().String())
	}
	return s, nil
}

func logHint(file string) string {
	if file == "" {
		return "no log kept"
	}
	return filepath.Clean(file)
}

// Endpoints are the client URLs to reach the server.
func (s *Server) Endpoints() []string { return s.endpoints }

// Embedded reports whether kubelab runs this etcd itself.
func (s *Server) Embedded() bool { return s.embedded != nil }

// Err reports an embedded server that failed after start; it never fires
// for an external cluster.
func (s *Server) Err() <-chan error {
	if s.embedded == nil {
		return nil
	}
	return s.embedded.Err()
}

// Close stops an embedded server; an external cluster is left alone.
func (s *Server) Close() {
	if s.embedded != nil {
		s.embedded.Close()
	}
}
