package baseline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func rl(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func join(s []string) string { return strings.Join(s, "|") }

func TestQuota(t *testing.T) {
	tests := []struct {
		name string
		q    Quota
		want []string
	}{
		{"team-a", Quota{Namespace: "team-a", Requests: Compute{CPU: "10", Memory: "20Gi"}, Limits: Compute{CPU: "20", Memory: "40Gi"}, Pods: Int64(50)}, nil},
		{"counts only", Quota{Namespace: "t", Objects: map[string]int64{"count/deployments.apps": 5}}, nil},
		{"empty", Quota{Namespace: "t"}, []string{"FieldValueRequired requests"}},
		{"missing namespace", Quota{Pods: Int64(1)}, []string{"FieldValueRequired namespace"}},
		{"bad quantities", Quota{Namespace: "t", Requests: Compute{CPU: "-1", Memory: "lots"}, Storage: "1Q"}, []string{
			"FieldValueInvalid requests.cpu", "FieldValueInvalid requests.memory", "FieldValueInvalid storage",
		}},
		{"limit below request", Quota{Namespace: "t", Requests: Compute{CPU: "2", Memory: "4Gi"}, Limits: Compute{CPU: "1", Memory: "4Gi"}}, []string{"FieldValueInvalid limits.cpu"}},
		{"memory limit below request", Quota{Namespace: "t", Requests: Compute{CPU: "1", Memory: "4Gi"}, Limits: Compute{CPU: "1", Memory: "4095Mi"}}, []string{"FieldValueInvalid limits.memory"}},
		{"ephemeral-storage limit below request", Quota{Namespace: "t", Requests: Compute{EphemeralStorage: "10Gi"}, Limits: Compute{EphemeralStorage: "9Gi"}}, []string{"FieldValueInvalid limits.ephemeral-storage"}},
		{"limits equal to requests in other units", Quota{Namespace: "t", Requests: Compute{CPU: "1", Memory: "1Gi", EphemeralStorage: "1G"}, Limits: Compute{CPU: "1000m", Memory: "1024Mi", EphemeralStorage: "1000M"}}, nil},
		{"every limit below its request", Quota{Namespace: "t", Requests: Compute{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}, Limits: Compute{CPU: "1999m", Memory: "1Gi", EphemeralStorage: "1Gi"}}, []string{
			"FieldValueInvalid limits.cpu", "FieldValueInvalid limits.memory", "FieldValueInvalid limits.ephemeral-storage"}},
		{"limit without request", Quota{Namespace: "t", Limits: Compute{Memory: "1Gi"}}, nil},
		{"negative counts and bad object", Quota{Namespace: "t", Pods: Int64(-1), Objects: map[string]int64{"deployments": 1, "count/Foo": 1, "count/jobs.batch": -2}}, []string{
			"FieldValueInvalid pods", "FieldValueInvalid objects[count/Foo]", "FieldValueInvalid objects[count/jobs.batch]", "FieldValueInvalid objects[deployments]",
		}},
		{"bad name and labels", Quota{Name: "Q", Namespace: "t", Pods: Int64(1), Labels: map[string]string{"a b": "c"}}, []string{"FieldValueInvalid name", "FieldValueInvalid labels[a b]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errPaths(tt.q.Validate())
			if join(got) != join(tt.want) {
				t.Errorf("paths %v, want %v", got, tt.want)
			}
			obj, err := tt.q.Build()
			if (err == nil) != (len(tt.want) == 0) || (obj == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v", obj, err)
			}
		})
	}
	q, err := Quota{Namespace: "team-a", Requests: Compute{CPU: "10", Memory: "20Gi"}, Limits: Compute{CPU: "20"}, Storage: "1Ti", Pods: Int64(50), Objects: map[string]int64{"count/jobs.batch": 3}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := rl("requests.cpu", "10", "requests.memory", "20Gi", "limits.cpu", "20", "requests.storage", "1Ti", "pods", "50", "count/jobs.batch", "3")
	if !equalLists(want, q.Spec.Hard) {
		t.Errorf("hard = %v, want %v", q.Spec.Hard, want)
	}
	if q.Name != "team-a-quota" || q.Namespace != "team-a" || q.Kind != "ResourceQuota" || q.APIVersion != "v1" {
		t.Errorf("meta %+v %+v", q.TypeMeta, q.ObjectMeta)
	}
}

func equalLists(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

func validLimitRange() LimitRange {
	return LimitRange{
		Namespace:      "team-a",
		DefaultRequest: Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "128Mi"},
		Default:        Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "1Gi"},
		Min:            Compute{CPU: "10m", Memory: "16Mi"},
		Max:            Compute{CPU: "4", Memory: "8Gi"},
	}
}

func TestLimitRange(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*LimitRange)
		want   []string
	}{
		{"valid", func(*LimitRange) {}, nil},
		{"valid without cpu limit", func(l *LimitRange) { l.NoCPULimit = true; l.Default.CPU = ""; l.Max.CPU = "" }, nil},
		{"valid ratio", func(l *LimitRange) { l.MaxLimitRequestRatio = Compute{CPU: "5", Memory: "4"} }, nil},
		{"defaults required", func(l *LimitRange) { l.DefaultRequest = Compute{}; l.Default = Compute{} }, []string{
			"FieldValueRequired defaultRequest.cpu", "FieldValueRequired default.cpu",
			"FieldValueRequired defaultRequest.memory", "FieldValueRequired default.memory",
		}},
		{"order", func(l *LimitRange) {
			l.Min.CPU = "1"
			l.DefaultRequest.Memory = "1Gi"
			l.Default.Memory = "16Gi"
		}, []string{
			"FieldValueInvalid defaultRequest.cpu", "FieldValueInvalid default.cpu",
			"FieldValueInvalid default.memory",
		}},
		{"min above max", func(l *LimitRange) { l.Min.Memory = "9Gi"; l.DefaultRequest.Memory = "9Gi"; l.Default.Memory = "9Gi" }, []string{
			"FieldValueInvalid min.memory", "FieldValueInvalid defaultRequest.memory", "FieldValueInvalid default.memory",
		}},
		{"ratio", func(l *LimitRange) { l.MaxLimitRequestRatio = Compute{CPU: "0.5", Memory: "2"} }, []string{
			"FieldValueInvalid maxLimitRequestRatio.cpu", "FieldValueInvalid maxLimitRequestRatio.memory",
		}},
		{"cpu limit forbidden when dropped", func(l *LimitRange) { l.NoCPULimit = true }, []string{"FieldValueForbidden default.cpu", "FieldValueForbidden max.cpu"}},
		{"negative", func(l *LimitRange) { l.Min.EphemeralStorage = "-1Gi" }, []string{"FieldValueInvalid min.ephemeral-storage"}},
		{"no namespace", func(l *LimitRange) { l.Namespace = "" }, []string{"FieldValueRequired namespace"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := validLimitRange()
			tt.mutate(&l)
			got := errPaths(l.Validate())
			if join(got) != join(tt.want) {
				t.Errorf("paths %v, want %v", got, tt.want)
			}
			obj, err := l.Build()
			if (err == nil) != (len(tt.want) == 0) || (obj == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v", obj, err)
			}
		})
	}
	lr, err := validLimitRange().Build()
	if err != nil {
		t.Fatal(err)
	}
	item := lr.Spec.Limits[0]
	if item.Type != corev1.LimitTypeContainer || !equalLists(item.Default, rl("cpu", "500m", "memory", "512Mi", "ephemeral-storage", "1Gi")) || !equalLists(item.Max, rl("cpu", "4", "memory", "8Gi")) {
		t.Errorf("item %+v", item)
	}
	if lr.Name != "team-a-limits" {
		t.Errorf("name %q", lr.Name)
	}
}

