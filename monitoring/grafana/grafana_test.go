package grafana

import (
	"encoding/json"
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

func valid() Grafana {
	return Grafana{AdminPassword: SecretKey{Name: "grafana-admin"}}
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
		edit func(*Grafana)
		want []string
	}{
		{"default", func(*Grafana) {}, nil},
		{"no admin secret", func(g *Grafana) { g.AdminPassword = SecretKey{} }, []string{"adminPassword.name"}},
		{"bad admin key", func(g *Grafana) { g.AdminPassword.Key = "a/b" }, []string{"adminPassword.key"}},
		{"two replicas without database", func(g *Grafana) { g.Replicas = 2 }, []string{"replicas"}},
		{"two replicas with database", func(g *Grafana) { g.Replicas = 2; g.Database = &SecretKey{Name: "db", Key: "url"} }, nil},
		{"database without key", func(g *Grafana) { g.Database = &SecretKey{Name: "db"} }, []string{"database.key"}},
		{"url with credentials", func(g *Grafana) { g.PrometheusURL = "http://u:p@prom:9090" }, []string{"prometheusURL"}},
		{"url not http", func(g *Grafana) { g.PrometheusURL = "ftp://prom" }, []string{"prometheusURL"}},
		{"url with query", func(g *Grafana) { g.PrometheusURL = "http://prom:9090/?x=1" }, []string{"prometheusURL"}},
		{"bad name", func(g *Grafana) { g.Name = "Grafana" }, []string{"name"}},
		{"bad image", func(g *Grafana) { g.Image = "grafana/grafana:latest" }, []string{"image"}},
		{"limit below request", func(g *Grafana) { g.Resources.Limits.Memory = "128Mi" }, []string{"resources.limits.memory"}},
		{"bad priority class", func(g *Grafana) { g.PriorityClassName = "Not Valid" }, []string{"priorityClassName"}},
		{"empty client", func(g *Grafana) { g.Clients = []Client{{}} }, []string{"clients[0].podLabels"}},
		{"bad client namespace", func(g *Grafana) { g.Clients = []Client{{Namespace: "Ingress"}} }, []string{"clients[0].namespace"}},
		{"bad metric", func(g *Grafana) { g.Application.RequestsTotal = "http-requests" }, []string{"application.requestsTotal"}},
		{"bad code label", func(g *Grafana) { g.Application.CodeLabel = "__code" }, []string{"application.codeLabel"}},
		{"dashboard query does not parse", func(g *Grafana) {
			g.Dashboards = []Dashboard{{UID: "mine", Title: "Mine", Panels: []Panel{{Title: "p", Queries: []Query{{Expr: `sum(rate(x[5m])`}}}}}}
		}, []string{"dashboards[0].panels[0].queries[0].expr"}},
		{"dashboard uid taken by a built-in one", func(g *Grafana) {
			g.Dashboards = []Dashboard{{UID: UIDCluster, Title: "Mine", Panels: []Panel{{Title: "p", Queries: []Query{{Expr: `up`}}}}}}
		}, []string{"dashboards[0].uid"}},
		{"dashboard without panels or title", func(g *Grafana) { g.Dashboards = []Dashboard{{UID: "x"}} }, []string{"dashboards[0].panels", "dashboards[0].title"}},
		{"query not UTF-8", func(g *Grafana) {
			g.Dashboards = []Dashboard{{UID: "x", Title: "X", Panels: []Panel{{Title: "p", Queries: []Query{{Expr: "up # \xff"}}}}}}
		}, []string{"dashboards[0].panels[0].queries[0].expr"}},
		{"panel without queries", func(g *Grafana) {
			g.Dashboards = []Dashboard{{UID: "x", Title: "X", Panels: []Panel{{Title: "p"}}}}
		}, []string{"dashboards[0].panels[0].queries"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := valid()
			tc.edit(&g)
			got := paths(g.Validate())
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("error paths = %v, want %v\n%v", got, tc.want, g.Validate())
			}
			res, err := g.Build()
			if (err == nil) != (len(tc.want) == 0) || (res == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v", res, err)
			}
		})
	}
}

