package baseline_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodkube/prodkube/baseline"
)

func exampleCluster() baseline.HA {
	return baseline.HA{
		KubernetesVersion: "v1.37.2",
		Endpoint:          baseline.Endpoint{Host: "kube-api.example.com"},
		ControlPlaneNodes: []baseline.ControlPlaneNode{
			{Name: "cp-1", Address: "10.0.1.10", Zone: "eu-west-1a"},
			{Name: "cp-2", Address: "10.0.2.10", Zone: "eu-west-1b"},
			{Name: "cp-3", Address: "10.0.3.10", Zone: "eu-west-1c"},
		},
		Etcd: baseline.Etcd{External: &baseline.ExternalEtcd{Endpoints: []string{
			"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379",
		}}},
	}
}

// An HA control plane with external etcd renders an init file for the first
// node, a join file per other control plane node and a worker join file.
func ExampleHA_Build() {
	cp, err := exampleCluster().Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cp.APIVersion)
	for _, f := range cp.Files() {
		fmt.Println(f.Path)
		if f.Path == "kubeadm/join-worker.yaml" {
			fmt.Print(string(f.Content))
		}
	}
	// Output:
	// kubeadm.k8s.io/v1beta4
	// kubeadm/init.yaml
	// kubeadm/join-control-plane-cp-2.yaml
	// kubeadm/join-control-plane-cp-3.yaml
	// kubeadm/join-worker.yaml
	// apiVersion: kubeadm.k8s.io/v1beta4
	// discovery:
	//   file:
	//     kubeConfigPath: /etc/kubernetes/discovery.conf
	// kind: JoinConfiguration
}

// Every problem is reported at once, each with its field path.
func ExampleHA_Validate() {
	h := exampleCluster()
	h.ControlPlaneNodes[2].Zone = "eu-west-1a"
	h.Etcd.External.Endpoints = h.Etcd.External.Endpoints[:2]
	h.APIVersion = baseline.KubeadmV1Beta3
	for _, e := range h.Validate() {
		fmt.Println(e.Field)
	}
	// Output:
	// apiVersion
	// controlPlaneNodes
	// etcd.external.endpoints
}

// A node pool's workers join with their own taints and kubelet labels.
func ExampleWorkerJoin() {
	h := exampleCluster()
	h.Workers = []baseline.WorkerJoin{{
		Name:       "gpu",
		Taints:     []corev1.Taint{{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}},
		NodeLabels: map[string]string{"node.kubernetes.io/pool": "gpu"},
	}}
	cp, err := h.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range cp.Files() {
		if f.Path == "kubeadm/"+baseline.JoinWorkerGroupFile("gpu") {
			fmt.Println(f.Path)
			fmt.Print(string(f.Content))
		}
	}
	// Output:
	// kubeadm/join-worker-gpu.yaml
	// apiVersion: kubeadm.k8s.io/v1beta4
	// discovery:
	//   file:
	//     kubeConfigPath: /etc/kubernetes/discovery.conf
	// kind: JoinConfiguration
	// nodeRegistration:
	//   kubeletExtraArgs:
	//   - name: node-labels
	//     value: node.kubernetes.io/pool=gpu
	//   taints:
	//   - effect: NoSchedule
	//     key: nvidia.com/gpu
	//     value: present
}

func ExampleQuota_Build() {
	q, err := baseline.Quota{
		Name:      "team-a-quota",
		Namespace: "team-a",
		Requests:  baseline.Compute{CPU: "10", Memory: "20Gi"},
		Limits:    baseline.Compute{CPU: "20", Memory: "40Gi"},
		Pods:      baseline.Int64(50),
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range []corev1.ResourceName{"requests.cpu", "limits.memory", "pods"} {
		v := q.Spec.Hard[k]
		fmt.Println(k, v.String())
	}
	// Output:
	// requests.cpu 10
	// limits.memory 40Gi
	// pods 50
}

func ExampleLimitRange_Build() {
	_, err := baseline.LimitRange{
		Namespace:      "team-a",
		DefaultRequest: baseline.Compute{CPU: "1", Memory: "128Mi"},
		Default:        baseline.Compute{CPU: "500m", Memory: "512Mi"},
	}.Build()
	fmt.Println(err)
	// Output:
	// defaultRequest.cpu: Invalid value: "1": must not exceed the default limit 500m
}

func ExampleCheckResources() {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}}}
	for _, e := range baseline.CheckResources(spec) {
		fmt.Println(e.Field)
	}
	// Output:
	// containers[0].resources.requests[cpu]
	// containers[0].resources.limits[cpu]
	// containers[0].resources.requests[memory]
	// containers[0].resources.limits[memory]
	// containers[0].resources.requests[ephemeral-storage]
	// containers[0].resources.limits[ephemeral-storage]
}

