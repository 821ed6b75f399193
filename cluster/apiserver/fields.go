package apiserver

import (
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	resourcev1 "k8s.io/api/resource/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/storage"
)

// Field selectors. Each served type offers the same selectable fields as
// upstream (pods by spec.nodeName and status.phase, events by
// involvedObject.*, ...): selectableFields computes them for an object, and
// the field label conversions registered below say which labels a request
// may use, with upstream's error for the others.

// selectableFields returns the fields of obj a field selector may match,
// beyond metadata.name and metadata.namespace.
func selectableFields(obj runtime.Object) fields.Set {
	switch o := obj.(type) {
	case *corev1.Pod:
		podIP := ""
		if len(o.Status.PodIPs) > 0 {
			podIP = o.Status.PodIPs[0].IP
		}
		return fields.Set{
			"spec.nodeName":            o.Spec.NodeName,
			"spec.restartPolicy":       string(o.Spec.RestartPolicy),
			"spec.schedulerName":       o.Spec.SchedulerName,
			"spec.serviceAccountName":  o.Spec.ServiceAccountName,
			"spec.hostNetwork":         strconv.FormatBool(o.Spec.HostNetwork),
			"status.phase":             string(o.Status.Phase),
			"status.podIP":             podIP,
			"status.nominatedNodeName": o.Status.NominatedNodeName,
		}
	case *corev1.Node:
		return fields.Set{"spec.unschedulable": strconv.FormatBool(o.Spec.Unschedulable)}
	case *corev1.Namespace:
		return fields.Set{"status.phase": string(o.Status.Phase)}
	case *corev1.Secret:
		return fields.Set{"type": string(o.Type)}
	case *corev1.Service:
		return fields.Set{"spec.clusterIP": o.Spec.ClusterIP, "spec.type": string(o.Spec.Type)}
	case *corev1.ReplicationController:
		return fields.Set{"status.replicas": strconv.Itoa(int(o.Status.Replicas))}
	case *appsv1.ReplicaSet:
		return fields.Set{"status.replicas": strconv.Itoa(int(o.Status.Replicas))}
	case *batchv1.Job:
		return fields.Set{"status.successful": strconv.Itoa(int(o.Status.Succeeded))}
	case *certificatesv1.CertificateSigningRequest:
		return fields.Set{"spec.signerName": o.Spec.SignerName}
	case *certificatesv1.ClusterTrustBundle:
		return fields.Set{"spec.signerName": o.Spec.SignerName}
	case *certificatesv1.PodCertificateRequest:
		return fields.Set{"spec.signerName": o.Spec.SignerName, "spec.podName": o.Spec.PodName, "spec.nodeName": string(o.Spec.NodeName)}
	case *resourcev1.ResourceSlice:
		nodeName := ""
		if o.Spec.NodeName != nil {
			nodeName = *o.Spec.NodeName
		}
		return fields.Set{"spec.nodeName": nodeName, "spec.driver": o.Spec.Driver, "spec.pool.name": o.Spec.Pool.Name}
	case *corev1.PersistentVolumeClaim:
		return fields.Set{"name": o.Name}
	case *corev1.Event:
		source := o.Source.Component
		if source == "" {
			source = o.ReportingController
		}
		return fields.Set{
			"involvedObject.kind":            o.InvolvedObject.Kind,
			"involvedObject.namespace":       o.InvolvedObject.Namespace,
			"involvedObject.name":            o.InvolvedObject.Name,
			"involvedObject.uid":             string(o.InvolvedObject.UID),
			"involvedObject.apiVersion":      o.InvolvedObject.APIVersion,
			"involvedObject.resourceVersion": o.InvolvedObject.ResourceVersion,
			"involvedObject.fieldPath":       o.InvolvedObject.FieldPath,
			"reason":                         o.Reason,
			"reportingComponent":             o.ReportingController,
			"source":                         source,
			"type":                           o.Type,
		}
	}
	return nil
}

