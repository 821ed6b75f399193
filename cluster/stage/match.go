package stage

import (
	"fmt"
	"path"
	"strings"
)

// ValidPattern reports whether p is a well-formed glob (path.Match syntax).
func ValidPattern(p string) error {
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Errorf("bad pattern %q: %w (use *, ? and [...] as in path.Match)", p, err)
	}
	return nil
}

// matchStage reports whether p names the record's stage or its component. A
// bare component name also matches every instance of it, so "kubelet" matches
// "kubelet/worker-1" and "controller" every controller.
func matchStage(p string, s *Stage) bool {
	if p == "" || p == "*" {
		return true
	}
	if ok, _ := path.Match(p, s.Name); ok {
		return true
	}
	if ok, _ := path.Match(p, s.Component); ok {
		return true
	}
	if i := strings.IndexByte(s.Component, '/'); i >= 0 {
		ok, _ := path.Match(p, s.Component[:i])
		return ok
	}
	return false
}

// sepStandIn replaces '/' before matching objects, so that '*' crosses it.
const sepStandIn = "\x00"

// matchObject reports whether p matches an object reference or etcd key. Unlike
// path.Match, '*' also matches '/', so "pod/*" is every pod in every namespace,
// "pod/*/nginx" is nginx in any namespace and "/registry/pods/*" every pod key.
func matchObject(p, obj string) bool {
	if p == "" || p == "*" {
		return true
	}
	if ok, _ := path.Match(p, obj); ok {
		return true
	}
	if !strings.Contains(obj, "/") {
		return false
	}
	ok, _ := path.Match(strings.ReplaceAll(p, "/", sepStandIn), strings.ReplaceAll(obj, "/", sepStandIn))
	return ok
}
