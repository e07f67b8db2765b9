package baseline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/randfill"
)

func validLoadBalancer() LoadBalancer {
	return LoadBalancer{
		VIP:       "10.0.0.10",
		Subnet:    "10.0.0.0/24",
		Interface: "eth0",
		Nodes: []LoadBalancerNode{
			{Name: "cp-1", Address: "10.0.0.11"},
			{Name: "cp-2", Address: "10.0.0.12"},
			{Name: "cp-3", Address: "10.0.0.13"},
		},
	}
}

func TestLoadBalancerValidate(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*LoadBalancer)
		paths []string
	}{
		{"valid", func(*LoadBalancer) {}, nil},
		{"valid with name and explicit priorities", func(l *LoadBalancer) {
			l.EndpointName = "kube-api.example.com"
			l.Nodes[0].Priority, l.Nodes[1].Priority, l.Nodes[2].Priority = 150, 140, 130
		}, nil},
		{"VIP outside the nodes' subnet", func(l *LoadBalancer) { l.VIP = "10.0.1.10" }, []string{"vip"}},
		{"VIP is a node address", func(l *LoadBalancer) { l.VIP = "10.0.0.12" }, []string{"nodes[1].address"}},
		{"VIP is the broadcast address", func(l *LoadBalancer) { l.VIP = "10.0.0.255" }, []string{"vip"}},
		{"node outside the subnet", func(l *LoadBalancer) { l.Nodes[2].Address = "10.0.9.13" }, []string{"nodes[2].address"}},
		{"two nodes with the same VRRP priority", func(l *LoadBalancer) { l.Nodes[0].Priority, l.Nodes[2].Priority = 120, 120 }, []string{"nodes[2].priority"}},
		{"explicit priority equal to a derived one", func(l *LoadBalancer) { l.Nodes[0].Priority = 101 }, []string{"nodes[1].priority"}},
		{"priority 255 is the owner's", func(l *LoadBalancer) { l.Nodes[1].Priority = 255 }, []string{"nodes[1].priority"}},
		{"missing required fields", func(l *LoadBalancer) { l.VIP, l.Subnet, l.Interface = "", "", "" }, []string{"subnet", "vip", "interface"}},
		{"subnet with host bits", func(l *LoadBalancer) { l.Subnet = "10.0.0.1/24" }, []string{"subnet"}},
		{"bad interface", func(l *LoadBalancer) { l.Interface = "eth0; rm -rf /" }, []string{"interface"}},
		{"port clash", func(l *LoadBalancer) { l.Port = 6443 }, []string{"port"}},
		{"router id", func(l *LoadBalancer) { l.VirtualRouterID = 256 }, []string{"virtualRouterID"}},
		{"unpinned images", func(l *LoadBalancer) { l.HAProxyImage, l.KeepalivedImage = "haproxy", "osixia/keepalived:latest" }, []string{"haproxyImage", "keepalivedImage"}},
		{"one node", func(l *LoadBalancer) { l.Nodes = l.Nodes[:1] }, []string{"nodes"}},
		{"duplicate node", func(l *LoadBalancer) { l.Nodes[1] = l.Nodes[0] }, []string{"nodes[1].name", "nodes[1].address"}},
		{"duplicate node with its priority", func(l *LoadBalancer) { l.Nodes[0].Priority = 7; l.Nodes[1] = l.Nodes[0] }, []string{"nodes[1].name", "nodes[1].address", "nodes[1].priority"}},
		{"bad endpoint name", func(l *LoadBalancer) { l.EndpointName = "Kube_API" }, []string{"endpointName"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := validLoadBalancer()
			tt.mod(&l)
			got := errorPaths(l.Validate())
			if diff := cmp.Diff(tt.paths, got); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\nerrors: %v", diff, l.Validate())
			}
			r, err := l.Build()
			if (r == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v: want error xor result", r, err)
			}
		})
	}
}

