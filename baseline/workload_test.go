package baseline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/security"
)

func validWorkload() Workload {
	return Workload{
		Name:      "web-app",
		Namespace: "production",
		Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
		Args:      []string{"netexec", "--http-port=8080"},
		Ports:     []Port{{Name: "http", Port: 8080}},
		Resources: Resources{
			Requests: Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"},
			Limits:   Compute{CPU: "500m", Memory: "256Mi", EphemeralStorage: "128Mi"},
		},
		ReadinessProbe: &Probe{HTTPPath: "/readyz"},
		LivenessProbe:  &Probe{HTTPPath: "/healthz", PeriodSeconds: 20},
	}
}

func TestDeploymentValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Workload)
		want   []string
	}{
		{"valid", func(*Workload) {}, nil},
		{"valid digest", func(w *Workload) {
			w.Image = "registry.k8s.io/pause@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		}, nil},
		{"valid autoscaled without cpu limit", func(w *Workload) {
			w.Autoscaled = true
			w.NoCPULimit = true
			w.Resources.Limits.CPU = ""
		}, nil},
		{"valid single replica by name", func(w *Workload) { w.Replicas = 1; w.AllowSingleReplica = true }, nil},
		{"latest", func(w *Workload) { w.Image = "nginx:latest" }, []string{"FieldValueInvalid image"}},
		{"untagged", func(w *Workload) { w.Image = "docker.io/library/nginx" }, []string{"FieldValueInvalid image"}},
		{"malformed image", func(w *Workload) { w.Image = "Nginx:1.0" }, []string{"FieldValueInvalid image"}},
		{"no image, no name", func(w *Workload) { w.Image = ""; w.Name = "" }, []string{"FieldValueRequired name", "FieldValueRequired image"}},
		{"name not a DNS-1035 label", func(w *Workload) { w.Name = "1web" }, []string{"FieldValueInvalid name"}},
		{"no readiness", func(w *Workload) { w.ReadinessProbe = nil }, []string{"FieldValueRequired readinessProbe"}},
		{"identical probes", func(w *Workload) { w.LivenessProbe = &Probe{HTTPPath: "/readyz"} }, []string{"FieldValueInvalid livenessProbe"}},
		{"probe problems", func(w *Workload) {
			w.ReadinessProbe = &Probe{HTTPPath: "healthz", TCP: true, Port: intstr.FromString("metrics")}
			w.LivenessProbe = &Probe{Exec: []string{"true"}, Port: intstr.FromInt32(80), PeriodSeconds: -1}
		}, []string{
			"FieldValueInvalid readinessProbe.httpPath",
			"FieldValueInvalid readinessProbe",
			"FieldValueNotFound readinessProbe.port",
			"FieldValueForbidden livenessProbe.port",
			"FieldValueInvalid livenessProbe.periodSeconds",
		}},
		{"resources missing", func(w *Workload) { w.Resources = Resources{Requests: Compute{CPU: "0"}} }, []string{
			"FieldValueInvalid resources.requests.cpu",
			"FieldValueRequired resources.limits.cpu",
			"FieldValueRequired resources.requests.memory",
			"FieldValueRequired resources.limits.memory",
			"FieldValueRequired resources.requests.ephemeral-storage",
			"FieldValueRequired resources.limits.ephemeral-storage",
		}},
		{"limit below request", func(w *Workload) { w.Resources.Limits.Memory = "64Mi" }, []string{"FieldValueInvalid resources.limits.memory"}},
		{"cpu limit with NoCPULimit", func(w *Workload) { w.NoCPULimit = true }, []string{"FieldValueForbidden resources.limits.cpu"}},
		{"replicas", func(w *Workload) { w.Replicas = 1 }, []string{"FieldValueInvalid replicas"}},
		{"replicas with autoscaler", func(w *Workload) { w.Replicas = 3; w.Autoscaled = true }, []string{"FieldValueForbidden replicas"}},
		{"ports and env", func(w *Workload) {
			w.Ports = append(w.Ports, Port{Name: "http", Port: 0, Protocol: "HTTP"})
			w.Env = []EnvVar{{Name: "A", Value: "1"}, {Name: "A", Value: "x", SecretName: "s", SecretKey: "k"}, {Name: "1B"}}
		}, []string{
			"FieldValueDuplicate ports[1].name",
			"FieldValueInvalid ports[1].port",
			"FieldValueNotSupported ports[1].protocol",
			"FieldValueDuplicate env[1].name",
			"FieldValueInvalid env[1].value",
			"FieldValueInvalid env[2].name",
		}},
		{"labels and writable paths", func(w *Workload) {
			w.Labels = map[string]string{LabelName: "other", "team": "a"}
			w.WritablePaths = []string{"/tmp", "tmp", "/tmp"}
		}, []string{
			"FieldValueForbidden labels[app.kubernetes.io/name]",
			"FieldValueInvalid writablePaths[1]",
			"FieldValueDuplicate writablePaths[2]",
		}},
		{"root user", func(w *Workload) { w.Security.RunAsUser = new(int64) }, []string{"FieldValueInvalid security.runAsUser"}},
		{"service without ports", func(w *Workload) {
			w.Service = &Service{Type: "ExternalName"}
			w.Ports = nil
			w.ReadinessProbe = &Probe{Exec: []string{"cat", "/tmp/ready"}}
			w.LivenessProbe = nil
		}, []string{"FieldValueNotSupported service.type", "FieldValueRequired ports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validWorkload()
			tt.mutate(&w)
			d := Deployment{Workload: w}
			got := errPaths(d.Validate())
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("paths (-want +got):\n%s\n%v", diff, d.Validate())
			}
			objs, err := d.Build()
			if (err == nil) != (len(tt.want) == 0) || (objs == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v", objs, err)
			}
			if err != nil {
				if diff := cmp.Diff(tt.want, errPaths(fieldErrors(t, err)), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("Build error paths (-want +got):\n%s", diff)
				}
				return
			}
			checkDeployment(t, d, objs)
		})
	}
}

