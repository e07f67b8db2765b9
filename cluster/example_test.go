package cluster_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/cluster"
	"github.com/prodkube/prodkube/nodepool"
)

// A web front end open to the world calls an API: the flows become the
// only NetworkPolicies of a default-deny namespace, and the kubeadm pool
// becomes one join file per zone.
func ExampleCluster_Build() {
	app := func(name string) *baseline.Deployment {
		return &baseline.Deployment{Workload: baseline.Workload{
			Name:           name,
			Image:          "registry.k8s.io/e2e-test-images/agnhost:2.55",
			Ports:          []baseline.Port{{Name: "http", Port: 8080}},
			Resources:      baseline.Resources{Requests: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"}, Limits: baseline.Compute{CPU: "200m", Memory: "256Mi", EphemeralStorage: "128Mi"}},
			ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz"},
			Service:        &baseline.Service{},
		}}
	}
	http := []intstr.IntOrString{intstr.FromString("http")}
	c := cluster.Cluster{
		ControlPlane: baseline.HA{
			KubernetesVersion: "v1.37.2",
			Endpoint:          baseline.Endpoint{Host: "api.example.com"},
			ControlPlaneNodes: []baseline.ControlPlaneNode{
				{Name: "cp-1", Address: "10.0.1.10", Zone: "a"},
				{Name: "cp-2", Address: "10.0.2.10", Zone: "b"},
				{Name: "cp-3", Address: "10.0.3.10", Zone: "c"},
			},
		},
		Pools: []cluster.Pool{{Pool: nodepool.Pool{Name: "general"}, Zones: []string{"a", "b"}, NodesPerZone: 2}},
		Namespaces: []cluster.Namespace{{Name: "shop", Workloads: []cluster.Workload{
			{Deployment: app("front"), Accepts: []cluster.Accept{{CIDR: "0.0.0.0/0", Ports: http}}, Calls: []cluster.Call{{Workload: "api", Ports: http}}},
			{Deployment: app("api")},
		}}},
	}
	r, err := c.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range r.Objects() {
		if o.GetObjectKind().GroupVersionKind().Kind == "NetworkPolicy" {
			fmt.Println("policy", o.GetName())
		}
	}
	for _, f := range r.Files() {
		fmt.Println("file", f.Path)
	}

	// Take the front end's calls away and the API's Service is dead.
	c.Namespaces[0].Workloads[0].Calls = nil
	fmt.Println(c.Validate()[0].Field)
	// Output:
	// policy default-deny
	// policy allow-dns-egress
	// policy shop.api-from-shop.front
	// policy shop.api-from-shop.front-egress
	// policy front-ingress-0
	// file kubeadm/init.yaml
	// file kubeadm/join-control-plane-cp-2.yaml
	// file kubeadm/join-control-plane-cp-3.yaml
	// file kubeadm/join-worker.yaml
	// file kubeadm/join-worker-general-a.yaml
	// file kubeadm/join-worker-general-b.yaml
	// file backup/etcd-snapshot.sh
	// file backup/etcd-restore.md
	// file reports/node-pools.md
	// namespaces[0].workloads[1].deployment.service
}
