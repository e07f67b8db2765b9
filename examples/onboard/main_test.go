package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prodkube/prodkube/security"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestOnboard(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-namespace", "payments", "-cpu", "8", "-memory", "16Gi"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, doc := range strings.Split(out.String(), "---\n")[1:] {
		var m struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name, Namespace string
			} `json:"metadata"`
		}
		if err := yaml.UnmarshalStrict([]byte(doc), &m); err != nil {
			var loose struct{ Kind string }
			if err := yaml.Unmarshal([]byte(doc), &loose); err != nil {
				t.Fatal(err)
			}
			m.Kind = loose.Kind
		}
		kinds = append(kinds, m.Kind)
	}
	want := "Namespace ServiceAccount Role RoleBinding ResourceQuota LimitRange NetworkPolicy NetworkPolicy"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("kinds in apply order:\n got %s\nwant %s", got, want)
	}
	for _, s := range []string{"limits.cpu: \"16\"", "limits.memory: 32Gi", "requests.cpu: \"8\"", "pod-security.kubernetes.io/enforce: restricted"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q", s)
		}
	}
	// The namespace's own level is the strictest.
	var ns corev1.Namespace
	if err := yaml.Unmarshal([]byte(strings.Split(out.String(), "---\n")[1]), &ns); err != nil {
		t.Fatal(err)
	}
	if ns.Labels["pod-security.kubernetes.io/enforce"] != string(security.LevelRestricted) {
		t.Errorf("namespace labels %v", ns.Labels)
	}
}

func TestOnboardRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "-namespace is required"},
		{[]string{"-namespace", "Payments"}, "name: Invalid value: \"Payments\""},
		{[]string{"-namespace", "kube-system"}, "belongs to the platform"},
		{[]string{"-namespace", "p", "-cpu", "lots"}, "requests.cpu"},
		{[]string{"-namespace", "p", "-deployer", "Bad_Name"}, "Bad_Name"},
		{[]string{"-namespace", "p", "extra"}, "unexpected arguments"},
	} {
		var out bytes.Buffer
		err := run(tc.args, &out, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("%q: wrote output despite the error", tc.args)
		}
	}
}