// checkDeployment holds built objects to the production promises.
func checkDeployment(t *testing.T, d Deployment, o *DeploymentObjects) {
	t.Helper()
	dep := o.Deployment
	tmpl := dep.Spec.Template
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		t.Errorf("template fails restricted: %v", errs)
	}
	if errs := (ResourcePolicy{NoCPULimit: d.NoCPULimit}).Check(&tmpl.Spec); len(errs) > 0 {
		t.Errorf("template resources: %v", errs)
	}
	if diff := cmp.Diff(dep.Spec.Selector.MatchLabels, tmpl.Labels); diff != "" {
		t.Errorf("selector differs from template labels:\n%s", diff)
	}
	sel, err := metav1.LabelSelectorAsSelector(o.PodDisruptionBudget.Spec.Selector)
	if err != nil || !sel.Matches(labelSet(tmpl.Labels)) {
		t.Errorf("PDB selector %v does not match the pods (%v)", sel, err)
	}
	if d.Autoscaled != (dep.Spec.Replicas == nil) {
		t.Errorf("replicas %v with Autoscaled=%v", dep.Spec.Replicas, d.Autoscaled)
	}
	if !d.Autoscaled && *dep.Spec.Replicas < 2 && !d.AllowSingleReplica {
		t.Errorf("replicas %d", *dep.Spec.Replicas)
	}
	if ru := dep.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable.IntValue() != 0 {
		t.Errorf("rolling update %+v", ru)
	}
	if sa := o.ServiceAccount; sa.Name != tmpl.Spec.ServiceAccountName || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
		t.Errorf("service account %+v", sa)
	}
	keys := map[string]bool{}
	for _, c := range tmpl.Spec.TopologySpreadConstraints {
		keys[c.TopologyKey] = true
	}
	if !keys[corev1.LabelTopologyZone] || !keys[corev1.LabelHostname] {
		t.Errorf("spread %v", keys)
	}
	for _, obj := range o.Objects() {
		if obj.GetObjectKind().GroupVersionKind().Kind == "" || obj.GetNamespace() != d.Namespace {
			t.Errorf("object %T without kind or namespace", obj)
		}
	}
	b, err := yaml.Marshal(dep)
	if err != nil {
		t.Fatal(err)
	}
	back := &appsv1.Deployment{}
	if err := yaml.UnmarshalStrict(b, back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dep, back); diff != "" {
		t.Errorf("YAML round trip differs:\n%s", diff)
	}
}

type labelSet map[string]string

func (l labelSet) Has(k string) bool              { _, ok := l[k]; return ok }
func (l labelSet) Get(k string) string            { return l[k] }
func (l labelSet) Lookup(k string) (string, bool) { v, ok := l[k]; return v, ok }

