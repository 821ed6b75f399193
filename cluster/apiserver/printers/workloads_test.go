package printers

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

func twoContainers(prefix string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
		{Name: prefix + "-container1", Image: prefix + "-image1"},
		{Name: prefix + "-container2", Image: prefix + "-image2"},
	}}}
}

// The cases restate kube-apiserver v1.37's TestPrintDeployment,
// TestPrintReplicaSet, TestPrintDaemonSet and TestPrintStatefulSet.
func TestAppsCells(t *testing.T) {
	deployment := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "test1", CreationTimestamp: metav1.NewTime(now.Add(1900 * time.Millisecond))},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](5),
			Template: twoContainers("fake"),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"foo": "bar"}},
		},
		Status: appsv1.DeploymentStatus{Replicas: 10, UpdatedReplicas: 2, AvailableReplicas: 1, UnavailableReplicas: 4},
	}
	replicaSet := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "test1", CreationTimestamp: ago(2 * time.Minute)},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr.To[int32](5),
			Template: twoContainers("fake"),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"foo": "bar"}},
		},
		Status: appsv1.ReplicaSetStatus{Replicas: 5, ReadyReplicas: 2},
	}
	daemonSet := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "test1", CreationTimestamp: ago(10 * 24 * time.Hour)},
		Spec: appsv1.DaemonSetSpec{
			Template: twoContainers("fake"),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"foo": "bar"}},
		},
		Status: appsv1.DaemonSetStatus{CurrentNumberScheduled: 2, DesiredNumberScheduled: 3, NumberReady: 1, UpdatedNumberScheduled: 2, NumberAvailable: 0},
	}
	daemonSet.Spec.Template.Spec.NodeSelector = map[string]string{"kubernetes.io/os": "linux"}
	statefulSet := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "test1"},
		Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To[int32](5), Template: twoContainers("fake")},
		Status:     appsv1.StatefulSetStatus{Replicas: 5, ReadyReplicas: 2},
	}

	tests := []struct {
		gr schema.GroupResource
		cellCase
	}{
		{schema.GroupResource{Group: "apps", Resource: "deployments"}, cellCase{name: "a deployment shows ready/desired, up-to-date and available",
			obj: deployment, want: []any{"test1", "0/5", int64(2), int64(1), "0s"}}},
		{schema.GroupResource{Group: "apps", Resource: "deployments"}, cellCase{name: "a deployment's wide view adds containers, images and selector",
			obj: deployment, wide: true, want: []any{"test1", "0/5", int64(2), int64(1), "0s", "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"}}},
		{schema.GroupResource{Group: "apps", Resource: "replicasets"}, cellCase{name: "a replica set shows desired, current and ready",
			obj: replicaSet, wide: true, want: []any{"test1", int64(5), int64(5), int64(2), "2m", "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"}}},
		{schema.GroupResource{Group: "apps", Resource: "daemonsets"}, cellCase{name: "a daemon set shows its scheduling counts and node selector",
			obj: daemonSet, wide: true, want: []any{"test1", int64(3), int64(2), int64(1), int64(2), int64(0), "kubernetes.io/os=linux", "10d",
				"fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"}}},
		{schema.GroupResource{Group: "apps", Resource: "statefulsets"}, cellCase{name: "a stateful set shows ready/desired",
			obj: statefulSet, wide: true, want: []any{"test1", "2/5", "<unknown>", "fake-container1,fake-container2", "fake-image1,fake-image2"}}},
	}
	for _, tc := range tests {
		runCellCases(t, tc.gr, []cellCase{tc.cellCase})
	}
}

// The cases restate kube-apiserver v1.37's TestPrintControllerRevision.
func TestControllerRevisionCells(t *testing.T) {
	revision := func(name string, rev int64, refs ...metav1.OwnerReference) *appsv1.ControllerRevision {
		return &appsv1.ControllerRevision{
			ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(now), OwnerReferences: refs},
			Revision:   rev,
		}
	}
	runCellCases(t, schema.GroupResource{Group: "apps", Resource: "controllerrevisions"}, []cellCase{
		{name: "the controller shows as kind.group/name",
			obj:  revision("test1", 1, metav1.OwnerReference{Controller: ptr.To(true), APIVersion: "apps/v1", Kind: "DaemonSet", Name: "foo"}),
			want: []any{"test1", "daemonset.apps/foo", int64(1), "0s"}},
		{name: "an owner that is not the controller is not shown",
			obj:  revision("test2", 2, metav1.OwnerReference{Controller: ptr.To(false), Kind: "ABC", Name: "foo"}),
			want: []any{"test2", "<none>", int64(2), "0s"}},
		{name: "a revision without owners has no controller",
			obj:  revision("test3", 3),
			want: []any{"test3", "<none>", int64(3), "0s"}},
		{name: "a core controller shows without a group",
			obj:  revision("test4", 4, metav1.OwnerReference{Controller: ptr.To(true), APIVersion: "v1", Kind: "ReplicationController", Name: "rc"}),
			want: []any{"test4", "replicationcontroller/rc", int64(4), "0s"}},
	})
}