func container(name string, req, lim corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Image: "registry.k8s.io/pause:3.10", Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
}

var full = []string{"cpu", "100m", "memory", "64Mi", "ephemeral-storage", "100Mi"}

func TestCheckResources(t *testing.T) {
	tests := []struct {
		name   string
		spec   *corev1.PodSpec
		policy ResourcePolicy
		want   []string
	}{
		{"complete", &corev1.PodSpec{Containers: []corev1.Container{container("a", rl(full...), rl(full...))}}, ResourcePolicy{}, nil},
		{"nil spec", nil, ResourcePolicy{}, []string{"FieldValueRequired <nil>"}},
		{"nothing set", &corev1.PodSpec{
			InitContainers: []corev1.Container{container("i", rl(full...), rl("memory", "64Mi", "ephemeral-storage", "100Mi"))},
			Containers:     []corev1.Container{container("a", nil, nil)},
		}, ResourcePolicy{}, []string{
			"FieldValueRequired initContainers[0].resources.limits[cpu]",
			"FieldValueRequired containers[0].resources.requests[cpu]",
			"FieldValueRequired containers[0].resources.limits[cpu]",
			"FieldValueRequired containers[0].resources.requests[memory]",
			"FieldValueRequired containers[0].resources.limits[memory]",
			"FieldValueRequired containers[0].resources.requests[ephemeral-storage]",
			"FieldValueRequired containers[0].resources.limits[ephemeral-storage]",
		}},
		{"no cpu limit allowed by policy", &corev1.PodSpec{Containers: []corev1.Container{container("a", rl(full...), rl("memory", "64Mi", "ephemeral-storage", "100Mi"))}}, ResourcePolicy{NoCPULimit: true}, nil},
		{"request above limit", &corev1.PodSpec{Containers: []corev1.Container{container("a", rl(full...), rl("cpu", "50m", "memory", "64Mi", "ephemeral-storage", "100Mi"))}}, ResourcePolicy{}, []string{
			"FieldValueInvalid containers[0].resources.requests[cpu]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errPaths(tt.policy.Check(tt.spec))
			if join(got) != join(tt.want) {
				t.Errorf("paths %v, want %v", got, tt.want)
			}
		})
	}
	if len(CheckResources(&corev1.PodSpec{Containers: []corev1.Container{container("a", rl(full...), rl("memory", "64Mi", "ephemeral-storage", "100Mi"))}})) != 1 {
		t.Error("CheckResources must require a CPU limit by default")
	}
}

