package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"kubelab/cluster/apiserver"
	"kubelab/cluster/clock"
	"kubelab/cluster/container"
	"kubelab/cluster/etcd"
	"kubelab/cluster/kubelet"
	"kubelab/cluster/scheduler"
	"kubelab/cluster/stage"
)

// Config describes the cluster to boot. The zero value is a usable
// playground: a temporary session dir, embedded etcd, the real clock.
type Config struct {
	// DataDir is the session dir: etcd data, certificates, the admin token
	// and the kubeconfig. Empty makes a temporary one that Close removes; a
	// given one is kept, and booting on it again brings its objects back.
	DataDir string
	// EtcdEndpoints uses an external etcd instead of the embedded one.
	EtcdEndpoints []string
	// Clock is the cluster clock; nil is the real clock.
	Clock clock.Clock
	// Bus receives every component's stages; nil makes a new bus.
	Bus *stage.Bus
	// Scenario lays out the nodes; nil is DefaultScenario(2): a tainted
	// control-plane node and two workers.
	Scenario *Scenario
	// APIOnly boots etcd and the apiserver alone: no scheduler, no nodes.
	// Tests of a single component use it to run their own.
	APIOnly bool
}

// Cluster is a booted cluster.
type Cluster struct {
	// Dir is the session dir.
	Dir string
	// Kubeconfig is the path of the admin kubeconfig in Dir.
	Kubeconfig string
	// BootTime is how long Boot took until the API answered.
	BootTime time.Duration

	Clock clock.Clock
	Bus   *stage.Bus

	// Scheduler is the cluster's kube-scheduler.
	Scheduler *scheduler.Scheduler
	// Nodes are the nodes in scenario order, each with its kubelet.
	Nodes []*NodeAgent

	tempDir bool
	etcd    *etcd.Server
	api     *apiserver.Server
	client  kubernetes.Interface
	cancel  context.CancelFunc
	// stopComponents stops the scheduler and kubelets before the
	// apiserver, so none of their requests is cut off mid-way.
	stopComponents context.CancelFunc
	done           chan error
	running        sync.WaitGroup
}

// NodeAgent is one node: its kubelet and container runtime.
type NodeAgent struct {
	Node    Node
	Kubelet *kubelet.Kubelet
	Runtime container.Runtime
}

// Boot starts the cluster in order: etcd, the apiserver, the objects every
// cluster has (bootstrap). It returns once the API answers, or an error
// after stopping whatever had started.
func Boot(ctx context.Context, cfg Config) (c *Cluster, err error) {
	start := time.Now()
	c = &Cluster{Dir: cfg.DataDir, Clock: cfg.Clock, Bus: cfg.Bus, done: make(chan error, 1)}
	if c.Clock == nil {
		c.Clock = clock.Real()
	}
	if c.Bus == nil {
		c.Bus = stage.New(c.Clock)
	}
	if c.Dir == "" {
		if c.Dir, err = os.MkdirTemp("", "kubelab-"); err != nil {
			return nil, fmt.Errorf("session dir: %w", err)
		}
		c.tempDir = true
	} else if err = os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("session dir: %w", err)
	}
	defer func() {
		if err != nil {
			c.Close()
			c = nil
		}
	}()
	quietLogs(filepath.Join(c.Dir, "kubelab.log"))

	runCtx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel

	c.etcd, err = etcd.Start(ctx, etcd.Config{
		Dir:       filepath.Join(c.Dir, "etcd"),
		Endpoints: cfg.EtcdEndpoints,
		NoFsync:   c.tempDir,
		LogFile:   filepath.Join(c.Dir, "etcd.log"),
	})
	if err != nil {
		return c, err
	}
	token, err := adminToken(filepath.Join(c.Dir, "admin.token"))
	if err != nil {
		return c, err
	}
	scenario := DefaultScenario(2)
	if cfg.Scenario != nil {
		scenario = *cfg.Scenario
	}
	nodes, err := scenario.resolve()
	if err != nil {
		return c, err
	}
	if cfg.APIOnly {
		nodes = nil
	}
	c.api, err = apiserver.New(apiserver.Config{
		EtcdEndpoints: c.etcd.Endpoints(),
		CertDir:       filepath.Join(c.Dir, "pki"),
		AdminToken:    token,
		Users:         componentUsers(nodes),
		Bus:           c.Bus,
		Clock:         c.Clock,
	})
	if err != nil {
		return c, err
	}
	go func() { c.done <- c.api.Run(runCtx) }()
	select {
	case <-c.api.Ready():
	case err := <-c.done:
		c.done <- err
		return c, fmt.Errorf("apiserver stopped while starting: %w", err)
	case err := <-c.etcd.Err():
		return c, fmt.Errorf("etcd stopped while starting: %w", err)
	case <-ctx.Done():
		return c, ctx.Err()
	}
	c.client, err = kubernetes.NewForConfig(c.api.RESTConfig())
	if err != nil {
		return c, err
	}
	c.Kubeconfig = filepath.Join(c.Dir, "kubeconfig")
	if err := c.writeKubeconfig(); err != nil {
		return c, err
	}
	if err := bootstrap(ctx, c.client, c.api.URL()); err != nil {
		return c, fmt.Errorf("bootstrap: %w", err)
	}
	compCtx, stopComponents := context.WithCancel(runCtx)
	c.stopComponents = stopComponents
	if !cfg.APIOnly {
		if err := c.startComponents(compCtx, nodes); err != nil {
			return c, err
		}
	}
	if err := c.waitNodesReady(ctx, nodes); err != nil {
		return c, err
	}
	c.BootTime = time.Since(start)
	return c, nil
}

// adminToken reads the session's admin token, or makes and keeps one, so a
// kept session's kubeconfig stays valid across restarts.
func adminToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	token := randomHex()
	return token, os.WriteFile(path, []byte(token+"\n"), 0o600)
}

func randomHex() string {
	raw := make([]byte, 16)
	_, _ = rand.Read(raw)
	return hex.EncodeToString(raw)
}

func (c *Cluster) writeKubeconfig() error {
	rc := c.api.RESTConfig()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["kubelab"] = &clientcmdapi.Cluster{Server: rc.Host, CertificateAuthorityData: rc.CAData}
	kc.AuthInfos["kubelab-admin"] = &clientcmdapi.AuthInfo{Token: rc.BearerToken}
	kc.Contexts["kubelab"] = &clientcmdapi.Context{Cluster: "kubelab", AuthInfo: "kubelab-admin", Namespace: "default"}
	kc.CurrentContext = "kubelab"
	return clientcmd.WriteToFile(*kc, c.Kubeconfig)
}

// RESTConfig is an admin client configuration for the cluster's API.
func (c *Cluster) RESTConfig() *rest.Config { return c.api.RESTConfig() }

// Client is an admin clientset for the cluster's API.
func (c *Cluster) Client() kubernetes.Interface { return c.client }

// APIServerURL is the https address of the API.
func (c *Cluster) APIServerURL() string { return c.api.URL() }

// Close stops every component and removes a temporary session dir.
func (c *Cluster) Close() error {
	if c.stopComponents != nil {
		c.stopComponents()
		c.running.Wait()
	}
	if c.cancel != nil {
		c.cancel()
		if c.api != nil {
			select {
			case <-c.done:
			case <-time.After(10 * time.Second):
			}
		}
	}
	if c.etcd != nil {
		c.etcd.Close()
	}
	if c.tempDir {
		return os.RemoveAll(c.Dir)
	}
	return nil
}