func TestDeploymentObjects(t *testing.T) {
	w := validWorkload()
	w.Service = &Service{}
	w.PriorityClassName = "high"
	w.Env = []EnvVar{{Name: "PASSWORD", SecretName: "creds", SecretKey: "password"}}
	o, err := Deployment{Workload: w}.Build()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, obj := range o.Objects() {
		kinds = append(kinds, obj.GetObjectKind().GroupVersionKind().Kind)
	}
	if diff := cmp.Diff([]string{"ServiceAccount", "Service", "Deployment", "PodDisruptionBudget"}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	c := o.Deployment.Spec.Template.Spec.Containers[0]
	if c.Env[0].Value != "" || c.Env[0].ValueFrom.SecretKeyRef.Name != "creds" {
		t.Errorf("secret inlined: %+v", c.Env[0])
	}
	if c.ReadinessProbe.HTTPGet.Port != intstr.FromString("http") || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Errorf("probes %+v %+v", c.ReadinessProbe, c.LivenessProbe)
	}
	if o.Deployment.Spec.Template.Spec.PriorityClassName != "high" {
		t.Error("priority class not set")
	}
	if p := o.Service.Spec.Ports; len(p) != 1 || p[0].TargetPort != intstr.FromString("http") || o.Service.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("service %+v", o.Service.Spec)
	}
	if *o.Deployment.Spec.Replicas != DefaultReplicas {
		t.Errorf("replicas %d", *o.Deployment.Spec.Replicas)
	}
	if o.PodDisruptionBudget.Spec.MaxUnavailable.IntValue() != 1 {
		t.Errorf("pdb %+v", o.PodDisruptionBudget.Spec)
	}
	// Building twice gives equal objects (no shared or random state).
	o2, _ := Deployment{Workload: w}.Build()
	if diff := cmp.Diff(o, o2); diff != "" {
		t.Errorf("second build differs:\n%s", diff)
	}
}

func TestStatefulSet(t *testing.T) {
	w := validWorkload()
	w.Name = "database"
	w.Ports = []Port{{Name: "postgres", Port: 5432}}
	w.ReadinessProbe = &Probe{Exec: []string{"pg_isready"}}
	w.LivenessProbe = &Probe{TCP: true}
	s := StatefulSet{Workload: w, Volumes: []VolumeClaim{{Name: "data", MountPath: "/var/lib/postgresql/data", Size: "10Gi", StorageClassName: "fast"}}}
	o, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	sts := o.StatefulSet
	if sts.Spec.ServiceName != "database-headless" || o.HeadlessService.Name != "database-headless" || o.HeadlessService.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("headless %+v / %q", o.HeadlessService.Spec, sts.Spec.ServiceName)
	}
	if len(sts.Spec.VolumeClaimTemplates) != 1 || *sts.Spec.VolumeClaimTemplates[0].Spec.StorageClassName != "fast" {
		t.Errorf("claims %+v", sts.Spec.VolumeClaimTemplates)
	}
	tmpl := sts.Spec.Template
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		t.Errorf("restricted: %v", errs)
	}
	if got := tmpl.Spec.Containers[0].LivenessProbe.TCPSocket.Port; got != intstr.FromString("postgres") {
		t.Errorf("liveness port %v", got)
	}
	if o.Service != nil {
		t.Error("unexpected Service")
	}

	tests := []struct {
		name   string
		mutate func(*StatefulSet)
		want   []string
	}{
		{"volume problems", func(s *StatefulSet) {
			s.Volumes = append(s.Volumes,
				VolumeClaim{Name: "data", MountPath: "/tmp", Size: "0"},
				VolumeClaim{Name: "writable-x", MountPath: "rel", Size: "big", StorageClassName: "Fast"})
		}, []string{
			"FieldValueDuplicate volumes[1].name",
			"FieldValueDuplicate volumes[1].mountPath",
			"FieldValueInvalid volumes[1].size",
			"FieldValueInvalid volumes[2].name",
			"FieldValueInvalid volumes[2].mountPath",
			"FieldValueInvalid volumes[2].size",
			"FieldValueInvalid volumes[2].storageClassName",
		}},
		{"name too long", func(s *StatefulSet) { s.Name = "a23456789012345678901234567890123456789012345678901234" }, []string{"FieldValueTooLong name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s2 := s
			s2.Volumes = append([]VolumeClaim(nil), s.Volumes...)
			tt.mutate(&s2)
			if diff := cmp.Diff(tt.want, errPaths(s2.Validate())); diff != "" {
				t.Errorf("paths (-want +got):\n%s\n%v", diff, s2.Validate())
			}
			if o, err := s2.Build(); err == nil || o != nil {
				t.Errorf("Build() = %v, %v", o, err)
			}
		})
	}
}