// A LimitRange fills in a bare container; three of them still exceed the
// quota's CPU requests.
func ExampleFit_Check() {
	quota, _ := baseline.Quota{Namespace: "team-a", Requests: baseline.Compute{CPU: "1"}}.Build()
	limits, _ := baseline.LimitRange{
		Namespace:      "team-a",
		DefaultRequest: baseline.Compute{CPU: "400m", Memory: "128Mi"},
		Default:        baseline.Compute{CPU: "1", Memory: "512Mi"},
	}.Build()
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}}}
	fmt.Println(len(baseline.Fit{Quota: quota, LimitRange: limits, Pods: 2}.Check(spec)))
	fmt.Println(baseline.Fit{Quota: quota, LimitRange: limits, Pods: 3}.Check(spec).ToAggregate())
	// Output:
	// 0
	// quota.hard[requests.cpu]: Invalid value: "1200m": 3 pod(s) × 400m = 1200m exceed the requests.cpu cap 1 of quota team-a/team-a-quota
}

func ExampleDeployment_Build() {
	objs, err := baseline.Deployment{Workload: baseline.Workload{
		Name:      "web-app",
		Namespace: "production",
		Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
		Args:      []string{"netexec", "--http-port=8080"},
		Ports:     []baseline.Port{{Name: "http", Port: 8080}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"},
			Limits:   baseline.Compute{CPU: "500m", Memory: "256Mi", EphemeralStorage: "128Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz"},
		LivenessProbe:  &baseline.Probe{HTTPPath: "/healthz"},
		Autoscaled:     true,
		Service:        &baseline.Service{},
	}}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	fmt.Println("replicas set:", objs.Deployment.Spec.Replicas != nil)
	// Output:
	// ServiceAccount web-app
	// Service web-app
	// Deployment web-app
	// PodDisruptionBudget web-app
	// replicas set: false
}

func ExampleStatefulSet_Build() {
	objs, err := baseline.StatefulSet{
		Workload: baseline.Workload{
			Name:      "database",
			Namespace: "production",
			Image:     "docker.io/library/postgres:17.2-alpine",
			Ports:     []baseline.Port{{Name: "postgres", Port: 5432}},
			Resources: baseline.Resources{
				Requests: baseline.Compute{CPU: "1", Memory: "2Gi", EphemeralStorage: "1Gi"},
				Limits:   baseline.Compute{CPU: "2", Memory: "4Gi", EphemeralStorage: "2Gi"},
			},
			ReadinessProbe: &baseline.Probe{Exec: []string{"pg_isready", "-h", "127.0.0.1"}},
			LivenessProbe:  &baseline.Probe{TCP: true},
			Replicas:       3,
		},
		Volumes: []baseline.VolumeClaim{{Name: "data", MountPath: "/var/lib/postgresql/data", Size: "50Gi"}},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	// Output:
	// ServiceAccount database
	// Service database-headless
	// StatefulSet database
	// PodDisruptionBudget database
}

// A workload is checked against the namespace it goes into: here a quota
// that leaves room for two pods but not for the rolling update's surge pod.
func ExampleDeploymentObjects_CheckTarget() {
	objs, _ := baseline.Deployment{Workload: baseline.Workload{
		Name:      "backend",
		Namespace: "team-a",
		Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
		Args:      []string{"netexec", "--http-port=8080"},
		Ports:     []baseline.Port{{Name: "http", Port: 8080}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "500m", Memory: "256Mi", EphemeralStorage: "64Mi"},
			Limits:   baseline.Compute{CPU: "500m", Memory: "256Mi", EphemeralStorage: "64Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz"},
	}}.Build()
	quota, _ := baseline.Quota{Namespace: "team-a", Requests: baseline.Compute{CPU: "1"}}.Build()
	for _, e := range objs.CheckTarget(baseline.Target{Quota: quota}) {
		fmt.Println(e.Field)
	}
	// Output:
	// quota.hard[requests.cpu]
}
