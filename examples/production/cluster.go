package main

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/cluster"
	"github.com/prodkube/prodkube/monitoring"
	"github.com/prodkube/prodkube/nodepool"
	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/security"
	"github.com/prodkube/prodkube/upgrade"
	"github.com/prodkube/prodkube/version"
)

// zones are the three zones of the cluster.
var zones = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}

// production is the whole cluster: Kubernetes v1.37.2 on kubeadm with an
// external etcd, a general pool resized by the cluster-autoscaler, GPU,
// spot and PCI-DSS pools, the production, payments and team-a namespaces,
// Prometheus, Velero, and the upgrade from v1.35.4.
func production() cluster.Cluster {
	return cluster.Cluster{
		ControlPlane: baseline.HA{
			KubernetesVersion: "v1.37.2",
			Endpoint:          baseline.Endpoint{Host: "kube-api.example.com", Port: 6443},
			ControlPlaneNodes: []baseline.ControlPlaneNode{
				{Name: "cp-1", Address: "10.0.1.10", Zone: zones[0]},
				{Name: "cp-2", Address: "10.0.2.10", Zone: zones[1]},
				{Name: "cp-3", Address: "10.0.3.10", Zone: zones[2]},
			},
			Etcd: baseline.Etcd{External: &baseline.ExternalEtcd{Endpoints: []string{
				"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379",
			}}},
			Networking: baseline.Networking{PodSubnet: "10.244.0.0/16", ServiceSubnet: "10.96.0.0/12"},
		},
		Pools: []cluster.Pool{
			// Shared capacity, upgraded in place one node at a time: two at
			// once would empty a zone.
			{Pool: nodepool.Pool{Name: "general"}, Zones: zones, NodesPerZone: 2,
				Autoscale: &cluster.NodeGroup{Name: "production-general", Min: 3, Max: 12}},
			// GPU machines are scarce: one at a time.
			{Pool: nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}, Zones: zones[:2], NodesPerZone: 1},
			// Spot capacity from the provider's managed node pools, which
			// that provider resizes itself.
			{Pool: nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}, Zones: zones, NodesPerZone: 1},
			// Audited machines are replaced by new ones from a hardened image
			// rather than changed in place.
			{Pool: nodepool.Pool{Name: "pci", Purpose: nodepool.PurposeCompliance, Compliance: nodepool.RegimePCIDSS}, Zones: zones, NodesPerZone: 1,
				Upgrade: cluster.PoolUpgrade{Strategy: upgrade.Surge}},
		},
		Namespaces: []cluster.Namespace{
			{Name: "production", Workloads: productionWorkloads(),
				// The deploy pipeline may manage Deployments here and nothing else.
				ServiceAccounts: []security.ServiceAccount{{Name: "deployer"}},
				Roles:           []security.Role{security.DeploymentManager("production")},
				RoleBindings: []security.RoleBinding{{Name: "deployment-manager", RoleName: "deployment-manager",
					Subjects: []security.ServiceAccountRef{{Name: "deployer", Namespace: "production"}}}}},
			// The cardholder-data workload keeps the PCI-DSS scope in a
			// namespace of its own, reached only by the backend.
			{Name: "payments", Workloads: []cluster.Workload{{
				Deployment: &baseline.Deployment{Workload: agnhost("payments", 3, "500m", "512Mi", &baseline.Service{})},
				Pool:       "pci",
			}}},
			{Name: "team-a",
				Quota: &baseline.Quota{
					Requests: baseline.Compute{CPU: "10", Memory: "20Gi"}, Limits: baseline.Compute{CPU: "20", Memory: "40Gi"},
					PersistentVolumeClaims: baseline.Int64(10), Services: baseline.Int64(20), LoadBalancers: baseline.Int64(2), Pods: baseline.Int64(50),
				},
				LimitRange: &baseline.LimitRange{
					DefaultRequest: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "128Mi"},
					Default:        baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "1Gi"},
					Min:            baseline.Compute{CPU: "10m", Memory: "16Mi"},
					Max:            baseline.Compute{CPU: "4", Memory: "8Gi", EphemeralStorage: "10Gi"},
				}},
		},
		Autoscaler: &scaling.ClusterAutoscaler{
			CloudProvider: scaling.CloudProviderAWS,
			// No release for v1.37 is in the package's table of verified
			// ones yet: pin it, matching the cluster's minor.
			Release:                  version.MustParse("v1.37.0"),
			BalanceSimilarNodeGroups: true,
			Env:                      []corev1.EnvVar{{Name: "AWS_REGION", Value: "eu-west-1"}},
		},
		Monitoring: &monitoring.Prometheus{
			Scrape: monitoring.Scrape{ExternalLabels: map[string]string{"cluster": "production"}},
			Alerts: monitoring.Alerts{RunbookBaseURL: "https://runbooks.example.com/kubernetes"},
		},
		// Critical alerts page the on-call engineer, the platform team's
		// warnings go to Slack, everything else by e-mail; the credentials
		// are Secrets the operators create.
		Alertmanager: &monitoring.Alertmanager{
			Receivers: []monitoring.Receiver{
				{Name: "oncall-pager", PagerDuty: &monitoring.PagerDuty{RoutingKey: monitoring.SecretKeyRef{Secret: "alertmanager-pagerduty", Key: "routing-key"}}},
				{Name: "platform-slack", Slack: &monitoring.Slack{APIURL: monitoring.SecretKeyRef{Secret: "alertmanager-slack", Key: "webhook-url"}, Channel: "#platform-alerts"}},
				{Name: "ops-email", Email: &monitoring.Email{To: "ops@example.com", From: "alertmanager@example.com", Smarthost: "smtp.example.com:587",
					Username: "alertmanager", PasswordSecret: monitoring.SecretKeyRef{Secret: "alertmanager-smtp", Key: "password"}}},
			},
			Routing: monitoring.Routing{DefaultReceiver: "ops-email", Routes: []monitoring.Route{
				{Severity: monitoring.SeverityCritical, Receiver: "oncall-pager", RepeatInterval: time.Hour},
				{Severity: monitoring.SeverityWarning, Team: "platform", Receiver: "platform-slack"},
			}},
		},
		NodeExporter:     &monitoring.NodeExporter{},
		KubeStateMetrics: &monitoring.KubeStateMetrics{},
		Backup: &backup.Velero{
			Install: backup.Install{
				VeleroVersion: "v1.18.3", Provider: backup.ProviderAWS, PluginVersion: "v1.14.3",
				Bucket: "prodkube-velero-backups", Prefix: "production-cluster",
				BackupLocationConfig:   map[string]string{"region": "eu-west-1"},
				SnapshotLocationConfig: map[string]string{"region": "eu-west-1"},
				SecretFile:             "./credentials-velero", UseNodeAgent: true,
			},
			Schedules: []backup.Schedule{
				{Name: "production-daily", Cron: "0 1 * * *", BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production", "payments"}, TTL: 30 * 24 * time.Hour}},
				{Name: "production-weekly", Cron: "0 3 * * 0", BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production", "payments"}, TTL: 90 * 24 * time.Hour}},
			},
			Backups: []backup.Backup{{Name: "production-initial", Wait: true, BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production", "payments"}}}},
		},
		RestoreDrill: &backup.RestoreDrill{Namespace: "production", FromSchedule: "production-daily"},
		Upgrade:      &cluster.Upgrade{From: "v1.35.4", Target: "v1.37.2", Releases: []string{"v1.36.5"}},
		Platform:     cluster.Platform{MetricsAPI: true}, // metrics-server runs as a platform add-on
	}
}

// productionWorkloads: the public web front end, the backend it calls, the
// backend's PostgreSQL, batch work on spot nodes and a GPU service.
func productionWorkloads() []cluster.Workload {
	http := []intstr.IntOrString{intstr.FromString("http")}
	web := baseline.Workload{
		Name:  "web-app",
		Image: "docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine3.21",
		Ports: []baseline.Port{{Name: "http", Port: 8080}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "250m", Memory: "256Mi", EphemeralStorage: "256Mi"},
			Limits:   baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "512Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/", PeriodSeconds: 5},
		LivenessProbe:  &baseline.Probe{TCP: true, PeriodSeconds: 20, FailureThreshold: 3},
		Service:        &baseline.Service{},
	}
	backend := agnhost("backend", 0, "500m", "512Mi", &baseline.Service{})
	backend.Env = []baseline.EnvVar{
		{Name: "DATABASE_HOST", Value: "database-headless.production.svc"},
		{Name: "DATABASE_PORT", Value: "5432"},
		{Name: "DATABASE_PASSWORD", SecretName: "database-credentials", SecretKey: "password"},
	}
	database := baseline.StatefulSet{
		Workload: baseline.Workload{
			Name:  "database",
			Image: "docker.io/library/postgres:17.2-alpine",
			Ports: []baseline.Port{{Name: "postgres", Port: 5432}},
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
	// GKE-style spot reclaim notices are short: the batch pods stop within 15 s.
	batch := agnhost("batch-processor", 3, "500m", "512Mi", nil)
	batch.TerminationGracePeriod = 15 * time.Second
	gpu := baseline.Workload{
		Name:    "gpu-application",
		Image:   "nvcr.io/nvidia/cuda:12.6.3-base-ubuntu24.04",
		Command: []string{"sleep", "infinity"},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "1", Memory: "4Gi", EphemeralStorage: "1Gi"},
			Limits:   baseline.Compute{CPU: "2", Memory: "8Gi", EphemeralStorage: "2Gi"},
		},
		ReadinessProbe: &baseline.Probe{Exec: []string{"nvidia-smi"}, PeriodSeconds: 30, TimeoutSeconds: 10},
	}
	return []cluster.Workload{
		{Deployment: &baseline.Deployment{Workload: web},
			Accepts:   []cluster.Accept{{CIDR: "0.0.0.0/0", Ports: http}}, // the public load balancer
			Calls:     []cluster.Call{{Workload: "backend", Ports: http}},
			Autoscale: &cluster.Autoscale{MinReplicas: 3, MaxReplicas: 10, CPUUtilization: 75, MemoryUtilization: 80}},
		{Deployment: &baseline.Deployment{Workload: backend},
			Calls: []cluster.Call{
				{Workload: "database", Ports: []intstr.IntOrString{intstr.FromString("postgres")}},
				{Namespace: "payments", Workload: "payments", Ports: http},
			}},
		{StatefulSet: &database},
		{Deployment: &baseline.Deployment{Workload: batch}, Pool: "spot"},
		{Deployment: &baseline.Deployment{Workload: gpu}, Pool: "gpu", GPUs: 1},
	}
}

// agnhost is a small HTTP service on port 8080 with health endpoints.
func agnhost(name string, replicas int32, cpu, memory string, svc *baseline.Service) baseline.Workload {
	return baseline.Workload{
		Name:  name,
		Image: "registry.k8s.io/e2e-test-images/agnhost:2.55",
		Args:  []string{"netexec", "--http-port=8080"},
		Ports: []baseline.Port{{Name: "http", Port: 8080}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: cpu, Memory: memory, EphemeralStorage: "256Mi"},
			Limits:   baseline.Compute{CPU: "1", Memory: "1Gi", EphemeralStorage: "512Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz", PeriodSeconds: 5},
		LivenessProbe:  &baseline.Probe{HTTPPath: "/healthz", PeriodSeconds: 20},
		Replicas:       replicas,
		Service:        svc,
	}
}
