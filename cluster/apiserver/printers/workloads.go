package printers

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/duration"
)

func deploymentPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Ready", "string", "Number of the pod with ready state"),
			column("Up-to-date", "string", appsv1.DeploymentStatus{}.SwaggerDoc()["updatedReplicas"]),
			column("Available", "string", appsv1.DeploymentStatus{}.SwaggerDoc()["availableReplicas"]),
			ageColumn(),
		}, append(containersColumns(),
			wideColumn("Selector", "string", appsv1.DeploymentSpec{}.SwaggerDoc()["selector"]))...),
		row: cells(func(d *appsv1.Deployment, now time.Time) []any {
			// Unlike the other workloads, the deployment SELECTOR is the
			// parsed selector's string form.
			selector := "<invalid>"
			if s, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
				selector = s.String()
			}
			names, images := containerCells(d.Spec.Template.Spec.Containers)
			return []any{d.Name, fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, deref(d.Spec.Replicas)),
				int64(d.Status.UpdatedReplicas), int64(d.Status.AvailableReplicas), since(d.CreationTimestamp, now),
				names, images, selector}
		}),
	}
}

func replicaSetPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Desired", "integer", appsv1.ReplicaSetSpec{}.SwaggerDoc()["replicas"]),
			column("Current", "integer", appsv1.ReplicaSetStatus{}.SwaggerDoc()["replicas"]),
			column("Ready", "integer", appsv1.ReplicaSetStatus{}.SwaggerDoc()["readyReplicas"]),
			ageColumn(),
		}, append(containersColumns(),
			wideColumn("Selector", "string", appsv1.ReplicaSetSpec{}.SwaggerDoc()["selector"]))...),
		row: cells(func(rs *appsv1.ReplicaSet, now time.Time) []any {
			names, images := containerCells(rs.Spec.Template.Spec.Containers)
			return []any{rs.Name, int64(deref(rs.Spec.Replicas)), int64(rs.Status.Replicas), int64(rs.Status.ReadyReplicas),
				since(rs.CreationTimestamp, now), names, images, metav1.FormatLabelSelector(rs.Spec.Selector)}
		}),
	}
}

func daemonSetPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Desired", "integer", appsv1.DaemonSetStatus{}.SwaggerDoc()["desiredNumberScheduled"]),
			column("Current", "integer", appsv1.DaemonSetStatus{}.SwaggerDoc()["currentNumberScheduled"]),
			column("Ready", "integer", appsv1.DaemonSetStatus{}.SwaggerDoc()["numberReady"]),
			column("Up-to-date", "integer", appsv1.DaemonSetStatus{}.SwaggerDoc()["updatedNumberScheduled"]),
			column("Available", "integer", appsv1.DaemonSetStatus{}.SwaggerDoc()["numberAvailable"]),
			column("Node Selector", "string", corev1.PodSpec{}.SwaggerDoc()["nodeSelector"]),
			ageColumn(),
		}, append(containersColumns(),
			wideColumn("Selector", "string", appsv1.DaemonSetSpec{}.SwaggerDoc()["selector"]))...),
		row: cells(func(ds *appsv1.DaemonSet, now time.Time) []any {
			s := ds.Status
			names, images := containerCells(ds.Spec.Template.Spec.Containers)
			return []any{ds.Name, int64(s.DesiredNumberScheduled), int64(s.CurrentNumberScheduled), int64(s.NumberReady),
				int64(s.UpdatedNumberScheduled), int64(s.NumberAvailable), labels.FormatLabels(ds.Spec.Template.Spec.NodeSelector),
				since(ds.CreationTimestamp, now), names, images, metav1.FormatLabelSelector(ds.Spec.Selector)}
		}),
	}
}

func statefulSetPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Ready", "string", "Number of the pod with ready state"),
			ageColumn(),
		}, containersColumns()...),
		row: cells(func(ss *appsv1.StatefulSet, now time.Time) []any {
			names, images := containerCells(ss.Spec.Template.Spec.Containers)
			return []any{ss.Name, fmt.Sprintf("%d/%d", ss.Status.ReadyReplicas, deref(ss.Spec.Replicas)),
				since(ss.CreationTimestamp, now), names, images}
		}),
	}
}

func controllerRevisionPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Controller", "string", "Controller of the object"),
			column("Revision", "string", appsv1.ControllerRevision{}.SwaggerDoc()["revision"]),
			ageColumn(),
		},
		row: typed(func(cr *appsv1.ControllerRevision, now time.Time) (metav1.TableRow, error) {
			// CONTROLLER is "<kind>.<group>/<name>" in lower case, e.g.
			// "daemonset.apps/fluentd".
			controller := "<none>"
			if ref := metav1.GetControllerOf(cr); ref != nil {
				gv, err := schema.ParseGroupVersion(ref.APIVersion)
				if err != nil {
					return metav1.TableRow{}, err
				}
				controller = ref.Name
				if gk := gv.WithKind(ref.Kind).GroupKind(); !gk.Empty() {
					controller = strings.ToLower(gk.String()) + "/" + ref.Name
				}
			}
			return metav1.TableRow{Cells: []any{cr.Name, controller, cr.Revision, since(cr.CreationTimestamp, now)}}, nil
		}),
	}
}

func jobPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", "Status of the job."),
			column("Completions", "string", batchv1.JobStatus{}.SwaggerDoc()["succeeded"]),
			column("Duration", "string", "Time required to complete the job."),
			ageColumn(),
		}, append(containersColumns(),
			wideColumn("Selector", "string", batchv1.JobSpec{}.SwaggerDoc()["selector"]))...),
		row: cells(printJob),
	}
}

// printJob shows COMPLETIONS as succeeded/wanted ("0/1 of 3" for a parallel
// job without completions), DURATION from start to completion (or to now),
// and STATUS from the job's conditions.
func printJob(job *batchv1.Job, now time.Time) []any {
	var completions string
	switch {
	case job.Spec.Completions != nil:
		completions = fmt.Sprintf("%d/%d", job.Status.Succeeded, *job.Spec.Completions)
	case job.Spec.Parallelism != nil && *job.Spec.Parallelism > 1:
		completions = fmt.Sprintf("%d/1 of %d", job.Status.Succeeded, *job.Spec.Parallelism)
	default:
		completions = fmt.Sprintf("%d/1", job.Status.Succeeded)
	}

	var jobDuration string
	switch {
	case job.Status.StartTime == nil:
	case job.Status.CompletionTime == nil:
		jobDuration = duration.HumanDuration(now.Sub(job.Status.StartTime.Time))
	default:
		jobDuration = duration.HumanDuration(job.Status.CompletionTime.Sub(job.Status.StartTime.Time))
	}

	var status string
	switch {
	case jobCondition(job, batchv1.JobComplete):
		status = "Complete"
	case jobCondition(job, batchv1.JobFailed):
		status = "Failed"
	case job.DeletionTimestamp != nil:
		status = "Terminating"
	case jobCondition(job, batchv1.JobSuspended):
		status = "Suspended"
	case jobCondition(job, batchv1.JobFailureTarget):
		status = "FailureTarget"
	case jobCondition(job, batchv1.JobSuccessCriteriaMet):
		status = "SuccessCriteriaMet"
	default:
		status = "Running"
	}

	names, images := containerCells(job.Spec.Template.Spec.Containers)
	return []any{job.Name, status, completions, jobDuration, since(job.CreationTimestamp, now),
		names, images, metav1.FormatLabelSelector(job.Spec.Selector)}
}

// jobCondition reports whether the first condition of a type is true.
func jobCondition(job *batchv1.Job, typ batchv1.JobConditionType) bool {
	for _, c := range job.Status.Conditions {
		if c.Type == typ {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func cronJobPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Schedule", "string", batchv1.CronJobSpec{}.SwaggerDoc()["schedule"]),
			column("Timezone", "string", batchv1.CronJobSpec{}.SwaggerDoc()["timeZone"]),
			column("Suspend", "boolean", batchv1.CronJobSpec{}.SwaggerDoc()["suspend"]),
			column("Active", "integer", batchv1.CronJobStatus{}.SwaggerDoc()["active"]),
			column("Last Schedule", "string", batchv1.CronJobStatus{}.SwaggerDoc()["lastScheduleTime"]),
			ageColumn(),
		}, append(containersColumns(),
			wideColumn("Selector", "string", batchv1.JobSpec{}.SwaggerDoc()["selector"]))...),
		row: cells(func(cj *batchv1.CronJob, now time.Time) []any {
			lastSchedule := "<none>"
			if cj.Status.LastScheduleTime != nil {
				lastSchedule = since(*cj.Status.LastScheduleTime, now)
			}
			timeZone := "<none>"
			if cj.Spec.TimeZone != nil {
				timeZone = *cj.Spec.TimeZone
			}
			suspend := "<unset>"
			if cj.Spec.Suspend != nil {
				suspend = "False"
				if *cj.Spec.Suspend {
					suspend = "True"
				}
			}
			tmpl := cj.Spec.JobTemplate.Spec
			names, images := containerCells(tmpl.Template.Spec.Containers)
			return []any{cj.Name, cj.Spec.Schedule, timeZone, suspend, int64(len(cj.Status.Active)), lastSchedule,
				since(cj.CreationTimestamp, now), names, images, metav1.FormatLabelSelector(tmpl.Selector)}
		}),
	}
}
