package baseline_test

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodkube/prodkube/baseline"
)

func ExampleLoadBalancer() {
	lb, err := baseline.LoadBalancer{
		VIP:       "10.0.0.10",
		Subnet:    "10.0.0.0/24",
		Interface: "eth0",
		Nodes: []baseline.LoadBalancerNode{
			{Name: "cp-1", Address: "10.0.0.11"},
			{Name: "cp-2", Address: "10.0.0.12"},
			{Name: "cp-3", Address: "10.0.0.13"},
		},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("endpoint %s:%d\n", lb.Endpoint.Host, lb.Endpoint.Port)
	for _, n := range lb.Nodes {
		fmt.Println(n.Name, "priority", n.Priority)
	}
	for _, f := range lb.Files()[:5] {
		fmt.Println(f.Path)
	}
	// Output:
	// endpoint 10.0.0.10:8443
	// cp-1 priority 102
	// cp-2 priority 101
	// cp-3 priority 100
	// controlplane/cp-1/etc/kubernetes/manifests/haproxy.yaml
	// controlplane/cp-1/etc/kubernetes/manifests/keepalived.yaml
	// controlplane/cp-1/etc/haproxy/haproxy.cfg
	// controlplane/cp-1/etc/keepalived/keepalived.conf
	// controlplane/cp-1/etc/keepalived/check_apiserver.sh
}

func ExampleLoadBalancer_Validate() {
	errs := baseline.LoadBalancer{
		VIP:       "10.0.1.10",
		Subnet:    "10.0.0.0/24",
		Interface: "eth0",
		Nodes: []baseline.LoadBalancerNode{
			{Name: "cp-1", Address: "10.0.0.11", Priority: 110},
			{Name: "cp-2", Address: "10.0.0.12", Priority: 110},
		},
	}.Validate()
	for _, e := range errs {
		fmt.Println(e.Field)
	}
	// Output:
	// vip
	// nodes[1].priority
}

func ExampleKubelet() {
	k, err := baseline.Kubelet{Capacity: baseline.NodeCapacity{CPU: resource.MustParse("4"), Memory: resource.MustParse("16Gi")}}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Kubelet.Kind, k.Kubelet.CgroupDriver, "kubeReserved", k.Kubelet.KubeReserved["cpu"], k.Kubelet.KubeReserved["memory"])
	fmt.Println(k.KubeProxy.Kind, k.KubeProxy.Mode)
	// Output:
	// KubeletConfiguration systemd kubeReserved 80m 2663Mi
	// KubeProxyConfiguration iptables
}

func ExampleEtcdCluster() {
	r, err := baseline.EtcdCluster{Members: []baseline.EtcdMember{
		{Name: "etcd-1", Address: "10.0.1.20"},
		{Name: "etcd-2", Address: "10.0.2.20"},
		{Name: "etcd-3", Address: "10.0.3.20"},
	}}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.ClientURLs)
	fmt.Println(r.Files()[0].Path)
	fmt.Println(r.Members[0].Config.InitialCluster)
	// Output:
	// [https://10.0.1.20:2379 https://10.0.2.20:2379 https://10.0.3.20:2379]
	// etcd/etcd-1/etc/etcd/etcd.yaml
	// etcd-1=https://10.0.1.20:2380,etcd-2=https://10.0.2.20:2380,etcd-3=https://10.0.3.20:2380
}

func ExampleAudit() {
	r, err := baseline.Audit{}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range r.APIServer.ExtraArgs[:2] {
		fmt.Printf("--%s=%s\n", a.Name, a.Value)
	}
	fmt.Println(r.Files()[0].Path)
	// Output:
	// --audit-policy-file=/etc/kubernetes/audit/policy.yaml
	// --audit-log-path=/var/log/kubernetes/audit/audit.log
	// controlplane/_shared/etc/kubernetes/audit/policy.yaml
}

func ExampleEncryption() {
	r, err := baseline.Encryption{}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Files() {
		fmt.Println(f.Path, f.Mode)
	}
	fmt.Printf("--%s=%s\n", r.APIServer.ExtraArgs[0].Name, r.APIServer.ExtraArgs[0].Value)
	// Output:
	// controlplane/_shared/etc/kubernetes/encryption/config.template.yaml ----------
	// controlplane/_shared/etc/kubernetes/encryption/install-encryption-config.sh -rwxr-xr-x
	// --encryption-provider-config=/etc/kubernetes/encryption/config.yaml
}

func ExampleControlPlaneReport() {
	capacity := baseline.NodeCapacity{CPU: resource.MustParse("4"), Memory: resource.MustParse("16Gi")}
	lb, _ := baseline.LoadBalancer{VIP: "10.0.0.10", Subnet: "10.0.0.0/24", Interface: "eth0", Nodes: []baseline.LoadBalancerNode{
		{Name: "cp-1", Address: "10.0.0.11"}, {Name: "cp-2", Address: "10.0.0.12"}, {Name: "cp-3", Address: "10.0.0.13"},
	}}.Build()
	k, _ := baseline.Kubelet{Capacity: capacity}.Build()
	a, _ := baseline.Audit{}.Build()
	e, _ := baseline.Encryption{}.Build()
	r, err := baseline.ControlPlaneReport{LoadBalancer: lb, Kubelet: k, Audit: a, Encryption: e, Capacity: capacity}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	f := r.Files()[0]
	fmt.Println(f.Path)
	fmt.Println(strings.SplitN(string(f.Content), "\n", 2)[0])
	// Output:
	// reports/control-plane.md
	// # Control plane
}
