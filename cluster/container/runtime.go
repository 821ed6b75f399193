// Package container is the small, CRI-shaped interface between the kubelet
// and a container runtime, and the types that cross it. The kubelet is its
// only user and owns its shape: what the kubelet needs to run pods, no more.
// Implementations live in subpackages: sim (deterministic, in-process, on
// the cluster clock) and containerd (real containers).
//
// It mirrors the Container Runtime Interface (k8s.io/cri-api
// runtime/v1: RunPodSandbox, PullImage, CreateContainer, StartContainer,
// StopContainer, ContainerStatus, ExecSync/Exec, RemovePodSandbox) in
// names and semantics, so what the kubelet does with it reads like what the
// real kubelet does with CRI. As with CRI, containers write their output to
// the LogPath the kubelet chooses, in the CRI log format
// ("2016-10-06T00:17:09.669794202Z stdout F message"), and the kubelet
// serves pods/log from those files.
package container

import (
	"context"
	"errors"
	"io"
	"time"
)

// Runtime runs pod sandboxes and their containers on one node.
type Runtime interface {
	// Name is the RuntimeClass handler that selects this runtime ("sim",
	// "containerd").
	Name() string
	// Version is the runtime's name and version as a node reports it in
	// status.nodeInfo.containerRuntimeVersion, e.g. "containerd://1.6.20".
	Version(ctx context.Context) (string, error)

	// PullImage makes the image present and returns its image ID
	// (imageID in container statuses, e.g. "docker.io/library/nginx@sha256:...").
	// An image that cannot be had returns an error wrapping ErrImageNotFound
	// (or another error), whose text the kubelet shows in its Failed event.
	PullImage(ctx context.Context, image string) (imageID string, err error)
	// ImageStatus reports a present image, or nil when absent.
	ImageStatus(ctx context.Context, image string) (*Image, error)
	// ListImages lists the present images.
	ListImages(ctx context.Context) ([]Image, error)

	// RunPodSandbox creates and starts the pod's sandbox (its shared
	// namespaces and network) and returns its ID.
	RunPodSandbox(ctx context.Context, cfg SandboxConfig) (string, error)
	// StopPodSandbox stops every container of the sandbox and the sandbox.
	StopPodSandbox(ctx context.Context, sandboxID string) error
	// RemovePodSandbox removes a stopped sandbox and its containers.
	RemovePodSandbox(ctx context.Context, sandboxID string) error

	// CreateContainer creates a container in a sandbox; it does not start it.
	CreateContainer(ctx context.Context, sandboxID string, cfg ContainerConfig) (string, error)
	// StartContainer starts a created container.
	StartContainer(ctx context.Context, containerID string) error
	// StopContainer sends the container's stop signal (SIGTERM unless the
	// config says otherwise) and kills it after timeout; it returns once
	// the container has exited.
	StopContainer(ctx context.Context, containerID string, timeout time.Duration) error
	// RemoveContainer removes an exited container.
	RemoveContainer(ctx context.Context, containerID string) error
	// ContainerStatus reports one container.
	ContainerStatus(ctx context.Context, containerID string) (*ContainerStatus, error)
	// ListContainers lists the containers of one sandbox, or of all when
	// sandboxID is empty, oldest first.
	ListContainers(ctx context.Context, sandboxID string) ([]ContainerStatus, error)

	// Exec runs a command in a running container, wired to the given
	// streams, and returns its exit code. Probes and hooks of kind exec use
	// it too, with a timeout in ctx.
	Exec(ctx context.Context, containerID string, cmd []string, streams Streams) (exitCode int, err error)

	// Events delivers container state changes (started, exited) as they
	// happen, so the kubelet reacts without polling (its PLEG).
	Events() <-chan Event

	// Close releases the runtime's resources; containers it started are
	// stopped.
	Close() error
}

