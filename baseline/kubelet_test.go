package baseline

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	cc "github.com/prodkube/prodkube/baseline/componentconfig"
)

func capacity(cpu, mem string) NodeCapacity {
	return NodeCapacity{CPU: resource.MustParse(cpu), Memory: resource.MustParse(mem)}
}

func TestKubeletValidate(t *testing.T) {
	tests := []struct {
		name  string
		k     Kubelet
		paths []string
	}{
		{"valid", Kubelet{Capacity: capacity("4", "16Gi")}, nil},
		{"opt-outs", Kubelet{Capacity: capacity("2", "4Gi"), CgroupfsDriver: true, SelfSignedServingCertificate: true, ProxyMode: ProxyNFTables}, nil},
		{"no capacity", Kubelet{}, []string{"capacity.cpu", "capacity.memory"}},
		{"small node", Kubelet{Capacity: capacity("500m", "1Gi")}, []string{"capacity.cpu", "capacity.memory"}},
		{"shutdown periods", Kubelet{Capacity: capacity("4", "16Gi"), ShutdownGracePeriod: 30 * time.Second, ShutdownGracePeriodCriticalPods: 30 * time.Second}, []string{"shutdownGracePeriodCriticalPods"}},
		{"short shutdown", Kubelet{Capacity: capacity("4", "16Gi"), ShutdownGracePeriod: 1500 * time.Millisecond}, []string{"shutdownGracePeriod", "shutdownGracePeriodCriticalPods"}},
		{"bad mode and pods", Kubelet{Capacity: capacity("4", "16Gi"), ProxyMode: "userspace", MaxPods: -1}, []string{"maxPods", "proxyMode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.paths, errorPaths(tt.k.Validate())); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, tt.k.Validate())
			}
			r, err := tt.k.Build()
			if (r == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v: want error xor result", r, err)
			}
		})
	}
}

// TestKubeletReservations checks the tiered reservations against values
// worked out by hand from the documented tiers.
func TestKubeletReservations(t *testing.T) {
	for _, c := range []struct {
		cpu, mem                             string
		wantCPU, wantMem, wantHard, wantSoft string
	}{
		// 60m + 10m + 2×5m; 1024Mi + 819.2Mi + 819.2Mi; 2%, 5%.
		{"4", "16Gi", "80m", "2663Mi", "328Mi", "820Mi"},
		// 60m + 10m + 10m + 4×2.5m; 1024 + 819.2 + 819.2 + 48Gi×6% (2949.12).
		{"8", "64Gi", "90m", "5612Mi", "1311Mi", "3277Mi"},
		// 60m; 25% of 2Gi; floors of 100Mi and 300Mi.
		{"1", "2Gi", "60m", "512Mi", "100Mi", "300Mi"},
	} {
		r, err := Kubelet{Capacity: capacity(c.cpu, c.mem)}.Build()
		if err != nil {
			t.Fatal(err)
		}
		got := []string{r.Kubelet.KubeReserved["cpu"], r.Kubelet.KubeReserved["memory"], r.Kubelet.EvictionHard["memory.available"], r.Kubelet.EvictionSoft["memory.available"]}
		if diff := cmp.Diff([]string{c.wantCPU, c.wantMem, c.wantHard, c.wantSoft}, got); diff != "" {
			t.Errorf("%s CPUs %s: (-want +got):\n%s", c.cpu, c.mem, diff)
		}
	}
}

func TestKubeletBuild(t *testing.T) {
	r, err := Kubelet{Capacity: capacity("4", "16Gi")}.Build()
	if err != nil {
		t.Fatal(err)
	}
	k := r.Kubelet
	if k.CgroupDriver != "systemd" || !k.ServerTLSBootstrap || !k.RotateCertificates || *k.ReadOnlyPort != 0 ||
		*k.Authentication.Anonymous.Enabled || !*k.Authentication.Webhook.Enabled || k.Authorization.Mode != "Webhook" {
		t.Errorf("hardening missing: %+v", k)
	}
	if len(r.Files()) != 1 || r.Files()[0].Path != "kubeadm/kubelet-serving-certificates.md" {
		t.Errorf("files %+v", r.Files())
	}
	cpu, mem, err := r.Allocatable(capacity("4", "16Gi"))
	if err != nil {
		t.Fatal(err)
	}
	// 4000m - 80m - 100m; 16384Mi - 2663Mi - 128Mi - 328Mi.
	if cpu.String() != "3820m" || mem.String() != "13265Mi" {
		t.Errorf("allocatable %s CPU %s memory", cpu.String(), mem.String())
	}
	out, err := Kubelet{Capacity: capacity("4", "16Gi"), SelfSignedServingCertificate: true, CgroupfsDriver: true}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if out.Kubelet.ServerTLSBootstrap || out.Kubelet.CgroupDriver != "cgroupfs" || len(out.Files()) != 0 {
		t.Errorf("opt-outs not applied: %+v", out.Kubelet)
	}
}

func FuzzKubelet(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		k := Kubelet{Capacity: capacity("4", "16Gi")}
		mutate(data, &k)
		r, err := k.Build()
		if (r == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want error xor result", r, err)
		}
		if err != nil {
			return
		}
		// The promise: pods keep most of the node, and the hardening holds
		// unless opted out.
		cpu, mem, err := r.Allocatable(k.Capacity)
		if err != nil {
			t.Fatal(err)
		}
		if cpu.Cmp(*resource.NewMilliQuantity(k.Capacity.CPU.MilliValue()*8/10, resource.DecimalSI)) < 0 ||
			mem.Cmp(*resource.NewQuantity(k.Capacity.Memory.Value()/2, resource.BinarySI)) < 0 {
			t.Fatalf("allocatable %s/%s of %s/%s", cpu.String(), mem.String(), k.Capacity.CPU.String(), k.Capacity.Memory.String())
		}
		if *r.Kubelet.ReadOnlyPort != 0 || *r.Kubelet.Authentication.Anonymous.Enabled || r.Kubelet.Authorization.Mode != "Webhook" {
			t.Fatal("hardening lost")
		}
		for _, doc := range []any{r.Kubelet, r.KubeProxy} {
			b, err := yaml.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			var back cc.KubeletConfiguration
			if _, ok := doc.(*cc.KubeletConfiguration); ok {
				if err := yaml.UnmarshalStrict(b, &back); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
