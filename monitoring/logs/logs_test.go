package logs

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/security"
)

func valid() Shipper {
	return Shipper{
		PodSecurityLevel: security.LevelPrivileged,
		Exporter:         Exporter{Endpoint: "otel-gateway.observability.svc:4317"},
		Buffer:           Buffer{Size: "2Gi"},
	}
}

func paths(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Shipper)
		want []string
	}{
		{"valid", func(*Shipper) {}, nil},
		{"no buffer", func(s *Shipper) { s.Buffer = Buffer{} }, []string{"buffer.size"}},
		{"buffer too small", func(s *Shipper) { s.Buffer.Size = "1Ki" }, []string{"buffer.size"}},
		{"buffer not a quantity", func(s *Shipper) { s.Buffer.Size = "lots" }, []string{"buffer.size"}},
		{"buffer inside pod logs", func(s *Shipper) { s.Buffer.Directory = "/var/log/pods/buf" }, []string{"buffer.directory"}},
		{"buffer relative", func(s *Shipper) { s.Buffer.Directory = "buf" }, []string{"buffer.directory"}},
		{"restricted namespace", func(s *Shipper) { s.PodSecurityLevel = security.LevelRestricted }, []string{"podSecurityLevel"}},
		{"baseline namespace", func(s *Shipper) { s.PodSecurityLevel = security.LevelBaseline }, []string{"podSecurityLevel"}},
		{"level unstated", func(s *Shipper) { s.PodSecurityLevel = "" }, []string{"podSecurityLevel"}},
		{"no endpoint", func(s *Shipper) { s.Exporter.Endpoint = "" }, []string{"exporter.endpoint"}},
		{"grpc endpoint without port", func(s *Shipper) { s.Exporter.Endpoint = "gateway" }, []string{"exporter.endpoint"}},
		{"http endpoint", func(s *Shipper) { s.Exporter = Exporter{Protocol: HTTP, Endpoint: "https://otlp.example.com:4318"} }, nil},
		{"http plaintext without opt-out", func(s *Shipper) { s.Exporter = Exporter{Protocol: HTTP, Endpoint: "http://gw:4318"} }, []string{"exporter.endpoint"}},
		{"http plaintext with opt-out", func(s *Shipper) { s.Exporter = Exporter{Protocol: HTTP, Endpoint: "http://gw:4318", Insecure: true} }, nil},
		{"http with credentials", func(s *Shipper) { s.Exporter = Exporter{Protocol: HTTP, Endpoint: "https://u:p@gw:4318"} }, []string{"exporter.endpoint"}},
		{"unknown protocol", func(s *Shipper) { s.Exporter.Protocol = "udp" }, []string{"exporter.protocol"}},
		{"CA in plaintext", func(s *Shipper) { s.Exporter.Insecure = true; s.Exporter.CASecret = "ca" }, []string{"exporter.caSecret"}},
		{"bad authorization secret", func(s *Shipper) { s.Exporter.Authorization = &SecretKey{Name: "Bad", Key: "a/b"} }, []string{"exporter.authorization.key", "exporter.authorization.name"}},
		{"bad image", func(s *Shipper) { s.Image = "otel/opentelemetry-collector-contrib" }, []string{"image"}},
		{"no memory limit", func(s *Shipper) { s.Resources.Requests.Memory = "1Gi" }, []string{"resources.limits.memory"}},
		{"bad name", func(s *Shipper) { s.Name = "Shipper" }, []string{"name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.edit(&s)
			got := paths(s.Validate())
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("paths %v, want %v\n%v", got, tc.want, s.Validate())
			}
			res, err := s.Build()
			if (res == nil) == (err == nil) || (err == nil) != (len(tc.want) == 0) {
				t.Fatalf("Build() = %v, %v", res, err)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	s := valid()
	s.Exporter.CASecret = "gateway-ca"
	s.Exporter.Authorization = &SecretKey{Name: "gateway-token", Key: "header"}
	res, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &res.DaemonSet.Spec.Template
	c := tmpl.Spec.Containers[0]
	if c.ImagePullPolicy != corev1.PullAlways || c.Image != DefaultImage {
		t.Errorf("image %s %s", c.Image, c.ImagePullPolicy)
	}
	if errs := baseline.CheckResources(&tmpl.Spec); len(errs) > 0 {
		t.Error(errs)
	}
	// Against "restricted", the only findings are what PodSecurityLevel
	// documents: hostPath volumes and running as user 0.
	for _, e := range security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec) {
		if !strings.Contains(e.Field, "volumes") && !strings.Contains(e.Field, "runAs") {
			t.Errorf("unexpected restricted finding %v", e)
		}
	}
	if len(security.CheckPodSpec(security.LevelBaseline, &tmpl.ObjectMeta, &tmpl.Spec)) == 0 {
		t.Error("baseline should refuse the hostPath volumes")
	}
	if sc := c.SecurityContext; *sc.AllowPrivilegeEscalation || !*sc.ReadOnlyRootFilesystem || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) != 0 {
		t.Errorf("container security context %+v", sc)
	}
	var hostPaths []string
	for _, v := range tmpl.Spec.Volumes {
		if v.HostPath != nil {
			hostPaths = append(hostPaths, v.HostPath.Path)
		}
	}
	if !reflect.DeepEqual(hostPaths, []string{"/var/log/pods", "/var/lib/prodkube/logging_log-shipper"}) {
		t.Errorf("hostPaths %v", hostPaths)
	}
	for _, m := range c.VolumeMounts {
		if m.MountPath == PodLogs && !m.ReadOnly {
			t.Error("pod logs must be mounted read-only")
		}
	}
	for _, e := range c.Env {
		if e.Name == "OTLP_AUTHORIZATION" && (e.Value != "" || e.ValueFrom.SecretKeyRef.Name != "gateway-token") {
			t.Errorf("authorization env %+v", e)
		}
	}
	if got := res.ClusterRole.Rules; len(got) != 2 || !reflect.DeepEqual(got[0].Resources, []string{"namespaces", "pods"}) || !reflect.DeepEqual(got[1].Resources, []string{"replicasets"}) {
		t.Errorf("rules %+v", got)
	}
	for _, r := range res.ClusterRole.Rules {
		if !reflect.DeepEqual(r.Verbs, []string{"get", "list", "watch"}) {
			t.Errorf("verbs %v", r.Verbs)
		}
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(res.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	exp := cfg["exporters"].(map[string]any)["otlp"].(map[string]any)
	q := exp["sending_queue"].(map[string]any)
	if q["storage"] != "file_storage/buffer" || q["queue_size"] != float64(2<<30) || q["block_on_overflow"] != true {
		t.Errorf("sending_queue %v", q)
	}
	if tls := exp["tls"].(map[string]any); tls["insecure"] != false || tls["ca_file"] != "/etc/otelcol-tls/ca.crt" {
		t.Errorf("tls %v", tls)
	}
	if res.ConfigMap.Data[ConfigKey] != string(res.Config) || string(res.Files()[0].Content) != string(res.Config) || res.Files()[0].Path != "logs/log-shipper.yaml" {
		t.Error("ConfigMap, Config and Files disagree")
	}
	if strings.Contains(string(res.Config), "gateway-token") {
		t.Error("the configuration names the secret's value source; it must read it from the environment")
	}
}
