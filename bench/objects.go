// Package bench measures prodkube's rendering against the other ways Go
// programs and build scripts produce the same Kubernetes manifests: typed
// structs through sigs.k8s.io/yaml, encoding/json alone, Helm's template
// engine (plain templates, plain templates fed from values, and toYaml
// templates) and kustomize. It is a nested module so that importers of
// prodkube never download Helm or kustomize.
//
// Every way renders the same per-namespace set of nine objects: a Pod
// Security namespace, a ResourceQuota, a default-deny NetworkPolicy, a Role,
// a RoleBinding, a ServiceAccount, a Deployment, its PodDisruptionBudget and
// a HorizontalPodAutoscaler. TestSameObjects proves that every way yields
// the same objects before any of them is timed.
package bench

import (
	"fmt"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/security"
)

// Namespaces returns the names of n namespaces: team-0000, team-0001, ...
func Namespaces(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("team-%04d", i)
	}
	return out
}

// Build returns the nine objects of namespace ns from prodkube's builders,
// each validated by its Build call.
func Build(ns string) ([]prodkube.Object, error) {
	nsObj, err := security.Namespace{Name: ns}.Build()
	if err != nil {
		return nil, err
	}
	pods := int64(50)
	quota, err := baseline.Quota{
		Name:      "compute",
		Namespace: ns,
		Requests:  baseline.Compute{CPU: "4", Memory: "8Gi"},
		Limits:    baseline.Compute{CPU: "8", Memory: "16Gi"},
		Pods:      &pods,
	}.Build()
	if err != nil {
		return nil, err
	}
	deny, err := security.DefaultDeny{Namespace: ns}.Build()
	if err != nil {
		return nil, err
	}
	role, err := security.Role{
		Name: "web-config-reader", Namespace: ns,
		Rules: []security.Rule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}},
	}.Build()
	if err != nil {
		return nil, err
	}
	binding, err := security.RoleBinding{
		Name: "web-config-reader", Namespace: ns, RoleName: "web-config-reader",
		Subjects: []security.ServiceAccountRef{{Name: "web", Namespace: ns}},
	}.Build()
	if err != nil {
		return nil, err
	}
	web, err := baseline.Deployment{Workload: baseline.Workload{
		Name:      "web",
		Namespace: ns,
		Image:     "registry.example.com/shop/web:1.4.2",
		Ports:     []baseline.Port{{Name: "http", Port: 8080}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "250m", Memory: "256Mi", EphemeralStorage: "100Mi"},
			Limits:   baseline.Compute{CPU: "1", Memory: "256Mi", EphemeralStorage: "1Gi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz"},
		LivenessProbe:  &baseline.Probe{HTTPPath: "/livez"},
		Autoscaled:     true,
	}}.Build()
	if err != nil {
		return nil, err
	}
	hpa, err := scaling.HPA{
		Name: "web", Namespace: ns, Workload: web.Deployment,
		MinReplicas: 3, MaxReplicas: 10, CPUUtilization: 70,
	}.Build()
	if err != nil {
		return nil, err
	}
	return []prodkube.Object{nsObj, quota, deny, role, binding, web.ServiceAccount, web.Deployment, web.PodDisruptionBudget, hpa}, nil
}
