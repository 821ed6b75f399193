package kubelet

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubelab/cluster/container"
)

// makeEnv resolves a container's environment as kubelet_pods.go
// makeEnvironmentVariables does: envFrom first, then env in order, each
// value expanded against what came before it.
func (k *Kubelet) makeEnv(ctx context.Context, pod *corev1.Pod, c *corev1.Container, podIP string) ([]container.EnvVar, error) {
	vars := map[string]string{}
	var order []string
	set := func(name, value string) {
		if _, ok := vars[name]; !ok {
			order = append(order, name)
		}
		vars[name] = value
	}
	// The kubernetes service's variables are in every container and can be
	// referred to with $(VAR) (kubelet_pods.go getServiceEnvVarMap).
	services := serviceEnv()
	for _, e := range services {
		vars[e.Name] = e.Value
	}
	configMaps := map[string]*corev1.ConfigMap{}
	secrets := map[string]*corev1.Secret{}
	getConfigMap := func(name string, optional bool) (*corev1.ConfigMap, error) {
		if cm, ok := configMaps[name]; ok {
			return cm, nil
		}
		cm, err := k.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) && optional {
			configMaps[name] = nil
			return nil, nil
		}
		if err != nil {
			if apierrors.IsNotFound(err) {
				return nil, fmt.Errorf("configmap %q not found", name)
			}
			return nil, err
		}
		configMaps[name] = cm
		return cm, nil
	}
	getSecret := func(name string, optional bool) (*corev1.Secret, error) {
		if s, ok := secrets[name]; ok {
			return s, nil
		}
		s, err := k.client.CoreV1().Secrets(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) && optional {
			secrets[name] = nil
			return nil, nil
		}
		if err != nil {
			if apierrors.IsNotFound(err) {
				return nil, fmt.Errorf("secret %q not found", name)
			}
			return nil, err
		}
		secrets[name] = s
		return s, nil
	}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm, err := getConfigMap(from.ConfigMapRef.Name, ptrTrue(from.ConfigMapRef.Optional))
			if err != nil {
				return nil, err
			}
			if cm == nil {
				continue
			}
			for _, key := range sortedKeys(cm.Data) {
				set(from.Prefix+key, cm.Data[key])
			}
		case from.SecretRef != nil:
			s, err := getSecret(from.SecretRef.Name, ptrTrue(from.SecretRef.Optional))
			if err != nil {
				return nil, err
			}
			if s == nil {
				continue
			}
			keys := make([]string, 0, len(s.Data))
			for key := range s.Data {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			for _, key := range keys {
				set(from.Prefix+key, string(s.Data[key]))
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			set(e.Name, expand(e.Value, vars))
			continue
		}
		var value string
		switch src := e.ValueFrom; {
		case src.FieldRef != nil:
			v, err := k.podField(pod, src.FieldRef.FieldPath, podIP)
			if err != nil {
				return nil, err
			}
			value = v
		case src.ResourceFieldRef != nil:
			v, err := k.resourceField(pod, c, src.ResourceFieldRef)
			if err != nil {
				return nil, err
			}
			value = v
		case src.ConfigMapKeyRef != nil:
			ref := src.ConfigMapKeyRef
			cm, err := getConfigMap(ref.Name, ptrTrue(ref.Optional))
			if err != nil {
				return nil, err
			}
			if cm == nil {
				continue
			}
			v, ok := cm.Data[ref.Key]
			if !ok {
				if ptrTrue(ref.Optional) {
					continue
				}
				return nil, fmt.Errorf("couldn't find key %s in ConfigMap %s/%s", ref.Key, pod.Namespace, ref.Name)
			}
			value = v
		case src.SecretKeyRef != nil:
			ref := src.SecretKeyRef
			s, err := getSecret(ref.Name, ptrTrue(ref.Optional))
			if err != nil {
				return nil, err
			}
			if s == nil {
				continue
			}
			v, ok := s.Data[ref.Key]
			if !ok {
				if ptrTrue(ref.Optional) {
					continue
				}
				return nil, fmt.Errorf("couldn't find key %s in Secret %s/%s", ref.Key, pod.Namespace, ref.Name)
			}
			value = string(v)
		}
		set(e.Name, value)
	}
	out := make([]container.EnvVar, 0, len(order)+len(services))
	for _, name := range order {
		out = append(out, container.EnvVar{Name: name, Value: vars[name]})
	}
	for _, e := range services {
		if !slices.Contains(order, e.Name) {
			out = append(out, e)
		}
	}
	return out, nil
}

