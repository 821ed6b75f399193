package imagelocality

import (
	"context"
	"strings"

	v1 "k8s.io/api/core/v1"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "ImageLocality"

// The thresholds of upstream's score curve.
const (
	mb                    int64 = 1024 * 1024
	minThreshold          int64 = 23 * mb
	maxContainerThreshold int64 = 1000 * mb
)

// ImageLocality scores nodes by the pod's images they already have.
type ImageLocality struct {
	h framework.Handle
}

var _ framework.ScorePlugin = &ImageLocality{}

// New builds the plugin.
func New(h framework.Handle) (framework.Plugin, error) { return &ImageLocality{h: h}, nil }

// Name returns the plugin name.
func (pl *ImageLocality) Name() string { return Name }

// Score sums the spread-scaled sizes of the images present and maps the sum
// onto 0-100 between 23 MB and 1000 MB per container.
func (pl *ImageLocality) Score(_ context.Context, _ *framework.CycleState, pod *v1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	total := len(pl.h.NodeInfos().List())
	var sum int64
	images := 0
	for _, cs := range [][]v1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for _, c := range cs {
			images++
			if st, ok := ni.ImageStates[NormalizedImageName(c.Image)]; ok && total > 0 {
				sum += int64(float64(st.Size) * float64(st.NumNodes) / float64(total))
			}
		}
	}
	return calculatePriority(sum, images), nil
}

// ScoreExtensions: scores are already 0-100.
func (pl *ImageLocality) ScoreExtensions() framework.ScoreExtensions { return nil }

func calculatePriority(sum int64, images int) int64 {
	maxThreshold := maxContainerThreshold * int64(images)
	if sum < minThreshold {
		sum = minThreshold
	} else if sum > maxThreshold {
		sum = maxThreshold
	}
	if maxThreshold == minThreshold {
		return 0
	}
	return framework.MaxNodeScore * (sum - minThreshold) / (maxThreshold - minThreshold)
}

// NormalizedImageName adds the implicit ":latest" tag, as upstream compares names.
func NormalizedImageName(name string) string {
	if strings.LastIndex(name, ":") <= strings.LastIndex(name, "/") {
		name += ":latest"
	}
	return name
}
