// Package imagelocality is the ImageLocality plugin: nodes that already hold
// the pod's images score higher, scaled by image size and by how widely the
// image is spread (so one node holding a common image does not attract every
// pod). It mirrors kube-scheduler's plugins/imagelocality; nodes that report
// no images in status.images all score 0.
package imagelocality
