package security

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prodkube/prodkube/internal/fuzzfill"
)

func TestNamespaceBuild(t *testing.T) {
	ns, err := Namespace{Name: "production"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/audit":           "restricted",
		"pod-security.kubernetes.io/audit-version":   "latest",
		"pod-security.kubernetes.io/warn":            "restricted",
		"pod-security.kubernetes.io/warn-version":    "latest",
	}
	if diff := cmp.Diff(want, ns.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if ns.APIVersion != "v1" || ns.Kind != "Namespace" {
		t.Errorf("TypeMeta = %+v", ns.TypeMeta)
	}

	ns, err = Namespace{Name: "legacy", Enforce: LevelBaseline, Warn: LevelRestricted, EnforceVersion: "v1.36", Labels: map[string]string{"team": "a"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"pod-security.kubernetes.io/enforce":         "baseline",
		"pod-security.kubernetes.io/enforce-version": "v1.36",
		"pod-security.kubernetes.io/audit":           "baseline",
		"pod-security.kubernetes.io/warn":            "restricted",
		"team":                                       "a",
	} {
		if ns.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, ns.Labels[k], v)
		}
	}
}

func TestNamespaceValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Namespace
		want []string
	}{
		{"missing name", Namespace{}, []string{"FieldValueRequired name"}},
		{"bad name", Namespace{Name: "Prod_1"}, []string{"FieldValueInvalid name"}},
		{"unknown level", Namespace{Name: "a", Enforce: "strict"}, []string{"FieldValueNotSupported enforce"}},
		{"audit looser than enforce", Namespace{Name: "a", Audit: LevelBaseline}, []string{"FieldValueInvalid audit"}},
		{"warn looser than enforce", Namespace{Name: "a", Enforce: LevelBaseline, Warn: LevelPrivileged}, []string{"FieldValueInvalid warn"}},
		{"stricter audit is fine", Namespace{Name: "a", Enforce: LevelPrivileged, Audit: LevelRestricted}, nil},
		{"bad versions", Namespace{Name: "a", EnforceVersion: "1.37", AuditVersion: "v2.0", WarnVersion: "v1.37.2"}, []string{"FieldValueInvalid enforceVersion", "FieldValueInvalid auditVersion", "FieldValueInvalid warnVersion"}},
		{"label overrides psa", Namespace{Name: "a", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}}, []string{"FieldValueForbidden labels[pod-security.kubernetes.io/enforce]"}},
		{"bad label", Namespace{Name: "a", Labels: map[string]string{"a b": "c"}}, []string{"FieldValueInvalid labels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, tt.spec.Validate(), tt.want...)
			obj, err := tt.spec.Build()
			if (err != nil) != (len(tt.want) > 0) || (obj == nil) == (err == nil) {
				t.Errorf("Build() = %v, %v; want exactly one of object or error", obj, err)
			}
		})
	}
}

