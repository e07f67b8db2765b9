package security

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// ServiceAccount describes the identity a workload runs as.
type ServiceAccount struct {
	// Name of the ServiceAccount (a DNS-1123 subdomain). Required.
	Name string
	// Namespace it lives in (a DNS-1123 label). Required.
	Namespace string
	// AutomountToken mounts an API token into every pod that uses the
	// account. Off by default: most workloads never call the API server, and
	// a mounted token is a credential waiting to be stolen. Pods that do need
	// one should prefer a projected token volume with a short lifetime.
	AutomountToken bool
	// Labels are added to the object.
	Labels map[string]string
}

// Validate reports every problem with the spec.
func (s ServiceAccount) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(s.Name) {
		errs = append(errs, names.Subdomain(s.Name, field.NewPath("name"))...)
	}
	if !names.ValidDNS1123Label(s.Namespace) {
		errs = append(errs, names.Label(s.Namespace, field.NewPath("namespace"))...)
	}
	errs = append(errs, validateLabels(s.Labels)...)
	return errs
}

// Build returns the v1 ServiceAccount.
func (s ServiceAccount) Build() (*corev1.ServiceAccount, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	// The account and the value its automount field points to are one
	// allocation.
	b := &struct {
		sa        corev1.ServiceAccount
		automount bool
	}{automount: s.AutomountToken}
	b.sa = corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: copyMap(s.Labels)},
		AutomountServiceAccountToken: &b.automount,
	}
	return &b.sa, nil
}

// validateLabels checks labels with the upstream validator, under the path
// "labels", building that path only when a label is invalid.
func validateLabels(labels map[string]string) field.ErrorList {
	if names.ValidLabels(labels) {
		return nil
	}
	return names.Labels(labels, field.NewPath("labels"))
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
