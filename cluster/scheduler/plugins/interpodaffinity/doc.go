// Package interpodaffinity is the InterPodAffinity plugin: required pod
// affinity and anti-affinity (the pod's own, and existing pods' anti-affinity
// against it) filter nodes by topology domain; preferred terms, and existing
// pods' terms, score them. It mirrors kube-scheduler's
// plugins/interpodaffinity in its plain (non fast-path) form, with the default
// hardPodAffinityWeight of 1.
package interpodaffinity