func serviceEnv() []container.EnvVar {
	return []container.EnvVar{
		{Name: "KUBERNETES_SERVICE_HOST", Value: "10.96.0.1"},
		{Name: "KUBERNETES_SERVICE_PORT", Value: "443"},
		{Name: "KUBERNETES_SERVICE_PORT_HTTPS", Value: "443"},
		{Name: "KUBERNETES_PORT", Value: "tcp://10.96.0.1:443"},
		{Name: "KUBERNETES_PORT_443_TCP", Value: "tcp://10.96.0.1:443"},
		{Name: "KUBERNETES_PORT_443_TCP_PROTO", Value: "tcp"},
		{Name: "KUBERNETES_PORT_443_TCP_PORT", Value: "443"},
		{Name: "KUBERNETES_PORT_443_TCP_ADDR", Value: "10.96.0.1"},
	}
}

func ptrTrue(b *bool) bool { return b != nil && *b }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// podField is the downward API's fieldRef (pkg/fieldpath plus the status
// fields the kubelet fills in).
func (k *Kubelet) podField(pod *corev1.Pod, path, podIP string) (string, error) {
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP":
		return k.cfg.Node.InternalIP, nil
	case "status.hostIPs":
		return k.cfg.Node.InternalIP, nil
	case "status.podIP":
		return podIP, nil
	case "status.podIPs":
		return podIP, nil
	}
	for _, prefix := range []string{"metadata.labels", "metadata.annotations"} {
		if strings.HasPrefix(path, prefix+"['") && strings.HasSuffix(path, "']") {
			key := path[len(prefix)+2 : len(path)-2]
			if prefix == "metadata.labels" {
				return pod.Labels[key], nil
			}
			return pod.Annotations[key], nil
		}
	}
	return "", fmt.Errorf("unsupported fieldPath: %s", path)
}

// formatMap renders labels or annotations as the downward API does:
// key="value" lines, sorted.
func formatMap(m map[string]string) string {
	var b strings.Builder
	for i, key := range sortedKeys(m) {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s=%s", key, strconv.Quote(m[key]))
	}
	return b.String()
}

// resourceField is the downward API's resourceFieldRef: a limit falls back
// to the node's allocatable when the container sets none.
func (k *Kubelet) resourceField(pod *corev1.Pod, c *corev1.Container, ref *corev1.ResourceFieldSelector) (string, error) {
	target := c
	if ref.ContainerName != "" {
		target = nil
		for _, cc := range allContainers(pod) {
			if cc.Name == ref.ContainerName {
				target = cc
			}
		}
		if target == nil {
			return "", fmt.Errorf("container %s not found", ref.ContainerName)
		}
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	var q resource.Quantity
	switch ref.Resource {
	case "limits.cpu":
		q = target.Resources.Limits[corev1.ResourceCPU]
		if q.IsZero() {
			q = k.cfg.Node.Capacity[corev1.ResourceCPU]
		}
	case "limits.memory":
		q = target.Resources.Limits[corev1.ResourceMemory]
		if q.IsZero() {
			q = k.cfg.Node.Capacity[corev1.ResourceMemory]
		}
	case "limits.ephemeral-storage":
		q = target.Resources.Limits[corev1.ResourceEphemeralStorage]
		if q.IsZero() {
			q = k.cfg.Node.Capacity[corev1.ResourceEphemeralStorage]
		}
	case "requests.cpu":
		q = target.Resources.Requests[corev1.ResourceCPU]
	case "requests.memory":
		q = target.Resources.Requests[corev1.ResourceMemory]
	case "requests.ephemeral-storage":
		q = target.Resources.Requests[corev1.ResourceEphemeralStorage]
	default:
		return "", fmt.Errorf("unsupported container resource : %v", ref.Resource)
	}
	if strings.HasSuffix(ref.Resource, "cpu") {
		// CPU rounds up to whole divisors (resource.ConvertResourceCPUToString).
		v := (q.MilliValue() + divisor.MilliValue() - 1) / divisor.MilliValue()
		return strconv.FormatInt(v, 10), nil
	}
	v := (q.Value() + divisor.Value() - 1) / divisor.Value()
	return strconv.FormatInt(v, 10), nil
}

// expand replaces $(VAR) with VAR's value when defined; $$ escapes a $ and
// an undefined reference is left as written (third_party/forked/golang/expansion).
func expand(input string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(input); i++ {
		if input[i] != '$' || i+1 >= len(input) {
			b.WriteByte(input[i])
			continue
		}
		switch input[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(input[i+2:], ')')
			if end < 0 {
				b.WriteString(input[i:])
				return b.String()
			}
			name := input[i+2 : i+2+end]
			if v, ok := vars[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(input[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// expandCommand expands $(VAR) in command and args against the container's
// environment.
func expandCommand(c *corev1.Container, env []container.EnvVar) (command, args []string) {
	vars := make(map[string]string, len(env))
	for _, e := range env {
		vars[e.Name] = e.Value
	}
	for _, s := range c.Command {
		command = append(command, expand(s, vars))
	}
	for _, s := range c.Args {
		args = append(args, expand(s, vars))
	}
	return command, args
}