// attrsFunc returns the storage.AttrFunc for a resource of the given scope.
func attrsFunc(namespaced bool) storage.AttrFunc {
	return func(obj runtime.Object) (labels.Set, fields.Set, error) {
		m, err := meta.Accessor(obj)
		if err != nil {
			return nil, nil, err
		}
		set := selectableFields(obj)
		if set == nil {
			set = fields.Set{}
		}
		set["metadata.name"] = m.GetName()
		if namespaced {
			set["metadata.namespace"] = m.GetNamespace()
		}
		return labels.Set(m.GetLabels()), set, nil
	}
}

// fieldLabels lists, per kind, the labels a request may select on, mapped
// to the field name selectableFields uses.
var fieldLabels = []struct {
	gvk    schema.GroupVersionKind
	labels map[string]string
	// unsupported formats the error for any other label.
	unsupported func(label string) error
}{
	{corev1.SchemeGroupVersion.WithKind("Pod"), same("metadata.name", "metadata.namespace", "spec.nodeName",
		"spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
		"status.podIP", "status.podIPs", "status.nominatedNodeName").with("spec.host", "spec.nodeName"), nil},
	{corev1.SchemeGroupVersion.WithKind("Node"), same("metadata.name", "spec.unschedulable"), nil},
	{corev1.SchemeGroupVersion.WithKind("ReplicationController"), same("metadata.name", "metadata.namespace", "status.replicas"), nil},
	{corev1.SchemeGroupVersion.WithKind("Event"), same("involvedObject.kind", "involvedObject.namespace",
		"involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
		"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", "metadata.namespace", "metadata.name"), nil},
	{corev1.SchemeGroupVersion.WithKind("Namespace"), same("status.phase", "metadata.name"), nil},
	{corev1.SchemeGroupVersion.WithKind("Secret"), same("type", "metadata.namespace", "metadata.name"), nil},
	{corev1.SchemeGroupVersion.WithKind("Service"), same("metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"), nil},
	{eventsv1.SchemeGroupVersion.WithKind("Event"), labelMap{
		"reason":                    "reason",
		"regarding.kind":            "involvedObject.kind",
		"regarding.namespace":       "involvedObject.namespace",
		"regarding.name":            "involvedObject.name",
		"regarding.uid":             "involvedObject.uid",
		"regarding.apiVersion":      "involvedObject.apiVersion",
		"regarding.resourceVersion": "involvedObject.resourceVersion",
		"regarding.fieldPath":       "involvedObject.fieldPath",
		"reportingController":       "reportingComponent",
		"type":                      "type",
		"metadata.namespace":        "metadata.namespace",
		"metadata.name":             "metadata.name",
	}, nil},
	{batchv1.SchemeGroupVersion.WithKind("Job"), same("metadata.name", "metadata.namespace", "status.successful"),
		func(label string) error { return fmt.Errorf("field label %q not supported for Job", label) }},
	{certificatesv1.SchemeGroupVersion.WithKind("CertificateSigningRequest"), same("metadata.name", "spec.signerName"), nil},
	{certificatesv1.SchemeGroupVersion.WithKind("ClusterTrustBundle"), same("metadata.name", "spec.signerName"), nil},
	{certificatesv1.SchemeGroupVersion.WithKind("PodCertificateRequest"), same("metadata.name", "spec.signerName", "spec.podName", "spec.nodeName"), nil},
	{resourcev1.SchemeGroupVersion.WithKind("ResourceSlice"), same("metadata.name", "spec.nodeName", "spec.driver", "spec.pool.name"),
		func(label string) error {
			return fmt.Errorf("field label not supported for %s: %s", resourcev1.SchemeGroupVersion.WithKind("ResourceSlice"), label)
		}},
}

type labelMap map[string]string

func same(names ...string) labelMap {
	m := labelMap{}
	for _, n := range names {
		m[n] = n
	}
	return m
}

func (m labelMap) with(from, to string) labelMap {
	m[from] = to
	return m
}

func addFieldLabelConversions(s *runtime.Scheme) error {
	for _, f := range fieldLabels {
		f := f
		err := s.AddFieldLabelConversionFunc(f.gvk, func(label, value string) (string, string, error) {
			if to, ok := f.labels[label]; ok {
				return to, value, nil
			}
			if f.unsupported != nil {
				return "", "", f.unsupported(label)
			}
			return "", "", fmt.Errorf("field label not supported: %s", label)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