func TestFit(t *testing.T) {
	quota, err := Quota{Namespace: "team-a", Requests: Compute{CPU: "1", Memory: "1Gi"}, Limits: Compute{CPU: "2", Memory: "2Gi"}, Pods: Int64(4)}.Build()
	if err != nil {
		t.Fatal(err)
	}
	lr, err := validLimitRange().Build()
	if err != nil {
		t.Fatal(err)
	}
	ratio := validLimitRange()
	ratio.MaxLimitRequestRatio = Compute{CPU: "5"}
	lrRatio, err := ratio.Build()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		fit  Fit
		spec corev1.PodSpec
		want []string
	}{
		{"fits", Fit{Quota: quota, LimitRange: lr, Pods: 4}, corev1.PodSpec{Containers: []corev1.Container{container("a", rl("cpu", "250m", "memory", "256Mi"), rl("cpu", "500m", "memory", "512Mi"))}}, nil},
		{"defaults fill a bare container", Fit{Quota: quota, LimitRange: lr, Pods: 2}, corev1.PodSpec{Containers: []corev1.Container{container("a", nil, nil)}}, nil},
		{"quota without limit range needs every value", Fit{Quota: quota}, corev1.PodSpec{Containers: []corev1.Container{container("a", rl("cpu", "100m"), nil)}}, []string{
			"FieldValueRequired containers[0].resources.limits[cpu]",
			"FieldValueRequired containers[0].resources.limits[memory]",
			"FieldValueRequired containers[0].resources.requests[memory]",
		}},
		{"too many pods and too much", Fit{Quota: quota, Pods: 5}, corev1.PodSpec{Containers: []corev1.Container{container("a", rl("cpu", "250m", "memory", "256Mi"), rl("cpu", "500m", "memory", "512Mi"))}}, []string{
			"FieldValueInvalid quota.hard[limits.cpu]",
			"FieldValueInvalid quota.hard[limits.memory]",
			"FieldValueInvalid quota.hard[pods]",
			"FieldValueInvalid quota.hard[requests.cpu]",
			"FieldValueInvalid quota.hard[requests.memory]",
		}},
		{"init container counts as max", Fit{Quota: quota}, corev1.PodSpec{
			InitContainers: []corev1.Container{container("i", rl("cpu", "2", "memory", "1Mi"), rl("cpu", "2", "memory", "1Mi"))},
			Containers:     []corev1.Container{container("a", rl("cpu", "100m", "memory", "1Mi"), rl("cpu", "100m", "memory", "1Mi"))},
		}, []string{"FieldValueInvalid quota.hard[requests.cpu]"}},
		{"limit range bounds", Fit{LimitRange: lr}, corev1.PodSpec{Containers: []corev1.Container{container("a", rl("cpu", "1m", "memory", "64Mi"), rl("cpu", "8", "memory", "64Mi"))}}, []string{
			"FieldValueInvalid containers[0].resources.requests[cpu]",
			"FieldValueInvalid containers[0].resources.limits[cpu]",
		}},
		{"limit range ratio", Fit{LimitRange: lrRatio}, corev1.PodSpec{Containers: []corev1.Container{container("a", rl("cpu", "100m"), rl("cpu", "1"))}}, []string{
			"FieldValueInvalid containers[0].resources.limits[cpu]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errPaths(tt.fit.Check(&tt.spec))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("paths (-want +got):\n%s\n%v", diff, tt.fit.Check(&tt.spec))
			}
		})
	}
}