// TestSystemNamespaces: kube-system gets the level its kube-proxy, CNI and
// static control-plane pods need, or a refusal on enforce; kube-public and
// kube-node-lease, which run no pods, keep restricted. The pod judged here
// is the shape of kube-proxy (host network, a privileged container,
// hostPath mounts), and the upstream evaluator decides whether the labels
// built would admit it.
func TestSystemNamespaces(t *testing.T) {
	levels := func(enforce, audit, warn string) map[string]string {
		return map[string]string{
			"pod-security.kubernetes.io/enforce": enforce, "pod-security.kubernetes.io/enforce-version": "latest",
			"pod-security.kubernetes.io/audit": audit, "pod-security.kubernetes.io/audit-version": "latest",
			"pod-security.kubernetes.io/warn": warn, "pod-security.kubernetes.io/warn-version": "latest",
		}
	}
	tests := []struct {
		spec   Namespace
		want   []string          // error paths
		labels map[string]string // when built
	}{
		{Namespace{Name: "kube-system"}, nil, levels("privileged", "baseline", "baseline")},
		{Namespace{Name: "kube-system", Enforce: LevelPrivileged}, nil, levels("privileged", "baseline", "baseline")},
		{Namespace{Name: "kube-system", Audit: LevelRestricted, Warn: LevelPrivileged}, nil, levels("privileged", "restricted", "privileged")},
		{Namespace{Name: "kube-system", Enforce: LevelRestricted}, []string{"FieldValueInvalid enforce"}, nil},
		{Namespace{Name: "kube-system", Enforce: LevelBaseline, Audit: LevelPrivileged}, []string{"FieldValueInvalid enforce", "FieldValueInvalid audit"}, nil},
		{Namespace{Name: "kube-system", Enforce: "Privileged"}, []string{"FieldValueNotSupported enforce"}, nil},
		{Namespace{Name: "kube-public"}, nil, levels("restricted", "restricted", "restricted")},
		{Namespace{Name: "kube-node-lease"}, nil, levels("restricted", "restricted", "restricted")},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.spec), func(t *testing.T) {
			wantPaths(t, tt.spec.Validate(), tt.want...)
			ns, err := tt.spec.Build()
			if (err != nil) != (len(tt.want) > 0) || (ns == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v; want exactly one of object or error", ns, err)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "enforce") {
					t.Errorf("error %q does not name the enforce field", err)
				}
				return
			}
			if diff := cmp.Diff(tt.labels, ns.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			if tt.spec.Name != "kube-system" {
				return
			}
			level := Level(ns.Labels["pod-security.kubernetes.io/enforce"])
			if ok, why := upstreamAllows(t, level, &metav1.ObjectMeta{}, kubeProxyLikePod()); !ok {
				t.Errorf("the enforce level %q refuses a kube-proxy-like pod: %s", level, why)
			}
		})
	}
	// The oracle itself must tell the levels apart, or the check above
	// proves nothing.
	for _, l := range []Level{LevelBaseline, LevelRestricted} {
		if ok, _ := upstreamAllows(t, l, &metav1.ObjectMeta{}, kubeProxyLikePod()); ok {
			t.Errorf("upstream %s admits the kube-proxy-like pod", l)
		}
	}
}

// kubeProxyLikePod has the host access kube-proxy has in a kubeadm
// cluster: host network, a privileged container, hostPath volumes.
func kubeProxyLikePod() *corev1.PodSpec {
	privileged := true
	hostPath := func(name, path string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}}}
	}
	return &corev1.PodSpec{
		HostNetwork: true,
		Containers: []corev1.Container{{
			Name: "kube-proxy", Image: "registry.k8s.io/kube-proxy:v1.37.2",
			SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
			VolumeMounts:    []corev1.VolumeMount{{Name: "xtables-lock", MountPath: "/run/xtables.lock"}, {Name: "lib-modules", MountPath: "/lib/modules", ReadOnly: true}},
		}},
		Volumes: []corev1.Volume{hostPath("xtables-lock", "/run/xtables.lock"), hostPath("lib-modules", "/lib/modules")},
	}
}

// FuzzSystemNamespace: any kube-system Namespace that builds enforces a
// level under which the upstream Pod Security evaluator admits a pod
// shaped like kube-proxy; kube-public and kube-node-lease keep whatever
// the spec asks, restricted by default.
func FuzzSystemNamespace(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03", "privileged", "\xff\x10\x20\x30\x40"} {
		f.Add([]byte(seed), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		var ns Namespace
		fuzzfill.New(data).Fill(&ns)
		ns.Name = []string{"kube-system", "kube-public", "kube-node-lease"}[int(which)%3]
		obj, err := ns.Build()
		if err != nil {
			return
		}
		enforce := Level(obj.Labels["pod-security.kubernetes.io/enforce"])
		if ns.Name == "kube-system" {
			if ok, why := upstreamAllows(t, enforce, &metav1.ObjectMeta{}, kubeProxyLikePod()); !ok {
				t.Fatalf("%+v: kube-system enforces %q, which refuses kube-proxy: %s", ns, enforce, why)
			}
			return
		}
		if ns.Enforce == "" && enforce != LevelRestricted {
			t.Fatalf("%+v: %s enforces %q by default", ns, ns.Name, enforce)
		}
	})
}
