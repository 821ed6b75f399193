package kubelet

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"

	"kubelab/cluster/clock"
)

// eventScheme resolves the references of pods and nodes in events.
var eventScheme = scheme.Scheme

// clockSink writes the recorder's events stamped with the cluster clock:
// client-go's recorder stamps them with the wall clock, which under a
// virtual clock would put every event in another time than the objects it
// is about.
type clockSink struct {
	ctx   context.Context
	sink  typedcorev1.EventInterface
	clock clock.Clock

	mu   sync.Mutex
	last int64 // UnixNano of the last event name given out
}

func (s *clockSink) now() metav1.Time { return metav1.NewTime(s.clock.Now()) }

func (s *clockSink) Create(e *corev1.Event) (*corev1.Event, error) {
	now := s.now()
	e.FirstTimestamp, e.LastTimestamp = now, now
	e.Name = s.name(e.InvolvedObject.Name, now)
	return s.sink.CreateWithEventNamespaceWithContext(s.ctx, e)
}

// name is the event's name as client-go gives it (object name, a dot, the
// time in hex nanoseconds), but from the cluster clock, so a replayed
// session names its events the same way. Events at the same instant, as
// on a virtual clock, get successive nanoseconds.
func (s *clockSink) name(object string, now metav1.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := now.UnixNano()
	if n <= s.last {
		n = s.last + 1
	}
	s.last = n
	return fmt.Sprintf("%v.%x", object, n)
}

func (s *clockSink) Update(e *corev1.Event) (*corev1.Event, error) {
	e.LastTimestamp = s.now()
	return s.sink.UpdateWithEventNamespaceWithContext(s.ctx, e)
}

func (s *clockSink) Patch(e *corev1.Event, data []byte) (*corev1.Event, error) {
	var patch map[string]any
	if err := json.Unmarshal(data, &patch); err == nil {
		if _, ok := patch["lastTimestamp"]; ok {
			patch["lastTimestamp"] = s.now().UTC().Format("2006-01-02T15:04:05Z")
			if b, err := json.Marshal(patch); err == nil {
				data = b
			}
		}
	}
	return s.sink.PatchWithEventNamespaceWithContext(s.ctx, e, data)
}

// podRef is the object reference of a pod's event, with the field path of
// one container as the kubelet gives it ("spec.containers{nginx}").
func podRef(pod *corev1.Pod, fieldPath string) *corev1.ObjectReference {
	return &corev1.ObjectReference{
		Kind: "Pod", APIVersion: "v1", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID,
		ResourceVersion: pod.ResourceVersion, FieldPath: fieldPath,
	}
}

func nodeRef(name string) *corev1.ObjectReference {
	return &corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: name, UID: types.UID(name)}
}
