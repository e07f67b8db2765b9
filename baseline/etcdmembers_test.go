package baseline

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	cc "github.com/prodkube/prodkube/baseline/componentconfig"
)

func validEtcdCluster() EtcdCluster {
	return EtcdCluster{Members: []EtcdMember{
		{Name: "etcd-1", Address: "10.0.1.20"},
		{Name: "etcd-2", Address: "10.0.2.20"},
		{Name: "etcd-3", Address: "10.0.3.20"},
	}}
}

func TestEtcdClusterValidate(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*EtcdCluster)
		paths []string
	}{
		{"valid", func(*EtcdCluster) {}, nil},
		{"five members", func(e *EtcdCluster) {
			e.Members = append(e.Members, EtcdMember{Name: "etcd-4", Address: "10.0.1.21"}, EtcdMember{Name: "etcd-5", Address: "10.0.2.21"})
		}, nil},
		{"an even member count", func(e *EtcdCluster) { e.Members = append(e.Members, EtcdMember{Name: "etcd-4", Address: "10.0.1.21"}) }, []string{"members"}},
		{"too few", func(e *EtcdCluster) { e.Members = e.Members[:1] }, []string{"members"}},
		{"duplicates", func(e *EtcdCluster) { e.Members[2] = e.Members[0] }, []string{"members[2].name", "members[2].address"}},
		{"bad member", func(e *EtcdCluster) { e.Members[1] = EtcdMember{Name: "Etcd_2", Address: "127.0.0.1"} }, []string{"members[1].name", "members[1].address"}},
		{"missing member fields", func(e *EtcdCluster) { e.Members[0] = EtcdMember{} }, []string{"members[0].name", "members[0].address"}},
		{"port clash", func(e *EtcdCluster) { e.MetricsPort = 2379 }, []string{"metricsPort"}},
		{"bad tuning", func(e *EtcdCluster) {
			e.QuotaBackendBytes, e.SnapshotCount, e.CompactionRetention = 1, 10, 90*time.Second
		}, []string{"quotaBackendBytes", "snapshotCount", "compactionRetention"}},
		{"bad paths and token", func(e *EtcdCluster) { e.DataDir, e.PKIDir, e.ClusterToken = "data", "/a/../b", "a b" }, []string{"dataDir", "pkiDir", "clusterToken"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEtcdCluster()
			tt.mod(&e)
			if diff := cmp.Diff(tt.paths, errorPaths(e.Validate())); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, e.Validate())
			}
			r, err := e.Build()
			if (r == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v: want error xor result", r, err)
			}
		})
	}
}

func TestEtcdClusterBuild(t *testing.T) {
	r, err := validEtcdCluster().Build()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379"}, r.ClientURLs); diff != "" {
		t.Errorf("ClientURLs (-want +got):\n%s", diff)
	}
	files := r.Files()
	if len(files) != 3 || files[1].Path != "etcd/etcd-2/etc/etcd/etcd.yaml" {
		t.Fatalf("files %+v", files)
	}
	want := `advertise-client-urls: https://10.0.2.20:2379
auto-compaction-mode: periodic
auto-compaction-retention: 1h
client-transport-security:
  cert-file: /etc/kubernetes/pki/etcd/server.crt
  client-cert-auth: true
  key-file: /etc/kubernetes/pki/etcd/server.key
  trusted-ca-file: /etc/kubernetes/pki/etcd/ca.crt
data-dir: /var/lib/etcd
initial-advertise-peer-urls: https://10.0.2.20:2380
initial-cluster: etcd-1=https://10.0.1.20:2380,etcd-2=https://10.0.2.20:2380,etcd-3=https://10.0.3.20:2380
initial-cluster-state: new
initial-cluster-token: prodkube-etcd
listen-client-urls: https://10.0.2.20:2379,https://127.0.0.1:2379
listen-metrics-urls: http://127.0.0.1:2381
listen-peer-urls: https://10.0.2.20:2380
log-level: info
log-outputs:
- stderr
logger: zap
metrics: basic
name: etcd-2
peer-transport-security:
  cert-file: /etc/kubernetes/pki/etcd/peer.crt
  client-cert-auth: true
  key-file: /etc/kubernetes/pki/etcd/peer.key
  trusted-ca-file: /etc/kubernetes/pki/etcd/ca.crt
quota-backend-bytes: 8589934592
snapshot-count: 10000
strict-reconfig-check: true
tls-min-version: TLS1.2
`
	if diff := cmp.Diff(want, string(files[1].Content)); diff != "" {
		t.Errorf("etcd-2 config (-want +got):\n%s", diff)
	}
	m := r.Members[0]
	if diff := cmp.Diff([]string{"10.0.1.20", "127.0.0.1"}, m.Server.IPAddresses); diff != "" {
		t.Errorf("server SANs (-want +got):\n%s", diff)
	}
	if !m.Peer.ServerAuth || !m.Peer.ClientAuth || r.APIServerClient.ServerAuth || !r.APIServerClient.ClientAuth {
		t.Errorf("usages: peer %+v client %+v", m.Peer, r.APIServerClient)
	}
}

func FuzzEtcdCluster(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e := validEtcdCluster()
		mutate(data, &e)
		r, err := e.Build()
		if (r == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want error xor result", r, err)
		}
		if err != nil {
			return
		}
		n := len(r.Members)
		if n < 3 || n%2 == 0 {
			t.Fatalf("%d members", n)
		}
		for i, f := range r.Files() {
			var back cc.EtcdConfig
			if err := yaml.UnmarshalStrict(f.Content, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r.Members[i].Config, &back); diff != "" {
				t.Fatalf("round trip (-built +read):\n%s", diff)
			}
			if got := strings.Count(back.InitialCluster, "=https://"); got != n {
				t.Fatalf("initial cluster %q has %d members, want %d", back.InitialCluster, got, n)
			}
		}
	})
}
