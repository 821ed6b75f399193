package apiserver

import (
	"context"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestServedGroups(t *testing.T) {
	ctx := context.Background()
	env := startEnv(t, Config{})
	client := env.client
	ns := env.namespace(t, "groups")

	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"a self-subject review names the caller", func(t *testing.T) {
			r, err := client.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Status.UserInfo.Username; got != "kubelab-admin" {
				t.Errorf("username %q, want kubelab-admin", got)
			}
		}},
		{"a token review accepts the admin token and refuses another", func(t *testing.T) {
			for token, want := range map[string]bool{env.AdminToken(): true, "nobody": false} {
				r, err := client.AuthenticationV1().TokenReviews().Create(ctx, &authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if r.Status.Authenticated != want {
					t.Errorf("token %q: authenticated %v, want %v", token, r.Status.Authenticated, want)
				}
			}
		}},
		{"a self-subject access review is allowed", func(t *testing.T) {
			r, err := client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
				ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "create", Resource: "pods", Namespace: "default"}}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Status.Allowed {
				t.Error("not allowed")
			}
		}},
		{"component statuses list the control plane", func(t *testing.T) {
			l, err := client.CoreV1().ComponentStatuses().List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Items) != 3 || l.Items[2].Name != "etcd-0" {
				t.Errorf("got %v", l.Items)
			}
		}},
		{"a role is stored and read back", func(t *testing.T) {
			role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "reader"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
			if _, err := client.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			got, err := client.RbacV1().Roles(ns).Get(ctx, "reader", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Rules) != 1 || got.Rules[0].Resources[0] != "pods" {
				t.Errorf("rules %v", got.Rules)
			}
		}},
		{"an autoscaling/v1 HorizontalPodAutoscaler reads back through v2 with its CPU target as a metric", func(t *testing.T) {
			hpa := &autoscalingv1.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: autoscalingv1.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"},
				MaxReplicas:    3, TargetCPUUtilizationPercentage: ptr.To[int32](50)}}
			if _, err := client.AutoscalingV1().HorizontalPodAutoscalers(ns).Create(ctx, hpa, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			v2, err := client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "web", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(v2.Spec.Metrics) != 1 || v2.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU || *v2.Spec.Metrics[0].Resource.Target.AverageUtilization != 50 {
				t.Errorf("metrics %+v", v2.Spec.Metrics)
			}
			v1, err := client.AutoscalingV1().HorizontalPodAutoscalers(ns).Get(ctx, "web", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if v1.Spec.TargetCPUUtilizationPercentage == nil || *v1.Spec.TargetCPUUtilizationPercentage != 50 || len(v1.Annotations) != 0 {
				t.Errorf("v1 spec %+v, annotations %v", v1.Spec, v1.Annotations)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestCertificateSigningRequestFieldSelectors(t *testing.T) {
	ctx := context.Background()
	env := startEnv(t, Config{})
	csrs := env.client.CertificatesV1().CertificateSigningRequests()
	for name, signer := range map[string]string{"a": "example.com/a", "b": "example.com/b"} {
		csr := &certificatesv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: certificatesv1.CertificateSigningRequestSpec{SignerName: signer, Request: []byte("x"), Usages: []certificatesv1.KeyUsage{"digital signature"}}}
		if _, err := csrs.Create(ctx, csr, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := csrs.List(ctx, metav1.ListOptions{FieldSelector: "spec.signerName=example.com/b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 || l.Items[0].Name != "b" {
		t.Errorf("selected %d items", len(l.Items))
	}
	_, err = csrs.List(ctx, metav1.ListOptions{FieldSelector: "spec.username=x"})
	wantStatus(t, err, 400, "field label not supported: spec.username")
}

func TestCertificateSigningRequestApproval(t *testing.T) {
	ctx := context.Background()
	env := startEnv(t, Config{})
	csrs := env.client.CertificatesV1().CertificateSigningRequests()
	csr, err := csrs.Create(ctx, &certificatesv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "c"},
		Spec: certificatesv1.CertificateSigningRequestSpec{SignerName: "example.com/s", Request: []byte("x"), Usages: []certificatesv1.KeyUsage{"digital signature"}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	csr.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue, Reason: "KubectlApprove"}}
	csr.Status.Certificate = []byte("not the approver's to write")
	got, err := csrs.UpdateApproval(ctx, "c", csr, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Status.Conditions) != 1 || got.Status.Conditions[0].Type != certificatesv1.CertificateApproved {
		t.Errorf("conditions %v", got.Status.Conditions)
	}
	if len(got.Status.Certificate) != 0 {
		t.Errorf("approval wrote the certificate %q", got.Status.Certificate)
	}
}
