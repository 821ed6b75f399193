package etcd

import (
	"context"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

func TestEmbeddedServerKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	put := func(key, val string) {
		s, err := Start(ctx, Config{Dir: dir, NoFsync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		c, err := clientv3.New(clientv3.Config{Endpoints: s.Endpoints(), DialTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if val != "" {
			if _, err := c.Put(ctx, key, val); err != nil {
				t.Fatal(err)
			}
			return
		}
		resp, err := c.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v1" {
			t.Fatalf("after restart got %v, want v1", resp.Kvs)
		}
	}
	put("/registry/test", "v1")
	put("/registry/test", "")
}

func TestExternalEndpointsStartNothing(t *testing.T) {
	s, err := Start(context.Background(), Config{Endpoints: []string{"http://127.0.0.1:2379"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Embedded() || s.Err() != nil {
		t.Fatal("an external etcd must not be embedded")
	}
}

func TestEmbeddedServerNeedsADir(t *testing.T) {
	if _, err := Start(context.Background(), Config{}); err == nil {
		t.Fatal("want an error without a data dir")
	}
}
