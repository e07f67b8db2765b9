package baseline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestControlPlaneReport(t *testing.T) {
	lb, err := validLoadBalancer().Build()
	if err != nil {
		t.Fatal(err)
	}
	k, err := Kubelet{Capacity: capacity("4", "16Gi")}.Build()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Audit{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Encryption{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	etcd, err := validEtcdCluster().Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ControlPlaneReport{LoadBalancer: lb, Kubelet: k, Audit: a, Encryption: e, Etcd: etcd, Capacity: capacity("4", "16Gi")}.Build()
	if err != nil {
		t.Fatal(err)
	}
	md := string(r.Markdown)
	for _, want := range []string{
		"Clients use `10.0.0.10:8443`",
		"| cp-1 | 102 | haproxy:3.2.25, osixia/keepalived:2.0.17 |",
		"External, 3 members (quorum 2, tolerates 1 down)",
		"| etcd-2 | https://10.0.2.20:2379 |",
		"pods get 3820m CPU and 13265Mi memory",
		"log `/var/log/kubernetes/audit/audit.log` (kept 30 days, 10 files of 100 MB)",
		"secrets are encrypted with secretbox. The key lives only in `/etc/kubernetes/encryption/key`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if got := r.Files(); len(got) != 1 || got[0].Path != "reports/control-plane.md" {
		t.Errorf("files %+v", got)
	}
	if diff := cmp.Diff([]string{"loadBalancer", "kubelet", "audit", "encryption", "capacity"}, errorPaths(ControlPlaneReport{}.Validate())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if r, err := (ControlPlaneReport{}).Build(); r != nil || err == nil {
		t.Errorf("Build of an empty report = %v, %v", r, err)
	}
}
