package kubelet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubelab/cluster/container"
)

// placeholderToken stands in for a service account token: kubelab's
// kubelet does not mint tokens, but the file is where a real one would be.
const placeholderToken = "kubelab-placeholder-service-account-token"

// setupVolumes makes every pod volume a directory under the pod's dir, as
// the volume manager does under /var/lib/kubelet/pods/<uid>/volumes/
// <plugin>/<name>, and writes the files of configMap, secret, downwardAPI
// and projected volumes.
func (w *podWorker) setupVolumes(ctx context.Context, pod *corev1.Pod) error {
	w.volumes = map[string]string{}
	for _, v := range pod.Spec.Volumes {
		dir, err := w.setupVolume(ctx, pod, v)
		if err != nil {
			return fmt.Errorf("MountVolume.SetUp failed for volume %q : %w", v.Name, err)
		}
		w.volumes[v.Name] = dir
	}
	return nil
}

func (w *podWorker) volumeDir(plugin, name string) (string, error) {
	dir := filepath.Join(w.podDir(), "volumes", plugin, name)
	return dir, os.MkdirAll(dir, 0o755)
}

func (w *podWorker) setupVolume(ctx context.Context, pod *corev1.Pod, v corev1.Volume) (string, error) {
	src := v.VolumeSource
	switch {
	case src.HostPath != nil:
		path := src.HostPath.Path
		if src.HostPath.Type != nil && (*src.HostPath.Type == corev1.HostPathDirectoryOrCreate) {
			os.MkdirAll(path, 0o755)
		}
		return path, nil
	case src.EmptyDir != nil:
		return w.volumeDir("kubernetes.io~empty-dir", v.Name)
	case src.PersistentVolumeClaim != nil:
		// A claim is a local directory of the node, kept while the pod lives.
		claim := src.PersistentVolumeClaim.ClaimName
		if _, err := w.k.client.CoreV1().PersistentVolumeClaims(pod.Namespace).Get(ctx, claim, metav1.GetOptions{}); err != nil {
			if apierrors.IsNotFound(err) {
				return "", fmt.Errorf("persistentvolumeclaim %q not found", claim)
			}
			return "", err
		}
		dir := filepath.Join(w.k.rootDir, "pvc", pod.Namespace, claim)
		return dir, os.MkdirAll(dir, 0o755)
	case src.ConfigMap != nil:
		dir, err := w.volumeDir("kubernetes.io~configmap", v.Name)
		if err != nil {
			return "", err
		}
		files, err := w.configMapFiles(ctx, pod, src.ConfigMap.Name, src.ConfigMap.Items, ptrTrue(src.ConfigMap.Optional))
		if err != nil {
			return "", err
		}
		return dir, writeFiles(dir, files)
	case src.Secret != nil:
		dir, err := w.volumeDir("kubernetes.io~secret", v.Name)
		if err != nil {
			return "", err
		}
		files, err := w.secretFiles(ctx, pod, src.Secret.SecretName, src.Secret.Items, ptrTrue(src.Secret.Optional))
		if err != nil {
			return "", err
		}
		return dir, writeFiles(dir, files)
	case src.DownwardAPI != nil:
		dir, err := w.volumeDir("kubernetes.io~downward-api", v.Name)
		if err != nil {
			return "", err
		}
		files, err := w.downwardFiles(pod, src.DownwardAPI.Items)
		if err != nil {
			return "", err
		}
		return dir, writeFiles(dir, files)
	case src.Projected != nil:
		dir, err := w.volumeDir("kubernetes.io~projected", v.Name)
		if err != nil {
			return "", err
		}
		files := map[string][]byte{}
		for _, p := range src.Projected.Sources {
			var part map[string][]byte
			switch {
			case p.ConfigMap != nil:
				part, err = w.configMapFiles(ctx, pod, p.ConfigMap.Name, p.ConfigMap.Items, ptrTrue(p.ConfigMap.Optional) || p.ConfigMap.Name == "kube-root-ca.crt")
			case p.Secret != nil:
				part, err = w.secretFiles(ctx, pod, p.Secret.Name, p.Secret.Items, ptrTrue(p.Secret.Optional))
			case p.DownwardAPI != nil:
				part, err = w.downwardFiles(pod, p.DownwardAPI.Items)
			case p.ServiceAccountToken != nil:
				part = map[string][]byte{p.ServiceAccountToken.Path: []byte(placeholderToken)}
			}
			if err != nil {
				return "", err
			}
			for k, v := range part {
				files[k] = v
			}
		}
		return dir, writeFiles(dir, files)
	}
	// Other volume kinds are a plain directory.
	return w.volumeDir("kubernetes.io~other", v.Name)
}

func (w *podWorker) configMapFiles(ctx context.Context, pod *corev1.Pod, name string, items []corev1.KeyToPath, optional bool) (map[string][]byte, error) {
	cm, err := w.k.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if optional {
			return nil, nil
		}
		return nil, fmt.Errorf("configmap %q not found", name)
	}
	if err != nil {
		return nil, err
	}
	data := map[string][]byte{}
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return project(data, items, optional, "configmap", name)
}

func (w *podWorker) secretFiles(ctx context.Context, pod *corev1.Pod, name string, items []corev1.KeyToPath, optional bool) (map[string][]byte, error) {
	s, err := w.k.client.CoreV1().Secrets(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if optional {
			return nil, nil
		}
		return nil, fmt.Errorf("secret %q not found", name)
	}
	if err != nil {
		return nil, err
	}
	return project(s.Data, items, optional, "secret", name)
}

// project picks the items of a configMap or secret, or all of its keys.
func project(data map[string][]byte, items []corev1.KeyToPath, optional bool, kind, name string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(items) == 0 {
		for k, v := range data {
			out[k] = v
		}
		return out, nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if optional {
				continue
			}
			return nil, fmt.Errorf("configmap references non-existent config key: %s", it.Key)
		}
		out[it.Path] = v
	}
	return out, nil
}

func (w *podWorker) downwardFiles(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, it := range items {
		var v string
		var err error
		switch {
		case it.FieldRef != nil:
			v, err = w.k.podField(pod, it.FieldRef.FieldPath, w.podIP)
		case it.ResourceFieldRef != nil:
			c := &corev1.Container{}
			if len(pod.Spec.Containers) > 0 {
				c = &pod.Spec.Containers[0]
			}
			v, err = w.k.resourceField(pod, c, it.ResourceFieldRef)
		}
		if err != nil {
			return nil, err
		}
		out[it.Path] = []byte(v)
	}
	return out, nil
}

func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		path := filepath.Join(dir, filepath.Clean("/"+name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// mounts are a container's volume mounts as host paths.
func (w *podWorker) mounts(pod *corev1.Pod, c *corev1.Container) ([]container.Mount, error) {
	var out []container.Mount
	for _, m := range c.VolumeMounts {
		dir, ok := w.volumes[m.Name]
		if !ok {
			return nil, fmt.Errorf("cannot find volume %q to mount into container %q", m.Name, c.Name)
		}
		if m.SubPath != "" {
			dir = filepath.Join(dir, filepath.Clean("/"+m.SubPath))
			if !strings.HasPrefix(dir, w.volumes[m.Name]) {
				return nil, fmt.Errorf("subPath %q is outside the volume", m.SubPath)
			}
		}
		out = append(out, container.Mount{HostPath: dir, ContainerPath: m.MountPath, ReadOnly: m.ReadOnly})
	}
	return out, nil
}