func TestBuildDefault(t *testing.T) {
	res, err := valid().Build()
	if err != nil {
		t.Fatal(err)
	}
	objs := res.Objects()
	if len(objs) != 6 || res.PodDisruptionBudget != nil {
		t.Fatalf("one replica gives 6 objects and no PDB, got %d objects, pdb %v", len(objs), res.PodDisruptionBudget)
	}
	for _, o := range objs {
		if o.GetObjectKind().GroupVersionKind().Kind == "" {
			t.Errorf("%T has no kind", o)
		}
	}
	tmpl := &res.Deployment.Spec.Template
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		t.Errorf("pod template is not restricted: %v", errs)
	}
	if errs := baseline.CheckResources(&tmpl.Spec); len(errs) > 0 {
		t.Errorf("resources: %v", errs)
	}
	c := tmpl.Spec.Containers[0]
	if c.Image != "docker.io/grafana/grafana:12.3.1" || c.ImagePullPolicy != corev1.PullAlways {
		t.Errorf("image %s pull %s", c.Image, c.ImagePullPolicy)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if got := env["GF_SECURITY_ADMIN_PASSWORD__FILE"].Value; got != "/etc/grafana/secrets/admin/admin-password" {
		t.Errorf("password file %q", got)
	}
	if _, ok := env["GF_SECURITY_ADMIN_PASSWORD"]; ok {
		t.Error("password must not be an environment variable")
	}
	var secretVol *corev1.SecretVolumeSource
	for _, v := range tmpl.Spec.Volumes {
		if v.Secret != nil {
			secretVol = v.Secret
		}
	}
	if secretVol == nil || secretVol.SecretName != "grafana-admin" {
		t.Errorf("admin Secret volume %+v", secretVol)
	}
	mounts := map[string]bool{}
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = true
	}
	for _, p := range []string{"/var/lib/grafana", "/tmp", "/etc/grafana/provisioning", "/etc/grafana/dashboards", "/etc/grafana/secrets/admin"} {
		if !mounts[p] {
			t.Errorf("no mount at %s", p)
		}
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/api/health" || c.LivenessProbe == nil {
		t.Errorf("probes %+v %+v", c.ReadinessProbe, c.LivenessProbe)
	}

	var ds datasourcesFile
	if err := yaml.UnmarshalStrict([]byte(res.Provisioning.Data["datasources.yaml"]), &ds); err != nil {
		t.Fatal(err)
	}
	if len(ds.Datasources) != 1 || ds.Datasources[0].URL != "http://prometheus.monitoring.svc:9090" || ds.Datasources[0].UID != "prometheus" {
		t.Errorf("datasource %+v", ds)
	}

	wantUIDs := []string{UIDApplication, UIDCluster, UIDControlPlane, UIDKeyMetrics, UIDResources, UIDWorkloads}
	var got []string
	for k, v := range res.Dashboards.Data {
		got = append(got, strings.TrimSuffix(k, ".json"))
		var model struct {
			UID    string `json:"uid"`
			Panels []struct {
				Datasource struct{ UID string } `json:"datasource"`
				Targets    []struct {
					Expr       string `json:"expr"`
					Datasource struct{ UID string }
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal([]byte(v), &model); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if model.UID+".json" != k || len(model.Panels) == 0 {
			t.Errorf("%s: uid %q, %d panels", k, model.UID, len(model.Panels))
		}
		for i, p := range model.Panels {
			if p.Datasource.UID != DatasourceUID || len(p.Targets) == 0 {
				t.Errorf("%s panel %d: datasource %q, %d targets", k, i, p.Datasource.UID, len(p.Targets))
			}
			for _, tg := range p.Targets {
				if tg.Expr == "" || tg.Datasource.UID != DatasourceUID {
					t.Errorf("%s panel %d: target %+v", k, i, tg)
				}
			}
		}
	}
	slices.Sort(got)
	if !reflect.DeepEqual(got, wantUIDs) {
		t.Errorf("dashboards %v, want %v", got, wantUIDs)
	}
}

func TestBuildHA(t *testing.T) {
	g := valid()
	g.Database = &SecretKey{Name: "grafana-db", Key: "url"}
	g.Clients = []Client{{Namespace: "ingress-nginx"}}
	res, err := g.Build()
	if err != nil {
		t.Fatal(err)
	}
	if *res.Deployment.Spec.Replicas != 2 || res.PodDisruptionBudget == nil {
		t.Fatalf("replicas %d, pdb %v", *res.Deployment.Spec.Replicas, res.PodDisruptionBudget)
	}
	var dbEnv *corev1.EnvVar
	for i, e := range res.Deployment.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "GF_DATABASE_URL" {
			dbEnv = &res.Deployment.Spec.Template.Spec.Containers[0].Env[i]
		}
	}
	if dbEnv == nil || dbEnv.Value != "" || dbEnv.ValueFrom == nil || dbEnv.ValueFrom.SecretKeyRef.Name != "grafana-db" {
		t.Errorf("database env %+v", dbEnv)
	}
	from := res.NetworkPolicy.Spec.Ingress[0].From
	if len(from) != 1 || from[0].NamespaceSelector.MatchLabels[corev1.LabelMetadataName] != "ingress-nginx" {
		t.Errorf("network policy from %+v", from)
	}
}

func TestConfigChangeRollsPods(t *testing.T) {
	a, err := valid().Build()
	if err != nil {
		t.Fatal(err)
	}
	g := valid()
	g.PrometheusURL = "https://prometheus.example.com"
	b, err := g.Build()
	if err != nil {
		t.Fatal(err)
	}
	ka, kb := a.Deployment.Spec.Template.Annotations["checksum/config"], b.Deployment.Spec.Template.Annotations["checksum/config"]
	if ka == "" || ka == kb {
		t.Errorf("checksums %q and %q", ka, kb)
	}
}

func TestCheckExpr(t *testing.T) {
	for _, tc := range []struct {
		expr string
		ok   bool
	}{
		{`up`, true},
		{`sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))`, true},
		{`x{a="}"}`, true},
		{`x{a='(\''}`, true},
		{"x{a=`\\`}", true},
		{"up # a comment with ( and \"", true},
		{"", false},
		{"   ", false},
		{`sum(rate(x[5m])`, false},
		{`x{a="b"`, false},
		{`x{a="b}`, false},
		{`sum(x])`, false},
		{`x)`, false},
		{"0#\x80", true}, // Prometheus reads invalid UTF-8 in a comment
	} {
		if err := CheckExpr(tc.expr); (err == nil) != tc.ok {
			t.Errorf("CheckExpr(%q) = %v, want ok=%v", tc.expr, err, tc.ok)
		}
	}
}

func TestBuiltinQueriesPassCheckExpr(t *testing.T) {
	for _, d := range BuiltinDashboards(ApplicationMetrics{}) {
		if errs := validateDashboards([]Dashboard{d}, map[string]bool{}, field.NewPath("d")); len(errs) > 0 {
			t.Errorf("%s: %v", d.UID, errs)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := valid().Build()
	b, _ := valid().Build()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two builds differ")
	}
}

func TestRefID(t *testing.T) {
	for k, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA"} {
		if got := refID(k); got != want {
			t.Errorf("refID(%d) = %s, want %s", k, got, want)
		}
	}
}