// NetworkProber is implemented by runtimes whose containers are not
// reachable over the host network (sim): the kubelet probes httpGet and
// tcpSocket through it instead of dialling the pod IP.
type NetworkProber interface {
	// ProbeHTTP performs GET path on the sandbox's port and returns the
	// HTTP status code.
	ProbeHTTP(ctx context.Context, sandboxID string, port int, path string) (int, error)
	// ProbeTCP reports whether something listens on the sandbox's port.
	ProbeTCP(ctx context.Context, sandboxID string, port int) error
}

// ErrImageNotFound wraps errors of images that do not exist anywhere the
// runtime can pull from.
var ErrImageNotFound = errors.New("image not found")

// ErrNotFound is returned for unknown sandbox or container IDs.
var ErrNotFound = errors.New("not found")

// Image is a present image.
type Image struct {
	// Ref is the name it was pulled by, normalised
	// ("docker.io/library/nginx:1.27").
	Ref string
	// ID is the image ID a container status reports.
	ID   string
	Size int64
}

// SandboxConfig is what a pod sandbox needs.
type SandboxConfig struct {
	Name, Namespace, UID string
	Attempt              uint32
	// Hostname is the pod's hostname (its name, or spec.hostname).
	Hostname string
	// IP is the pod IP the kubelet chose from the node's podCIDR; empty
	// for hostNetwork pods.
	IP          string
	HostNetwork bool
	// DNS is written to the sandbox's resolv.conf.
	DNS         DNSConfig
	Labels      map[string]string
	Annotations map[string]string
	// LogDirectory holds the pod's container logs.
	LogDirectory string
}

// DNSConfig is a sandbox's resolv.conf.
type DNSConfig struct {
	Servers, Searches, Options []string
}

// ContainerConfig is what one container needs.
type ContainerConfig struct {
	Name    string
	Attempt uint32 // restart count; part of the log file name
	// Image is the image as the pod spec names it; ImageID is what
	// PullImage returned.
	Image, ImageID string
	Command, Args  []string
	WorkingDir     string
	Env            []EnvVar
	Mounts         []Mount
	// LogPath is the absolute path of the container's log file.
	LogPath    string
	Stdin, TTY bool
	Resources  Resources
	// RunAsUser is securityContext.runAsUser, if set.
	RunAsUser *int64
	// StopSignal overrides SIGTERM ("SIGINT", ...).
	StopSignal  string
	Labels      map[string]string
	Annotations map[string]string
}

// EnvVar is one resolved environment variable.
type EnvVar struct{ Name, Value string }

// Mount binds a host path into the container.
type Mount struct {
	HostPath, ContainerPath string
	ReadOnly                bool
}

// Resources are a container's limits as the runtime enforces them.
type Resources struct {
	CPUMillis        int64 // 0: unlimited
	MemoryLimitBytes int64 // 0: unlimited; exceeding it is OOMKilled (exit 137)
}

// State is a container's runtime state.
type State string

const (
	StateCreated State = "Created"
	StateRunning State = "Running"
	StateExited  State = "Exited"
	StateUnknown State = "Unknown"
)

// ContainerStatus is one container as the runtime sees it.
type ContainerStatus struct {
	ID, SandboxID, Name string
	Attempt             uint32
	State               State
	CreatedAt           time.Time
	StartedAt           time.Time
	FinishedAt          time.Time
	ExitCode            int32
	// Reason of an exited container: "Completed" (exit 0), "Error",
	// "OOMKilled", as the kubelet reports it in state.terminated.reason.
	Reason  string
	Message string
	Image   string
	ImageID string
	LogPath string
}

// EventType is what happened to a container.
type EventType string

const (
	EventStarted EventType = "Started"
	EventExited  EventType = "Exited"
)

// Event is a container state change.
type Event struct {
	Type        EventType
	ContainerID string
	SandboxID   string
	Time        time.Time
}

// Streams are the standard streams of an exec session.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	TTY            bool
	// Resize delivers terminal size changes for TTY sessions; may be nil.
	Resize <-chan TerminalSize
}

// TerminalSize is a terminal's width and height in characters.
type TerminalSize struct{ Width, Height uint16 }
