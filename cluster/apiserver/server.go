package apiserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	goruntime "runtime"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	"k8s.io/apiserver/pkg/storage/names"
	restclient "k8s.io/client-go/rest"
	"k8s.io/component-base/compatibility"

	"kubelab/cluster/apiserver/openapi"
	"kubelab/cluster/clock"
	"kubelab/cluster/stage"
)

// Version is the Kubernetes release whose API kubelab serves.
const Version = "v1.37.2"

// User is an identity the apiserver accepts, with its bearer token.
type User struct {
	Name   string
	Groups []string
	Token  string
}

// Config configures the apiserver. Only EtcdEndpoints is required.
type Config struct {
	// EtcdEndpoints are the client URLs of the etcd that stores the objects.
	EtcdEndpoints []string
	// Address is the host:port to serve on; empty picks a free port on
	// 127.0.0.1. A restarted server given its old address keeps the
	// clients that were talking to it, as a restarted kube-apiserver does.
	Address string
	// CertDir keeps the CA and serving certificate between runs; empty
	// keeps them in memory.
	CertDir string
	// AdminToken is the cluster admin's bearer token; empty makes one up.
	AdminToken string
	// Users may also call the API, each with its own token.
	Users []User
	// Bus receives the apiserver's stages; nil announces nothing.
	Bus *stage.Bus
	// Clock stamps creation and deletion times; nil means the real clock.
	Clock clock.Clock
	// Names generates names for generateName; nil means random suffixes,
	// as upstream.
	Names names.NameGenerator
}

// Server is the Kubernetes API over HTTPS on 127.0.0.1.
type Server struct {
	cfg      Config
	scheme   *runtime.Scheme
	codecs   serializer.CodecFactory
	generic  *genericapiserver.GenericAPIServer
	listener net.Listener
	certs    *certs
	admin    User
	loopback User
	stores   map[schema.GroupResource]rest.Storage
	ready    chan struct{}

	singularsOnce sync.Once
	singulars     map[schema.GroupResource]string
}

// New builds the apiserver and its storage; Run serves it.
func New(cfg Config) (*Server, error) {
	if len(cfg.EtcdEndpoints) == 0 {
		return nil, errors.New("apiserver: no etcd endpoints")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Names == nil {
		cfg.Names = names.SimpleNameGenerator
	}
	scheme, err := newScheme()
	if err != nil {
		return nil, fmt.Errorf("apiserver: %w", err)
	}
	s := &Server{
		scheme: scheme,
		codecs: serializer.NewCodecFactory(scheme),
		ready:  make(chan struct{}),
		stores: map[schema.GroupResource]rest.Storage{},
	}
	if cfg.AdminToken == "" {
		cfg.AdminToken = randomToken()
	}
	s.admin = User{Name: "kubelab-admin", Groups: []string{user.SystemPrivilegedGroup, user.AllAuthenticated}, Token: cfg.AdminToken}
	s.cfg = cfg
	s.loopback = User{Name: user.APIServerUser, Groups: []string{user.SystemPrivilegedGroup, user.AllAuthenticated}, Token: randomToken()}
	for _, u := range cfg.Users {
		if u.Token == "" {
			return nil, fmt.Errorf("apiserver: user %q has no token", u.Name)
		}
	}

	s.certs, err = loadOrCreateCerts(cfg.CertDir, cfg.Clock.Now())
	if err != nil {
		return nil, fmt.Errorf("apiserver: %w", err)
	}
	addr := cfg.Address
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.listener, err = net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("apiserver: listen: %w", err)
	}
	if err := s.build(); err != nil {
		s.listener.Close()
		return nil, fmt.Errorf("apiserver: %w", err)
	}
	return s, nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) build() error {
	gc := genericapiserver.NewConfig(s.codecs)
	gc.EffectiveVersion = compatibility.NewEffectiveVersionFromString(Version[1:], "", "")
	gc.ExternalAddress = s.listener.Addr().String()
	gc.PublicAddress = net.ParseIP("127.0.0.1")
	gc.EnableProfiling = false
	gc.EnableMetrics = true

	cert, err := dynamiccertificates.NewStaticCertKeyContent("serving-cert", s.certs.certPEM, s.certs.keyPEM)
	if err != nil {
		return err
	}
	gc.SecureServing = &genericapiserver.SecureServingInfo{Listener: s.listener, Cert: cert}
	gc.LoopbackClientConfig, err = gc.SecureServing.NewClientConfig(s.certs.caPEM)
	if err != nil {
		return err
	}
	gc.LoopbackClientConfig.BearerToken = s.loopback.Token

	gc.Authentication.Authenticator = bearertoken.New(authenticator.TokenFunc(s.authenticateToken))
	gc.Authorization.Authorizer = authorizerfactory.NewAlwaysAllowAuthorizer()
	gc.RuleResolver = authorizerfactory.NewAlwaysAllowAuthorizer()
	gc.AdmissionControl = s.admissionChain()
	gc.OpenAPIConfig = openapi.Config()
	gc.OpenAPIV3Config = openapi.V3Config()
	gc.BuildHandlerChainFunc = func(h http.Handler, c *genericapiserver.Config) http.Handler {
		return genericapiserver.DefaultBuildHandlerChain(s.withStages(h), c)
	}
	// kubelab has no webhooks, aggregated servers or priority-and-fairness
	// configuration; these hooks would only wait for things that never come.
	gc.DisabledPostStartHooks.Insert("priority-and-fairness-filter", "storage-object-count-tracker-hook")

	completed := gc.Complete(nil)
	// The generic server would build the OpenAPI v2 spec at startup; it is
	// built on first use instead, below.
	v2 := completed.OpenAPIConfig
	completed.OpenAPIConfig = nil
	gs, err := completed.New("kubelab-apiserver", genericapiserver.NewEmptyDelegate())
	if err != nil {
		return err
	}
	openapi.InstallV2Lazily(v2, gs.Handler.GoRestfulContainer, gs.Handler.NonGoRestfulMux)
	// Nothing balances load in front of kubelab: on exit, open connections
	// (watches, idle keep-alives) are cut at once instead of being waited
	// for as long as a request may take.
	gs.ShutdownTimeout = 50 * time.Millisecond
	s.generic = gs
	return s.installAPIs()
}

