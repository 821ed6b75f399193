package apiserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/proxy"
	genericrest "k8s.io/apiserver/pkg/registry/generic/rest"
	"k8s.io/apiserver/pkg/registry/rest"
	translator "k8s.io/apiserver/pkg/util/proxy"
	"k8s.io/streaming/pkg/httpstream/wsstream"
)

// kubeletLocator finds a pod and the kubelet of its node: in kubelab every
// kubelet listens on 127.0.0.1 at the port its Node publishes in
// status.daemonEndpoints.kubeletEndpoint, as a real kubelet does on its
// node's address (pkg/kubelet/client ConnectionInfoGetter).
type kubeletLocator struct {
	pods  rest.Getter
	nodes func() rest.Getter
}

func (l kubeletLocator) locate(ctx context.Context, name, container string) (*corev1.Pod, string, *url.URL, error) {
	obj, err := l.pods.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, "", nil, err
	}
	pod := obj.(*corev1.Pod)
	container, err = validateContainer(container, pod)
	if err != nil {
		return nil, "", nil, err
	}
	if pod.Spec.NodeName == "" {
		return pod, container, nil, nil
	}
	nodeObj, err := l.nodes().Get(ctx, pod.Spec.NodeName, &metav1.GetOptions{})
	if err != nil {
		return nil, "", nil, err
	}
	port := nodeObj.(*corev1.Node).Status.DaemonEndpoints.KubeletEndpoint.Port
	if port <= 0 {
		return nil, "", nil, apierrors.NewServiceUnavailable(fmt.Sprintf("node %s has no kubelet endpoint", pod.Spec.NodeName))
	}
	return pod, container, &url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port)))}, nil
}

// validateContainer defaults the container of a pod with only one and
// checks a named one (pkg/registry/core/pod validateContainer).
func validateContainer(container string, pod *corev1.Pod) (string, error) {
	var names []string
	for _, cs := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for _, c := range cs {
			names = append(names, c.Name)
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		names = append(names, c.Name)
	}
	if container == "" {
		switch len(pod.Spec.Containers) {
		case 1:
			return pod.Spec.Containers[0].Name, nil
		case 0:
			return "", apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s", pod.Name))
		default:
			return "", apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s, choose one of: %s", pod.Name, names))
		}
	}
	for _, n := range names {
		if n == container {
			return container, nil
		}
	}
	return "", apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", container, pod.Name))
}

// podLogREST serves pods/log: a stream from the kubelet's /containerLogs
// (pkg/registry/core/pod/rest LogREST).
type podLogREST struct {
	locator   kubeletLocator
	transport http.RoundTripper
}

var (
	_ rest.GetterWithOptions = &podLogREST{}
	_ rest.StorageMetadata   = &podLogREST{}
)

func (r *podLogREST) New() runtime.Object { return &corev1.Pod{} }
func (r *podLogREST) Destroy()            {}
func (r *podLogREST) ProducesMIMETypes(string) []string {
	return []string{"text/plain"}
}
func (r *podLogREST) ProducesObject(string) any { return "" }
func (r *podLogREST) NewGetOptions() (runtime.Object, bool, string) {
	return &corev1.PodLogOptions{}, false, ""
}

func (r *podLogREST) Get(ctx context.Context, name string, opts runtime.Object) (runtime.Object, error) {
	logOpts, ok := opts.(*corev1.PodLogOptions)
	if !ok {
		return nil, fmt.Errorf("invalid options object: %#v", opts)
	}
	if logOpts.TailLines != nil && *logOpts.TailLines < 0 {
		return nil, apierrors.NewBadRequest("tailLines: Invalid value: " + strconv.FormatInt(*logOpts.TailLines, 10) + ": must be greater than or equal to 0")
	}
	pod, container, base, err := r.locator.locate(ctx, name, logOpts.Container)
	if err != nil {
		return nil, err
	}
	if base == nil {
		// A pod without a node has no logs yet: an empty stream.
		return &genericrest.LocationStreamer{}, nil
	}
	params := url.Values{}
	if logOpts.Follow {
		params.Add("follow", "true")
	}
	if logOpts.Previous {
		params.Add("previous", "true")
	}
	if logOpts.Timestamps {
		params.Add("timestamps", "true")
	}
	if logOpts.SinceSeconds != nil {
		params.Add("sinceSeconds", strconv.FormatInt(*logOpts.SinceSeconds, 10))
	}
	if logOpts.SinceTime != nil {
		params.Add("sinceTime", logOpts.SinceTime.Format(time.RFC3339))
	}
	if logOpts.TailLines != nil {
		params.Add("tailLines", strconv.FormatInt(*logOpts.TailLines, 10))
	}
	if logOpts.LimitBytes != nil {
		params.Add("limitBytes", strconv.FormatInt(*logOpts.LimitBytes, 10))
	}
	loc := *base
	loc.Path = fmt.Sprintf("/containerLogs/%s/%s/%s", pod.Namespace, name, container)
	loc.RawQuery = params.Encode()
	return &genericrest.LocationStreamer{
		Location:        &loc,
		Transport:       r.transport,
		ContentType:     "text/plain",
		Flush:           logOpts.Follow,
		ResponseChecker: genericrest.NewGenericHttpResponseChecker(corev1.Resource("pods/log"), name),
		RedirectChecker: genericrest.PreventRedirects,
	}, nil
}

