package main

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/nodepool"
)

func init() { register(20, "baseline", addBaseline) }

// exampleHA is the example cluster: Kubernetes v1.37.2, three control plane
// nodes in three zones behind kube-api.example.com:6443, and an external
// etcd cluster of three members reached over TLS. Later parts (node pools,
// upgrades, etcd backups) build on it.
func exampleHA() baseline.HA {
	return baseline.HA{
		KubernetesVersion: "v1.37.2",
		Endpoint:          baseline.Endpoint{Host: "kube-api.example.com", Port: 6443},
		ControlPlaneNodes: []baseline.ControlPlaneNode{
			{Name: "cp-1", Address: "10.0.1.10", Zone: "eu-west-1a"},
			{Name: "cp-2", Address: "10.0.2.10", Zone: "eu-west-1b"},
			{Name: "cp-3", Address: "10.0.3.10", Zone: "eu-west-1c"},
		},
		Etcd: baseline.Etcd{External: &baseline.ExternalEtcd{Endpoints: []string{
			"https://10.0.1.20:2379",
			"https://10.0.2.20:2379",
			"https://10.0.3.20:2379",
		}}},
		Networking: baseline.Networking{PodSubnet: "10.244.0.0/16", ServiceSubnet: "10.96.0.0/12"},
	}
}

// exampleWorkloads are the production namespace's workloads: a web front
// end, the backend it calls and the backend's PostgreSQL database. The
// labels match the network policy that lets only the backend reach the
// database on TCP 5432.
func exampleWorkloads() (webApp, backend baseline.Deployment, database baseline.StatefulSet) {
	webApp = baseline.Deployment{Workload: baseline.Workload{
		Name:      "web-app",
		Namespace: "production",
		Image:     "docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine3.21",
		Ports:     []baseline.Port{{Name: "http", Port: 8080}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "250m", Memory: "256Mi", EphemeralStorage: "256Mi"},
			Limits:   baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "512Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/", PeriodSeconds: 5},
		LivenessProbe:  &baseline.Probe{TCP: true, PeriodSeconds: 20, FailureThreshold: 3},
		// The scaling part's HorizontalPodAutoscaler owns the replica count.
		Autoscaled: true,
		Service:    &baseline.Service{},
	}}
	backend = baseline.Deployment{Workload: baseline.Workload{
		Name:      "backend",
		Namespace: "production",
		Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
		Args:      []string{"netexec", "--http-port=8080"},
		Ports:     []baseline.Port{{Name: "http", Port: 8080}},
		Env: []baseline.EnvVar{
			{Name: "DATABASE_HOST", Value: "database-headless.production.svc"},
			{Name: "DATABASE_PORT", Value: "5432"},
			{Name: "DATABASE_PASSWORD", SecretName: "database-credentials", SecretKey: "password"},
		},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "256Mi"},
			Limits:   baseline.Compute{CPU: "1", Memory: "1Gi", EphemeralStorage: "512Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz", PeriodSeconds: 5},
		LivenessProbe:  &baseline.Probe{HTTPPath: "/healthz", PeriodSeconds: 20},
		Service:        &baseline.Service{},
	}}
	database = baseline.StatefulSet{
		Workload: baseline.Workload{
			Name:      "database",
			Namespace: "production",
			Image:     "docker.io/library/postgres:17.2-alpine",
			Ports:     []baseline.Port{{Name: "postgres", Port: 5432}},
			Env: []baseline.EnvVar{
				{Name: "PGDATA", Value: "/var/lib/postgresql/data/pgdata"},
				{Name: "POSTGRES_PASSWORD", SecretName: "database-credentials", SecretKey: "password"},
			},
			Resources: baseline.Resources{
				Requests: baseline.Compute{CPU: "1", Memory: "2Gi", EphemeralStorage: "1Gi"},
				Limits:   baseline.Compute{CPU: "2", Memory: "4Gi", EphemeralStorage: "2Gi"},
			},
			ReadinessProbe: &baseline.Probe{Exec: []string{"pg_isready", "-h", "127.0.0.1", "-p", "5432"}, PeriodSeconds: 10},
			LivenessProbe:  &baseline.Probe{TCP: true, Port: intstr.FromString("postgres"), PeriodSeconds: 30},
			Replicas:       3,
			WritablePaths:  []string{"/tmp", "/var/run/postgresql"},
		},
		Volumes: []baseline.VolumeClaim{{Name: "data", MountPath: "/var/lib/postgresql/data", Size: "50Gi"}},
	}
	return webApp, backend, database
}

// addBaseline adds the kubeadm configuration of the HA control plane, the
// team-a quota and limit range, and the production workloads.
func addBaseline(out *output) error {
	ha := exampleHA()
	gpu, spot, pci := examplePools()
	for _, p := range []nodepool.Pool{gpu, spot, pci} {
		tmpl, err := p.Build()
		if err != nil {
			return fmt.Errorf("pool %s: %w", p.Name, err)
		}
		if reg := tmpl.Registration; reg != nil {
			ha.Workers = append(ha.Workers, baseline.WorkerJoin{Name: tmpl.Pool, Taints: reg.Taints, NodeLabels: reg.NodeLabels})
		}
	}
	cp, err := ha.Build()
	if err != nil {
		return fmt.Errorf("HA control plane: %w", err)
	}
	for _, f := range cp.Files() {
		out.file(f.Path, f.Content)
	}

	quota, err := baseline.Quota{
		Name:                   "team-a-quota",
		Namespace:              "team-a",
		Requests:               baseline.Compute{CPU: "10", Memory: "20Gi"},
		Limits:                 baseline.Compute{CPU: "20", Memory: "40Gi"},
		PersistentVolumeClaims: baseline.Int64(10),
		Services:               baseline.Int64(20),
		LoadBalancers:          baseline.Int64(2),
		Pods:                   baseline.Int64(50),
	}.Build()
	if err != nil {
		return fmt.Errorf("team-a quota: %w", err)
	}
	limits, err := baseline.LimitRange{
		Name:           "team-a-limits",
		Namespace:      "team-a",
		DefaultRequest: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "128Mi"},
		Default:        baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "1Gi"},
		Min:            baseline.Compute{CPU: "10m", Memory: "16Mi"},
		Max:            baseline.Compute{CPU: "4", Memory: "8Gi", EphemeralStorage: "10Gi"},
	}.Build()
	if err != nil {
		return fmt.Errorf("team-a limit range: %w", err)
	}
	out.add(quota, limits)

	// The workloads must be admissible where they go: the production
	// namespace (added by the security part) enforces Pod Security.
	ns, ok := out.find("Namespace", "", "production").(*corev1.Namespace)
	if !ok || ns == nil {
		return fmt.Errorf("namespace production: not added by an earlier part")
	}
	target := baseline.Target{Namespace: ns}
	webApp, backend, database := exampleWorkloads()
	for _, d := range []baseline.Deployment{webApp, backend} {
		objs, err := d.Build()
		if err != nil {
			return fmt.Errorf("deployment %s: %w", d.Name, err)
		}
		if errs := objs.CheckTarget(target); len(errs) > 0 {
			return fmt.Errorf("deployment %s: %w", d.Name, errs.ToAggregate())
		}
		out.add(objs.Objects()...)
	}
	db, err := database.Build()
	if err != nil {
		return fmt.Errorf("statefulset %s: %w", database.Name, err)
	}
	if errs := db.CheckTarget(target); len(errs) > 0 {
		return fmt.Errorf("statefulset %s: %w", database.Name, errs.ToAggregate())
	}
	out.add(db.Objects()...)
	return nil
}
