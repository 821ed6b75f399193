package defaults

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
)

func TestSchemeDefaultFillsInWhatV137Defaults(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "a bare pod gets the pod defaults",
			in: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: nginx:1.27
    ports: [{containerPort: 80}]`,
			want: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: nginx:1.27
    imagePullPolicy: IfNotPresent
    ports: [{containerPort: 80, protocol: TCP}]
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  terminationGracePeriodSeconds: 30`,
		},
		{
			name: "an ephemeral container is defaulted like a container",
			in: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: nginx:1.27, imagePullPolicy: Never, terminationMessagePath: /t, terminationMessagePolicy: File}]
  ephemeralContainers:
  - name: debug
    image: busybox
    env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
    ports: [{containerPort: 8080}]`,
			want: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: nginx:1.27, imagePullPolicy: Never, terminationMessagePath: /t, terminationMessagePolicy: File}]
  ephemeralContainers:
  - name: debug
    image: busybox
    imagePullPolicy: Always
    env: [{name: NODE, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: spec.nodeName}}}]
    ports: [{containerPort: 8080, protocol: TCP}]
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  terminationGracePeriodSeconds: 30`,
		},
		{
			name: "serviceAccount and serviceAccountName are kept equal and the name wins",
			in: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    serviceAccount: old
    serviceAccountName: new
    containers: []`,
			want: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    serviceAccount: new
    serviceAccountName: new
    containers: []
    dnsPolicy: ClusterFirst
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    terminationGracePeriodSeconds: 30`,
		},
		{
			name: "the deprecated serviceAccount alone fills serviceAccountName",
			in: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    serviceAccount: builder
    dnsPolicy: Default
    restartPolicy: Never
    schedulerName: other
    securityContext: {runAsUser: 1000}
    terminationGracePeriodSeconds: 5
    containers: []`,
			want: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    serviceAccount: builder
    serviceAccountName: builder
    dnsPolicy: Default
    restartPolicy: Never
    schedulerName: other
    securityContext: {runAsUser: 1000}
    terminationGracePeriodSeconds: 5
    containers: []`,
		},
		{
			name: "the pod status podIP and podIPs are brought into agreement with podIP winning",
			in: `
apiVersion: v1
kind: PodList
items:
- metadata: {name: ip-only}
  spec: {enableServiceLinks: false, containers: []}
  status: {podIP: 10.0.0.1}
- metadata: {name: ips-only}
  spec: {enableServiceLinks: false, containers: []}
  status: {podIPs: [{ip: 10.0.0.2}, {ip: "fd00::2"}]}
- metadata: {name: mismatch}
  spec: {enableServiceLinks: false, containers: []}
  status: {podIP: 10.0.0.3, podIPs: [{ip: 10.0.0.9}, {ip: "fd00::9"}]}`,
			want: `
apiVersion: v1
kind: PodList
items:
- metadata: {name: ip-only}
  spec: &spec {enableServiceLinks: false, dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30, containers: []}
  status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}]}
- metadata: {name: ips-only}
  spec: *spec
  status: {podIP: 10.0.0.2, podIPs: [{ip: 10.0.0.2}, {ip: "fd00::2"}]}
- metadata: {name: mismatch}
  spec: *spec
  status: {podIP: 10.0.0.3, podIPs: [{ip: 10.0.0.3}]}`,
		},
		{
			name: "a volume with no source is an emptyDir and old in-tree sources get their declared defaults",
			in: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    containers: []
    volumes:
    - name: none
    - {name: iscsi, iscsi: {targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0}}
    - {name: rbd, rbd: {monitors: [10.0.0.1], image: foo}}
    - {name: azure, azureDisk: {diskName: d, diskURI: u}}
    - {name: scaleio, scaleIO: {gateway: g, system: s, secretRef: {name: x}}}
    - {name: hp, hostPath: {path: /data, type: Directory}}
    - {name: cm, configMap: {name: c, defaultMode: 256}}`,
			want: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    containers: []
    dnsPolicy: ClusterFirst
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    terminationGracePeriodSeconds: 30
    volumes:
    - {name: none, emptyDir: {}}
    - {name: iscsi, iscsi: {targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0, iscsiInterface: default}}
    - {name: rbd, rbd: {monitors: [10.0.0.1], image: foo, pool: rbd, user: admin, keyring: /etc/ceph/keyring}}
    - {name: azure, azureDisk: {diskName: d, diskURI: u, cachingMode: ReadWrite, fsType: ext4, readOnly: false, kind: Shared}}
    - {name: scaleio, scaleIO: {gateway: g, system: s, secretRef: {name: x}, storageMode: ThinProvisioned, fsType: xfs}}
    - {name: hp, hostPath: {path: /data, type: Directory}}
    - {name: cm, configMap: {name: c, defaultMode: 256}}`,
		},
		{
			name: "probes and hooks get timing, path, scheme and an empty grpc service",
			in: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    containers:
    - name: c
      image: app:v1
      livenessProbe: {grpc: {port: 9000}, timeoutSeconds: 3}
      readinessProbe: {httpGet: {port: 80, scheme: HTTPS, path: /ready}}
      lifecycle:
        postStart: {httpGet: {port: 80}}
        preStop: {sleep: {seconds: 5}}
      env: [{name: F, valueFrom: {fileKeyRef: {volumeName: v, path: env, key: K}}}]`,
			want: `
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    containers:
    - name: c
      image: app:v1
      imagePullPolicy: IfNotPresent
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      livenessProbe: {grpc: {port: 9000, service: ""}, timeoutSeconds: 3, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}
      readinessProbe: {httpGet: {port: 80, scheme: HTTPS, path: /ready}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}
      lifecycle:
        postStart: {httpGet: {port: 80, path: /, scheme: HTTP}}
        preStop: {sleep: {seconds: 5}}
      env: [{name: F, valueFrom: {fileKeyRef: {volumeName: v, path: env, key: K, optional: false}}}]
    dnsPolicy: ClusterFirst
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    terminationGracePeriodSeconds: 30`,
		},
		{
			name: "a ClusterIP service with external IPs gets an external traffic policy",
			in: `
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  externalIPs: [192.0.2.10]
  ports: [{port: 80, targetPort: 0}]`,
			want: `
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: ClusterIP
  externalIPs: [192.0.2.10]
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  sessionAffinity: None
  ports: [{port: 80, protocol: TCP, targetPort: 80}]`,
		},
		{
			name: "an ExternalName service gets no traffic policies",
			in: `
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: ExternalName, externalName: example.com, sessionAffinityConfig: {clientIP: {timeoutSeconds: 5}}}`,
			want: `
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: ExternalName, externalName: example.com, sessionAffinity: None}`,
		},
		{
			name: "a load balancer keeps its own ClientIP timeout and its ingress IPs get ipMode VIP",
			in: `
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: LoadBalancer
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  externalTrafficPolicy: Local
  allocateLoadBalancerNodePorts: false
  ports: [{port: 443, targetPort: https}]