// podExecREST serves pods/exec by proxying the upgraded connection to the
// kubelet's /exec; websocket clients speaking v5.channel.k8s.io (kubectl
// since 1.30) are translated to SPDY towards the kubelet, as the
// apiserver does for kubelets that do not declare websocket support
// (pkg/registry/core/pod/rest ExecREST).
type podExecREST struct {
	locator   kubeletLocator
	transport http.RoundTripper
}

var _ rest.Connecter = &podExecREST{}

func (r *podExecREST) New() runtime.Object      { return &corev1.PodExecOptions{} }
func (r *podExecREST) Destroy()                 {}
func (r *podExecREST) ConnectMethods() []string { return []string{"GET", "POST"} }
func (r *podExecREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodExecOptions{}, false, ""
}

func (r *podExecREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	execOpts, ok := opts.(*corev1.PodExecOptions)
	if !ok {
		return nil, fmt.Errorf("invalid options object: %#v", opts)
	}
	pod, container, base, err := r.locator.locate(ctx, name, execOpts.Container)
	if err != nil {
		return nil, err
	}
	if base == nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("pod %s does not have a host assigned", name))
	}
	params := url.Values{}
	for _, c := range execOpts.Command {
		params.Add("command", c)
	}
	if execOpts.Stdin {
		params.Add("input", "1")
	}
	if execOpts.Stdout {
		params.Add("output", "1")
	}
	if execOpts.Stderr {
		params.Add("error", "1")
	}
	if execOpts.TTY {
		params.Add("tty", "1")
	}
	loc := *base
	loc.Path = fmt.Sprintf("/exec/%s/%s/%s", pod.Namespace, pod.Name, container)
	loc.RawQuery = params.Encode()
	handler := proxy.NewUpgradeAwareHandler(&loc, r.transport, false, true, proxy.NewErrorResponder(responder))
	streamTranslator := translator.NewStreamTranslatorHandler(&loc, r.transport, 0, translator.Options{
		Stdin: execOpts.Stdin, Stdout: execOpts.Stdout, Stderr: execOpts.Stderr, Tty: execOpts.TTY,
	})
	return translator.NewTranslatingHandler(handler, streamTranslator, wsstream.IsWebSocketRequestWithStreamCloseProtocol), nil
}

// addPodConnectConversions decodes pods/log and pods/exec query parameters
// into their options (the conversions upstream generates in
// pkg/apis/core/v1 for url.Values).
func addPodConnectConversions(s *runtime.Scheme) error {
	if err := s.AddConversionFunc((*url.Values)(nil), (*corev1.PodLogOptions)(nil), func(a, b any, _ conversion.Scope) error {
		return podLogOptionsFromQuery(*a.(*url.Values), b.(*corev1.PodLogOptions))
	}); err != nil {
		return err
	}
	return s.AddConversionFunc((*url.Values)(nil), (*corev1.PodExecOptions)(nil), func(a, b any, _ conversion.Scope) error {
		q, out := *a.(*url.Values), b.(*corev1.PodExecOptions)
		*out = corev1.PodExecOptions{
			Stdin: queryBool(q, "stdin"), Stdout: queryBool(q, "stdout"), Stderr: queryBool(q, "stderr"), TTY: queryBool(q, "tty"),
			Container: q.Get("container"), Command: q["command"],
		}
		return nil
	})
}

func queryBool(q url.Values, key string) bool {
	b, _ := strconv.ParseBool(q.Get(key))
	return b
}

func podLogOptionsFromQuery(q url.Values, out *corev1.PodLogOptions) error {
	*out = corev1.PodLogOptions{
		Container: q.Get("container"), Follow: queryBool(q, "follow"), Previous: queryBool(q, "previous"),
		Timestamps: queryBool(q, "timestamps"), InsecureSkipTLSVerifyBackend: queryBool(q, "insecureSkipTLSVerifyBackend"),
	}
	for key, dst := range map[string]**int64{"sinceSeconds": &out.SinceSeconds, "tailLines": &out.TailLines, "limitBytes": &out.LimitBytes} {
		if v := q.Get(key); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return apierrors.NewBadRequest(fmt.Sprintf("%s: invalid value %q", key, v))
			}
			*dst = &n
		}
	}
	if v := q.Get("sinceTime"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return apierrors.NewBadRequest(fmt.Sprintf("sinceTime: invalid value %q", v))
		}
		mt := metav1.NewTime(t)
		out.SinceTime = &mt
	}
	if v := q.Get("stream"); v != "" {
		out.Stream = &v
	}
	return nil
}

// podConnectSubresources are pods/log and pods/exec.
func (s *Server) podConnectSubresources(pods rest.Getter) map[string]rest.Storage {
	if err := addPodConnectConversions(s.scheme); err != nil {
		panic(err) // only a programming error: the funcs are well formed
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	locator := kubeletLocator{pods: pods, nodes: func() rest.Getter {
		return s.stores[schema.GroupResource{Resource: "nodes"}].(rest.Getter)
	}}
	return map[string]rest.Storage{
		"log":  &podLogREST{locator: locator, transport: transport},
		"exec": &podExecREST{locator: locator, transport: transport},
	}
}