func job(name string, mutate func(*batchv1.Job)) *batchv1.Job {
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(now)},
		Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "fake-job-container1", Image: "fake-job-image1"},
				{Name: "fake-job-container2", Image: "fake-job-image2"},
			}}},
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"job-label": "job-label-value"}},
		},
		Status: batchv1.JobStatus{Succeeded: 1},
	}
	mutate(j)
	return j
}

func withCondition(typ batchv1.JobConditionType) func(*batchv1.Job) {
	return func(j *batchv1.Job) {
		j.Status.Succeeded = 0
		j.Status.Conditions = []batchv1.JobCondition{{Type: typ, Status: corev1.ConditionTrue}}
	}
}

// The cases restate kube-apiserver v1.37's TestPrintJob.
func TestJobCells(t *testing.T) {
	runCellCases(t, schema.GroupResource{Group: "batch", Resource: "jobs"}, []cellCase{
		{name: "a job with completions shows succeeded/completions",
			obj:  job("job1", func(j *batchv1.Job) { j.Spec.Completions = ptr.To[int32](2) }),
			want: []any{"job1", "Running", "1/2", "", "0s"}},
		{name: "the wide view adds containers, images and selector",
			obj:  job("job1", func(j *batchv1.Job) { j.Spec.Completions = ptr.To[int32](2) }),
			wide: true,
			want: []any{"job1", "Running", "1/2", "", "0s", "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "job-label=job-label-value"}},
		{name: "a parallel job without completions shows the parallelism",
			obj:  job("job2", func(j *batchv1.Job) { j.Status.Succeeded = 0; j.Spec.Parallelism = ptr.To[int32](3) }),
			want: []any{"job2", "Running", "0/1 of 3", "", "0s"}},
		{name: "a finished job lasted from start to completion",
			obj: job("job3", func(j *batchv1.Job) {
				j.Status.Succeeded = 0
				j.CreationTimestamp = ago(10 * 365 * 24 * time.Hour)
				j.Status.StartTime = &metav1.Time{Time: now.Add(time.Minute)}
				j.Status.CompletionTime = &metav1.Time{Time: now.Add(31 * time.Minute)}
			}),
			want: []any{"job3", "Running", "0/1", "30m", "10y"}},
		{name: "a running job has lasted until now",
			obj:  job("job4", func(j *batchv1.Job) { j.Status.Succeeded = 0; j.Status.StartTime = agoPtr(20 * time.Minute) }),
			want: []any{"job4", "Running", "0/1", "20m", "0s"}},
		{name: "a complete job is Complete", obj: job("job5", withCondition(batchv1.JobComplete)),
			want: []any{"job5", "Complete", "0/1", "", "0s"}},
		{name: "a failed job is Failed", obj: job("job6", withCondition(batchv1.JobFailed)),
			want: []any{"job6", "Failed", "0/1", "", "0s"}},
		{name: "a suspended job is Suspended", obj: job("job7", withCondition(batchv1.JobSuspended)),
			want: []any{"job7", "Suspended", "0/1", "", "0s"}},
		{name: "a job about to fail is FailureTarget", obj: job("job8", withCondition(batchv1.JobFailureTarget)),
			want: []any{"job8", "FailureTarget", "0/1", "", "0s"}},
		{name: "a job being deleted is Terminating",
			obj:  job("job9", func(j *batchv1.Job) { j.Status.Succeeded = 0; j.DeletionTimestamp = agoPtr(0) }),
			want: []any{"job9", "Terminating", "0/1", "", "0s"}},
		{name: "a job meeting its success policy is SuccessCriteriaMet", obj: job("job10", withCondition(batchv1.JobSuccessCriteriaMet)),
			want: []any{"job10", "SuccessCriteriaMet", "0/1", "", "0s"}},
	})
}

// The cases restate kube-apiserver v1.37's TestPrintCronJob.
func TestCronJobCells(t *testing.T) {
	cronJob := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "cronjob1", CreationTimestamp: metav1.NewTime(now.Add(1900 * time.Millisecond))},
		Spec: batchv1.CronJobSpec{
			Schedule: "0/5 * * * ?",
			Suspend:  ptr.To(false),
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
				Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "fake-job-container1", Image: "fake-job-image1"},
					{Name: "fake-job-container2", Image: "fake-job-image2"},
				}}},
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			}},
		},
		Status: batchv1.CronJobStatus{LastScheduleTime: &metav1.Time{Time: now.Add(1900 * time.Millisecond)}},
	}
	never := cronJob.DeepCopy()
	never.Status.LastScheduleTime = nil
	never.Spec.Suspend = nil
	never.Spec.TimeZone = ptr.To("Europe/Paris")
	runCellCases(t, schema.GroupResource{Group: "batch", Resource: "cronjobs"}, []cellCase{
		{name: "a cron job shows schedule, suspension, active jobs and last schedule", obj: cronJob, wide: true,
			want: []any{"cronjob1", "0/5 * * * ?", "<none>", "False", int64(0), "0s", "0s", "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "a=b"}},
		{name: "a cron job never scheduled shows <none> and an unset suspension", obj: never,
			want: []any{"cronjob1", "0/5 * * * ?", "Europe/Paris", "<unset>", int64(0), "<none>", "0s"}},
	})
}