// authenticateToken accepts the admin, loopback and configured tokens;
// anything else gets 401, as kube-apiserver with anonymous auth off.
func (s *Server) authenticateToken(_ context.Context, token string) (*authenticator.Response, bool, error) {
	for _, u := range append([]User{s.admin, s.loopback}, s.cfg.Users...) {
		if u.Token != "" && token == u.Token {
			return &authenticator.Response{User: &user.DefaultInfo{Name: u.Name, Groups: u.Groups}}, true, nil
		}
	}
	return nil, false, nil
}

// withStages announces each request and its authenticated user on the
// stage bus, and answers /version with kubelab's version.
func (s *Server) withStages(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/version" || r.URL.Path == "/version/" {
			s.serveVersion(w)
			return
		}
		ctx := r.Context()
		if info, ok := genericapirequest.RequestInfoFrom(ctx); ok && info.IsResourceRequest && s.cfg.Bus != nil {
			// One object is named as every stage names it (pod/default/web,
			// whatever subresource the path goes to); a collection keeps its
			// plural (pods/default).
			obj := info.Resource
			if info.Name != "" {
				obj = s.singular(schema.GroupResource{Group: info.APIGroup, Resource: info.Resource})
			}
			if info.Namespace != "" {
				obj += "/" + info.Namespace
			}
			if info.Name != "" {
				obj += "/" + info.Name
			}
			if err := s.cfg.Bus.Enter(ctx, stage.Stage{Component: "apiserver", Name: "apiserver.request", Object: obj, Detail: info.Verb + " " + r.URL.Path}); err != nil {
				return
			}
			if u, ok := genericapirequest.UserFrom(ctx); ok {
				if err := s.cfg.Bus.Enter(ctx, stage.Stage{Component: "apiserver", Name: "apiserver.authn", Object: obj, Detail: "user " + u.GetName()}); err != nil {
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) serveVersion(w http.ResponseWriter) {
	info := version.Info{
		Major:        "1",
		Minor:        "37",
		GitVersion:   Version,
		GitTreeState: "clean",
		BuildDate:    "1970-01-01T00:00:00Z",
		GoVersion:    goVersion(),
		Compiler:     "gc",
		Platform:     platform(),
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(info)
}

func platform() string { return goruntime.GOOS + "/" + goruntime.GOARCH }

func goVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.GoVersion
	}
	return ""
}

// Run serves until ctx ends. Ready is closed once the API answers.
func (s *Server) Run(ctx context.Context) error {
	prepared := s.generic.PrepareRun()
	errc := make(chan error, 1)
	go func() { errc <- prepared.RunWithContext(ctx) }()
	go s.waitReady(ctx)
	return <-errc
}

// waitReady polls /readyz over the loopback connection; the generic server
// reports ready once its storage and post-start hooks are.
func (s *Server) waitReady(ctx context.Context) {
	client, err := restclient.RESTClientFor(withNegotiation(s.RESTConfig()))
	if err != nil {
		return
	}
	for {
		res := client.Get().AbsPath("/readyz").Do(ctx)
		var code int
		res.StatusCode(&code)
		if code == http.StatusOK {
			close(s.ready)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func withNegotiation(c *restclient.Config) *restclient.Config {
	c.GroupVersion = &schema.GroupVersion{}
	c.NegotiatedSerializer = serializer.NewCodecFactory(runtime.NewScheme()).WithoutConversion()
	return c
}

// singular names a resource's objects in stages (pod, node, deployment).
func (s *Server) singular(gr schema.GroupResource) string {
	s.singularsOnce.Do(func() {
		s.singulars = map[schema.GroupResource]string{}
		for _, r := range servedResources() {
			s.singulars[r.groupResource()] = r.singular()
		}
	})
	if name, ok := s.singulars[gr]; ok {
		return name
	}
	return gr.Resource
}

// Ready is closed when the server answers API requests.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// URL is the server's https address.
func (s *Server) URL() string { return "https://" + s.listener.Addr().String() }

// CA is the PEM certificate that signed the serving certificate.
func (s *Server) CA() []byte { return s.certs.caPEM }

// AdminToken is the bearer token of the cluster admin.
func (s *Server) AdminToken() string { return s.admin.Token }

// RESTConfig returns a client config for the admin, or for the named user
// from Config.Users.
func (s *Server) RESTConfig(userName ...string) *restclient.Config {
	token := s.admin.Token
	if len(userName) > 0 {
		for _, u := range s.cfg.Users {
			if u.Name == userName[0] {
				token = u.Token
			}
		}
	}
	return &restclient.Config{
		Host:            s.URL(),
		BearerToken:     token,
		TLSClientConfig: restclient.TLSClientConfig{CAData: s.certs.caPEM},
		QPS:             -1,
	}
}

// Resources lists the stored resources, those one can list and watch, as
// group/version/resource, sorted. Virtual resources (reviews, bindings,
// componentstatuses) are served but not listed here.
func (s *Server) Resources() []string {
	var out []string
	for _, r := range servedResources() {
		if r.virtual {
			continue
		}
		out = append(out, r.gv.WithResource(r.name).String())
	}
	sort.Strings(out)
	return out
}