func TestLoadBalancerBuild(t *testing.T) {
	l := validLoadBalancer()
	l.EndpointName = "kube-api.example.com"
	r, err := l.Build()
	if err != nil {
		t.Fatal(err)
	}
	if want := (Endpoint{Host: "kube-api.example.com", Port: 8443}); r.Endpoint != want {
		t.Errorf("Endpoint = %+v, want %+v", r.Endpoint, want)
	}
	if diff := cmp.Diff([]string{"10.0.0.10", "kube-api.example.com"}, r.CertSANs); diff != "" {
		t.Errorf("CertSANs (-want +got):\n%s", diff)
	}
	var paths []string
	for _, f := range r.Files() {
		paths = append(paths, fmt.Sprintf("%s %o", f.Path, f.Mode))
	}
	var want []string
	for _, n := range []string{"cp-1", "cp-2", "cp-3"} {
		want = append(want,
			"controlplane/"+n+"/etc/kubernetes/manifests/haproxy.yaml 0",
			"controlplane/"+n+"/etc/kubernetes/manifests/keepalived.yaml 0",
			"controlplane/"+n+"/etc/haproxy/haproxy.cfg 0",
			"controlplane/"+n+"/etc/keepalived/keepalived.conf 0",
			"controlplane/"+n+"/etc/keepalived/check_apiserver.sh 755",
		)
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	// cp-1 has the highest derived priority and starts as MASTER; cp-2
	// lists the two other nodes as unicast peers.
	for _, c := range []struct {
		node int
		want []string
	}{
		{0, []string{"    state MASTER\n", "    priority 102\n", "    unicast_src_ip 10.0.0.11\n", "        10.0.0.10/24 dev eth0\n"}},
		{1, []string{"    state BACKUP\n", "    priority 101\n", "    unicast_peer {\n        10.0.0.11\n        10.0.0.13\n    }\n"}},
		{2, []string{"    state BACKUP\n", "    priority 100\n", "    virtual_router_id 51\n", "    enable_script_security\n"}},
	} {
		conf := string(r.Nodes[c.node].KeepalivedConfig)
		for _, w := range c.want {
			if !strings.Contains(conf, w) {
				t.Errorf("node %d keepalived.conf lacks %q:\n%s", c.node, w, conf)
			}
		}
	}
	hap := string(r.Nodes[0].HAProxyConfig)
	for _, w := range []string{"    bind :8443\n", "    http-check send meth GET uri /readyz\n", "    server cp-1 10.0.0.11:6443\n", "    server cp-3 10.0.0.13:6443\n", "    mode tcp\n"} {
		if !strings.Contains(hap, w) {
			t.Errorf("haproxy.cfg lacks %q:\n%s", w, hap)
		}
	}
	check := string(r.Nodes[0].CheckScript)
	for _, w := range []string{"#!/bin/sh\n", "https://127.0.0.1:6443/readyz", "https://10.0.0.10:8443/readyz", `grep -qF " 10.0.0.10/"`} {
		if !strings.Contains(check, w) {
			t.Errorf("check script lacks %q:\n%s", w, check)
		}
	}
}

// TestLoadBalancerPodSecurity checks the static Pods with the upstream Pod
// Security evaluator: HAProxy meets restricted; keepalived needs privileged
// (its added capabilities break baseline), which kube-system has.
func TestLoadBalancerPodSecurity(t *testing.T) {
	r, err := validLoadBalancer().Build()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(p *corev1.Pod, level api.Level) []string {
		var forbidden []string
		for _, res := range ev.EvaluatePod(api.LevelVersion{Level: level, Version: api.LatestVersion()}, &p.ObjectMeta, &p.Spec) {
			if !res.Allowed {
				forbidden = append(forbidden, res.ForbiddenReason)
			}
		}
		return forbidden
	}
	n := r.Nodes[0]
	// The host network and the configuration's hostPath are the only
	// things keeping HAProxy out of restricted.
	if diff := cmp.Diff([]string{"host namespaces", "restricted volume types"}, check(n.HAProxy, api.LevelRestricted)); diff != "" {
		t.Errorf("haproxy at restricted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"non-default capabilities", "host namespaces", "hostPath volumes"}, check(n.Keepalived, api.LevelBaseline)); diff != "" {
		t.Errorf("keepalived at baseline (-want +got):\n%s", diff)
	}
	for _, p := range []*corev1.Pod{n.HAProxy, n.Keepalived} {
		if got := check(p, api.LevelPrivileged); len(got) != 0 {
			t.Errorf("%s at privileged: forbidden %q", p.Name, got)
		}
		if p.Namespace != "kube-system" || !p.Spec.HostNetwork {
			t.Errorf("%s: namespace %q hostNetwork %v", p.Name, p.Namespace, p.Spec.HostNetwork)
		}
		for _, c := range p.Spec.Containers {
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s/%s lacks requests or a memory limit", p.Name, c.Name)
			}
		}
	}
}

func FuzzLoadBalancer(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		l := validLoadBalancer()
		mutate(data, &l)
		fl := randfill.NewFromGoFuzz(data)
		for i := range l.Nodes {
			var b uint8
			fl.Fill(&b)
			if b%3 == 0 {
				l.Nodes[i].Priority = int32(b)
			}
		}
		r, err := l.Build()
		if (r == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want error xor result", r, err)
		}
		if err != nil {
			return
		}
		prios := map[int32]bool{}
		masters := 0
		for _, n := range r.Nodes {
			if prios[n.Priority] {
				t.Fatalf("priority %d twice", n.Priority)
			}
			prios[n.Priority] = true
			if strings.Contains(string(n.KeepalivedConfig), "state MASTER") {
				masters++
			}
		}
		if masters != 1 {
			t.Fatalf("%d MASTER nodes, want 1", masters)
		}
		for _, file := range r.Files() {
			if strings.Contains(string(file.Content), "encoding failed") {
				t.Fatalf("%s: %s", file.Path, file.Content)
			}
		}
	})
}
