package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// ImageSpec is one repository of the catalog and what its images do when run.
type ImageSpec struct {
	// Repo is the normalised repository name ("docker.io/library/nginx").
	Repo string
	// Tags the repository has; a tag not listed does not exist.
	Tags []string
	// Entrypoint and Cmd are the image's ENTRYPOINT and CMD.
	Entrypoint, Cmd []string
	// Env is the image's ENV, as KEY=VALUE.
	Env []string
	// WorkingDir is the image's WORKDIR ("/" when empty).
	WorkingDir string
	// StopSignal is the image's STOPSIGNAL; containerd sends it on stop
	// when the container config names none ("SIGTERM" when empty).
	StopSignal string
	// Size is the image size in bytes, as the node reports it.
	Size int64
	// Shell is the /bin/sh of the image: "ash" (busybox, alpine), "dash"
	// (debian) or "bash"; it decides how shell errors read.
	Shell string
	// Listing is what `ls /` shows.
	Listing []string
}

// image is a resolved reference to a catalog entry.
type image struct {
	spec *ImageSpec
	ref  string // normalised, with tag or digest
	id   string // repo@sha256:...
}

var (
	rootDebian = []string{"bin", "boot", "dev", "docker-entrypoint.d", "docker-entrypoint.sh", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var"}
	rootBusy   = []string{"bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var"}
	rootAlpine = []string{"bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var"}
)

const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Catalog returns the built-in images: those the Kubernetes documentation
// and common tutorials run.
func Catalog() []ImageSpec {
	return []ImageSpec{
		{
			Repo: "docker.io/library/busybox",
			Tags: []string{"latest", "stable", "1", "1.37", "1.37.0", "1.36", "1.36.1", "1.36.0", "1.35", "1.35.0", "1.34", "1.28", "musl", "glibc", "uclibc", "1.36-musl", "1.37-musl"},
			Cmd:  []string{"sh"}, Env: []string{defaultPath}, Size: 2_155_000, Shell: "ash", Listing: rootBusy,
		},
		{
			Repo: "registry.k8s.io/busybox",
			Tags: []string{"latest", "1.24", "1.27.2"},
			Cmd:  []string{"sh"}, Env: []string{defaultPath}, Size: 1_144_547, Shell: "ash", Listing: rootBusy,
		},
		{
			Repo: "docker.io/library/alpine",
			Tags: []string{"latest", "3", "3.22", "3.21", "3.20", "3.19", "3.18", "edge"},
			Cmd:  []string{"/bin/sh"}, Env: []string{defaultPath}, Size: 3_640_000, Shell: "ash", Listing: rootAlpine,
		},
		{
			Repo:       "docker.io/library/nginx",
			Tags:       []string{"latest", "mainline", "stable", "1", "1.27", "1.27.5", "1.27.4", "1.27.3", "1.26", "1.26.3", "1.25", "1.25.5", "1.24", "1.23", "1.21", "1.19", "1.16.1", "1.14.2", "alpine", "stable-alpine", "mainline-alpine", "1.27-alpine", "1.26-alpine", "1.25-alpine"},
			Entrypoint: []string{"/docker-entrypoint.sh"},
			Cmd:        []string{"nginx", "-g", "daemon off;"},
			Env:        []string{defaultPath, "NGINX_VERSION=1.27.5", "NJS_VERSION=0.8.10", "NJS_RELEASE=1~bookworm", "PKG_RELEASE=1~bookworm", "DYNPKG_RELEASE=1~bookworm"},
			StopSignal: "SIGQUIT", Size: 72_223_946, Shell: "dash", Listing: rootDebian,
		},
		{
			Repo:       "docker.io/library/httpd",
			Tags:       []string{"latest", "2", "2.4", "2.4.63", "alpine", "2.4-alpine"},
			Cmd:        []string{"httpd-foreground"},
			Env:        []string{"PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HTTPD_PREFIX=/usr/local/apache2", "HTTPD_VERSION=2.4.63"},
			WorkingDir: "/usr/local/apache2", StopSignal: "SIGWINCH", Size: 58_096_576, Shell: "dash", Listing: rootDebian[:len(rootDebian)],
		},
		{
			Repo:       "registry.k8s.io/pause",
			Tags:       []string{"3.10", "3.10.1", "3.9", "3.8", "3.7", "3.6"},
			Entrypoint: []string{"/pause"}, Size: 320_368, Shell: "", Listing: []string{"dev", "etc", "pause", "proc", "sys"},
		},
		{
			Repo:       "registry.k8s.io/e2e-test-images/agnhost",
			Tags:       []string{"2.53", "2.52", "2.51", "2.47", "2.45", "2.43", "2.40", "2.39", "2.56"},
			Entrypoint: []string{"/agnhost"}, Env: []string{defaultPath},
			Size: 51_205_000, Shell: "ash", Listing: append([]string{"agnhost"}, rootAlpine...),
		},
		{
			Repo: "gcr.io/google-samples/hello-app",
			Tags: []string{"1.0", "2.0"},
			Cmd:  []string{"/hello-app"}, Env: []string{defaultPath},
			Size: 4_260_000, Shell: "", Listing: []string{"hello-app"},
		},
		{
			Repo: "us-docker.pkg.dev/google-samples/containers/gke/hello-app",
			Tags: []string{"1.0", "2.0"},
			Cmd:  []string{"/hello-app"}, Env: []string{defaultPath},
			Size: 4_260_000, Shell: "", Listing: []string{"hello-app"},
		},
		{
			Repo: "docker.io/polinux/stress",
			Tags: []string{"latest", "1.0.4"},
			Cmd:  []string{"stress", "--help"}, Env: []string{defaultPath},
			Size: 4_040_000, Shell: "ash", Listing: rootAlpine,
		},
		{
			Repo: "docker.io/library/ubuntu",
			Tags: []string{"latest", "24.04", "22.04", "20.04", "noble", "jammy"},
			Cmd:  []string{"/bin/bash"}, Env: []string{defaultPath},
			Size: 29_754_000, Shell: "dash", Listing: rootDebian[:1],
		},
		{
			Repo: "docker.io/library/debian",
			Tags: []string{"latest", "bookworm", "bookworm-slim", "12", "12-slim", "trixie", "13"},
			Cmd:  []string{"bash"}, Env: []string{defaultPath},
			Size: 48_480_000, Shell: "dash", Listing: rootDebian[:1],
		},
	}
}

// normalize turns an image name as a pod spec gives it into the reference
// containerd pulls: "nginx" -> "docker.io/library/nginx:latest".
func normalize(name string) (reference.Named, error) {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, fmt.Errorf("failed to parse image reference %q: %w", name, err)
	}
	return reference.TagNameOnly(named), nil
}