status:
  loadBalancer: {ingress: [{ip: 192.0.2.1}, {hostname: lb.example.com}]}`,
			want: `
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: LoadBalancer
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  allocateLoadBalancerNodePorts: false
  ports: [{port: 443, protocol: TCP, targetPort: https}]
status:
  loadBalancer: {ingress: [{ip: 192.0.2.1, ipMode: VIP}, {hostname: lb.example.com}]}`,
		},
		{
			name: "a Recreate deployment gets no rolling update parameters",
			in: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 0
  strategy: {type: Recreate}
  template: {spec: {containers: []}}`,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 0
  strategy: {type: Recreate}
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  template: {spec: {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "a rolling deployment keeps the parameters it sets",
			in: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  strategy: {rollingUpdate: {maxSurge: 1}}
  template: {spec: {containers: []}}`,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 1
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  template: {spec: {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "an OnDelete daemon set gets no rolling update parameters",
			in: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  updateStrategy: {type: OnDelete}
  template: {spec: {containers: []}}`,
			want: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  updateStrategy: {type: OnDelete}
  revisionHistoryLimit: 10
  template: {spec: {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "a stateful set naming RollingUpdate without parameters gets none",
			in: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec:
  updateStrategy: {type: RollingUpdate}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}
  template: {spec: {containers: []}}`,
			want: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec:
  replicas: 1
  podManagementPolicy: OrderedReady
  updateStrategy: {type: RollingUpdate}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
  revisionHistoryLimit: 10
  template: {spec: {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "a stateful set's partial rolling update is completed",
			in: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec:
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}
  template: {spec: {containers: []}}`,
			want: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss}
spec:
  replicas: 1
  podManagementPolicy: OrderedReady
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2, maxUnavailable: 1}}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
  revisionHistoryLimit: 10
  template: {spec: {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "a job with only parallelism keeps completions unset",
			in: `
apiVersion: batch/v1
kind: Job
metadata: {name: j, labels: {own: label}}
spec:
  parallelism: 3
  template: {metadata: {labels: {app: j}}, spec: {containers: [], restartPolicy: Never}}`,
			want: `
apiVersion: batch/v1
kind: Job
metadata: {name: j, labels: {own: label}}
spec:
  parallelism: 3
  backoffLimit: 6
  completionMode: NonIndexed
  suspend: false
  podReplacementPolicy: TerminatingOrFailed
  manualSelector: false
  template: {metadata: {labels: {app: j}}, spec: {containers: [], restartPolicy: Never, dnsPolicy: ClusterFirst, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "a cron job's job template gets pod defaults but not job defaults",
			in: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  schedule: "@hourly"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      podFailurePolicy: {rules: [{action: FailJob, onPodConditions: [{type: ConfigIssue, status: "False"}, {type: DisruptionTarget}]}]}
      template: {spec: {containers: [], restartPolicy: Never}}`,
			want: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  schedule: "@hourly"
  concurrencyPolicy: Forbid
  suspend: false
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      podFailurePolicy: {rules: [{action: FailJob, onPodConditions: [{type: ConfigIssue, status: "False"}, {type: DisruptionTarget, status: "True"}]}]}
      template: {spec: {containers: [], restartPolicy: Never, dnsPolicy: ClusterFirst, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
		{
			name: "a node reporting only capacity gets it as allocatable, rounded to millis",
			in: `
apiVersion: v1
kind: Node
metadata: {name: n}
status: {capacity: {cpu: "0.0005", memory: 8Gi, pods: "110"}}`,
			want: `
apiVersion: v1
kind: Node
metadata: {name: n}
status:
  capacity: {cpu: 1m, memory: 8Gi, pods: "110"}
  allocatable: {cpu: 1m, memory: 8Gi, pods: "110"}`,
		},
		{
			name: "a namespace with only generateName gets no name label",
			in: `
apiVersion: v1
kind: Namespace
metadata: {generateName: tmp-, labels: {team: a}}`,
			want: `
apiVersion: v1
kind: Namespace
metadata: {generateName: tmp-, labels: {team: a}}
status: {phase: Active}`,
		},
		{
			name: "a persistent volume gets Retain, Filesystem and Pending and its capacity rounded up to millis",
			in: `
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv}
spec:
  capacity: {storage: 1.0001Ki}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /srv}`,
			want: `
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv}
spec:
  capacity: {storage: 1024103m}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /srv, type: ""}
  persistentVolumeReclaimPolicy: Retain
  volumeMode: Filesystem
status: {phase: Pending}`,
		},
		{
			name: "a resource quota's quantities are rounded up to millis",
			in: `
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec: {hard: {cpu: 1500.5m, pods: "10"}}`,
			want: `
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec: {hard: {cpu: 1501m, pods: "10"}}`,
		},
		{
			name: "an endpoint slice port keeps its name and gets protocol TCP",
			in: `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: es}
addressType: IPv4
endpoints: []
ports: [{name: http, port: 80}, {port: 53, protocol: UDP}]`,
			want: `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: es}
addressType: IPv4
endpoints: []
ports: [{name: http, port: 80, protocol: TCP}, {name: "", port: 53, protocol: UDP}]`,
		},
		{
			name: "every item of a list is defaulted",
			in: `
apiVersion: apps/v1
kind: ReplicaSetList
items:
- metadata: {name: a}
  spec: {template: {spec: {containers: []}}}
- metadata: {name: b}
  spec: {replicas: 4, template: {spec: {containers: []}}}`,
			want: `
apiVersion: apps/v1
kind: ReplicaSetList
items:
- metadata: {name: a}
  spec: {replicas: 1, template: {spec: &spec {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}}
- metadata: {name: b}
  spec: {replicas: 4, template: {spec: *spec}}`,
		},
		{
			name: "a replication controller with its own selector and labels keeps them",
			in: `
apiVersion: v1
kind: ReplicationController
metadata: {name: rc, labels: {tier: web}}
spec:
  selector: {app: rc}
  template: {metadata: {labels: {app: rc, version: v2}}, spec: {containers: []}}`,
			want: `
apiVersion: v1
kind: ReplicationController
metadata: {name: rc, labels: {tier: web}}
spec:
  replicas: 1
  selector: {app: rc}
  template: {metadata: {labels: {app: rc, version: v2}}, spec: {containers: [], dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, securityContext: {}, terminationGracePeriodSeconds: 30}}`,
		},
	}

	s := newScheme(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeManifest(t, s, []byte(tt.in))
			s.Default(got)
			want := decodeManifest(t, s, []byte(tt.want))
			if diff := cmp.Diff(strings.Split(toYAML(t, want), "\n"), strings.Split(toYAML(t, got), "\n")); diff != "" {
				t.Errorf("defaulted object (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTypesUpstreamDoesNotDefaultAreLeftAsDecoded(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"a service account", `{apiVersion: v1, kind: ServiceAccount, metadata: {name: sa}}`},
		{"a core event", `{apiVersion: v1, kind: Event, metadata: {name: e}, involvedObject: {kind: Pod, name: p}, reason: Started}`},
		{"an events.k8s.io event", `{apiVersion: events.k8s.io/v1, kind: Event, metadata: {name: e}, reason: Started, eventTime: "2026-01-01T00:00:00.000000Z"}`},
		{"a controller revision", `{apiVersion: apps/v1, kind: ControllerRevision, metadata: {name: r}, revision: 1}`},
		{"a lease", `{apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: l}, spec: {holderIdentity: n}}`},
		{"a runtime class", `{apiVersion: node.k8s.io/v1, kind: RuntimeClass, metadata: {name: rc}, handler: runc}`},
		{"a pod disruption budget", `{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: pdb}, spec: {minAvailable: 1}}`},
	}
	s := newScheme(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := decodeManifest(t, s, []byte(tt.in))
			before := obj.DeepCopyObject()
			s.Default(obj)
			if !equality.Semantic.DeepEqual(before, obj) {
				t.Errorf("defaulting changed it:\n%s", cmp.Diff(toYAML(t, before), toYAML(t, obj)))
			}
		})
	}
}

func TestDefaultingTwiceChangesNothing(t *testing.T) {
	s := newScheme(t)
	inputs, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		t.Run(strings.TrimSuffix(filepath.Base(in), ".yaml"), func(t *testing.T) {
			obj := decodeManifest(t, s, readFile(t, in))
			s.Default(obj)
			once := toYAML(t, obj)
			s.Default(obj)
			if diff := cmp.Diff(once, toYAML(t, obj)); diff != "" {
				t.Errorf("second defaulting changed the object (-once +twice):\n%s", diff)
			}
		})
	}
}

func TestPullPolicyFollowsTheImageTag(t *testing.T) {
	tests := []struct {
		image string
		want  corev1.PullPolicy
	}{
		{"nginx", corev1.PullAlways},
		{"nginx:latest", corev1.PullAlways},
		{"nginx:1.27", corev1.PullIfNotPresent},
		{"docker.io/library/nginx:1.27", corev1.PullIfNotPresent},
		{"localhost:5000/app", corev1.PullAlways},
		{"localhost:5000/app:v2", corev1.PullIfNotPresent},
		{"nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000", corev1.PullIfNotPresent},
		{"nginx:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000", corev1.PullAlways},
		{"", corev1.PullIfNotPresent},
		{"Not/A/Valid:Image", corev1.PullIfNotPresent},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			if got := pullPolicy(tt.image); got != tt.want {
				t.Errorf("pullPolicy(%q) = %s, want %s", tt.image, got, tt.want)
			}
		})
	}
}

func TestConfigMapGetsAnEmptyDataMap(t *testing.T) {
	// JSON omits an empty map, so this is only visible in Go.
	var cm corev1.ConfigMap
	ConfigMap(&cm)
	if cm.Data == nil {
		t.Error("ConfigMap left data nil, want an empty map")
	}
}
