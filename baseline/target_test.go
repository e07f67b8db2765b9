package baseline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"

	"github.com/prodkube/prodkube/security"
)

func TestCheckTarget(t *testing.T) {
	restricted, err := security.Namespace{Name: "production"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	other, err := security.Namespace{Name: "other"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	quota := func(q Quota) *corev1.ResourceQuota {
		q.Namespace = "production"
		o, err := q.Build()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	lr := validLimitRange()
	lr.Namespace = "production"
	limits, err := lr.Build()
	if err != nil {
		t.Fatal(err)
	}

	dep, err := Deployment{Workload: validWorkload()}.Build()
	if err != nil {
		t.Fatal(err)
	}
	withService := validWorkload()
	withService.Service = &Service{}
	depSvc, err := Deployment{Workload: withService}.Build()
	if err != nil {
		t.Fatal(err)
	}
	rootDep := dep.Deployment.DeepCopy()
	rootDep.Spec.Template.Spec.SecurityContext.RunAsNonRoot = nil
	rootDep.Spec.Template.Spec.Containers[0].SecurityContext.RunAsNonRoot = nil
	rootDep.Spec.Template.Spec.Containers[0].SecurityContext.RunAsUser = new(int64)

	sw := validWorkload()
	sw.Name = "database"
	sts, err := StatefulSet{Workload: sw, Volumes: []VolumeClaim{{Name: "data", MountPath: "/data", Size: "10Gi"}}}.Build()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  func() []string
		want []string
	}{
		{"fits restricted, quota and limits", func() []string {
			return errPaths(dep.CheckTarget(Target{Namespace: restricted, Quota: quota(Quota{Requests: Compute{CPU: "1", Memory: "1Gi"}, Limits: Compute{CPU: "2", Memory: "1Gi"}}), LimitRange: limits}))
		}, nil},
		{"wrong namespace", func() []string { return errPaths(dep.CheckTarget(Target{Namespace: other})) }, []string{"FieldValueInvalid namespace"}},
		{"root pod in restricted", func() []string {
			o := &DeploymentObjects{Deployment: rootDep}
			return errPaths(o.CheckTarget(Target{Namespace: restricted}))
		}, []string{
			"FieldValueForbidden template.spec.containers[0].securityContext.runAsNonRoot",
			"FieldValueForbidden template.spec.containers[0].securityContext.runAsUser",
		}},
		{"three pods exceed cpu", func() []string {
			return errPaths(dep.CheckTarget(Target{Quota: quota(Quota{Requests: Compute{CPU: "250m"}})}))
		}, []string{"FieldValueInvalid quota.hard[requests.cpu]"}},
		{"no room for the service", func() []string {
			return errPaths(depSvc.CheckTarget(Target{Quota: quota(Quota{Services: Int64(0)})}))
		}, []string{"FieldValueInvalid quota.hard[services]"}},
		{"claims and storage", func() []string {
			return errPaths(sts.CheckTarget(Target{Quota: quota(Quota{PersistentVolumeClaims: Int64(1), Storage: "15Gi", Services: Int64(1)})}))
		}, []string{"FieldValueInvalid quota.hard[persistentvolumeclaims]", "FieldValueInvalid quota.hard[requests.storage]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}