// digestOf is the fake but stable content digest of a reference.
func digestOf(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// resolve finds name in the catalog. The error reads as containerd's for the
// same miss, wrapping container.ErrImageNotFound.
func (r *Runtime) resolve(name string) (*image, error) {
	named, err := normalize(name)
	if err != nil {
		return nil, err
	}
	ref := named.String()
	spec := r.images[named.Name()]
	notFound := func(why string) error {
		return &pullError{ref: ref, msg: fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: %s", ref, ref, why), notFound: true}
	}
	if spec == nil {
		if reference.Domain(named) == "docker.io" {
			return nil, notFound("pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed")
		}
		return nil, notFound(ref + ": not found")
	}
	switch n := named.(type) {
	case reference.Tagged:
		for _, t := range spec.Tags {
			if t == n.Tag() {
				return &image{spec: spec, ref: ref, id: spec.Repo + "@" + digestOf(ref)}, nil
			}
		}
	case reference.Digested:
		for _, t := range spec.Tags {
			tagged := spec.Repo + ":" + t
			if digestOf(tagged) == n.Digest().String() {
				return &image{spec: spec, ref: ref, id: spec.Repo + "@" + digestOf(tagged)}, nil
			}
		}
	}
	return nil, notFound(ref + ": not found")
}

// pullError is a failed pull; Unwrap makes errors.Is(err,
// container.ErrImageNotFound) true for images that do not exist.
type pullError struct {
	ref      string
	msg      string
	notFound bool
}

func (e *pullError) Error() string { return e.msg }

// shortName is the last path element of a repository without the tag.
func shortName(repo string) string {
	if i := strings.LastIndex(repo, "/"); i >= 0 {
		return repo[i+1:]
	}
	return repo
}
