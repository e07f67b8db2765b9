package tracing

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/security"
)

func es() *Search {
	return &Search{URLs: []string{"https://es.example.com:9200"}, Username: "jaeger", PasswordSecret: &SecretKey{Name: "es-jaeger", Key: "password"}, CASecret: "es-ca"}
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
		j    Jaeger
		want []string
	}{
		{"memory", Jaeger{Storage: Storage{Memory: &Memory{}}}, nil},
		{"elasticsearch", Jaeger{Storage: Storage{Elasticsearch: es()}}, nil},
		{"opensearch", Jaeger{Storage: Storage{OpenSearch: es()}}, nil},
		{"no exporter", Jaeger{}, []string{"storage"}},
		{"two back ends", Jaeger{Storage: Storage{Memory: &Memory{}, OpenSearch: es()}}, []string{"storage"}},
		{"memory with replicas", Jaeger{Replicas: 2, Storage: Storage{Memory: &Memory{}}}, []string{"replicas"}},
		{"memory negative", Jaeger{Storage: Storage{Memory: &Memory{MaxTraces: -1}}}, []string{"storage.memory.maxTraces"}},
		{"plaintext", Jaeger{Storage: Storage{Elasticsearch: &Search{URLs: []string{"http://es:9200"}}}}, []string{"storage.elasticsearch.urls[0]"}},
		{"plaintext opted out", Jaeger{Storage: Storage{Elasticsearch: &Search{URLs: []string{"http://es:9200"}, Insecure: true}}}, nil},
		{"credentials in URL", Jaeger{Storage: Storage{OpenSearch: &Search{URLs: []string{"https://u:p@os:9200"}}}}, []string{"storage.opensearch.urls[0]"}},
		{"no URLs", Jaeger{Storage: Storage{OpenSearch: &Search{}}}, []string{"storage.opensearch.urls"}},
		{"user without password", Jaeger{Storage: Storage{Elasticsearch: &Search{URLs: []string{"https://es:9200"}, Username: "j"}}}, []string{"storage.elasticsearch.passwordSecret"}},
		{"bad index prefix", Jaeger{Storage: Storage{Elasticsearch: &Search{URLs: []string{"https://es:9200"}, IndexPrefix: "Jaeger_"}}}, []string{"storage.elasticsearch.indexPrefix"}},
		{"bad image", Jaeger{Image: "jaegertracing/jaeger", Storage: Storage{Memory: &Memory{}}}, []string{"image"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := paths(tc.j.Validate())
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("paths %v, want %v\n%v", got, tc.want, tc.j.Validate())
			}
			res, err := tc.j.Build()
			if (res == nil) == (err == nil) || (err == nil) != (len(tc.want) == 0) {
				t.Fatalf("Build() = %v, %v", res, err)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	res, err := Jaeger{Storage: Storage{Elasticsearch: es()}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &res.Deployment.Spec.Template
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		t.Error(errs)
	}
	if errs := baseline.CheckResources(&tmpl.Spec); len(errs) > 0 {
		t.Error(errs)
	}
	if *res.Deployment.Spec.Replicas != 2 || res.PodDisruptionBudget == nil {
		t.Errorf("replicas %d pdb %v", *res.Deployment.Spec.Replicas, res.PodDisruptionBudget)
	}
	c := tmpl.Spec.Containers[0]
	if c.ImagePullPolicy != corev1.PullAlways || c.Image != DefaultImage {
		t.Errorf("image %s %s", c.Image, c.ImagePullPolicy)
	}
	var cfg struct {
		Extensions struct {
			Storage struct {
				Backends map[string]map[string]struct {
					Auth struct {
						Basic struct {
							Username     string `json:"username"`
							Password     string `json:"password"`
							PasswordFile string `json:"password_file"`
						} `json:"basic"`
					} `json:"auth"`
				} `json:"backends"`
			} `json:"jaeger_storage"`
		} `json:"extensions"`
		Exporters map[string]struct {
			TraceStorage string `json:"trace_storage"`
		} `json:"exporters"`
	}
	if err := yaml.Unmarshal(res.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	b := cfg.Extensions.Storage.Backends[cfg.Exporters["jaeger_storage_exporter"].TraceStorage]["elasticsearch"]
	if b.Auth.Basic.Username != "jaeger" || b.Auth.Basic.Password != "" || b.Auth.Basic.PasswordFile != "/etc/jaeger/secrets/password/password" {
		t.Errorf("auth %+v", b.Auth)
	}
	mem, err := Jaeger{Storage: Storage{Memory: &Memory{}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if *mem.Deployment.Spec.Replicas != 1 || mem.PodDisruptionBudget != nil || len(mem.Objects()) != 4 {
		t.Errorf("memory: replicas %d, pdb %v", *mem.Deployment.Spec.Replicas, mem.PodDisruptionBudget)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenSpecs are kept in testdata/ for jaegercheck, whose script runs
// "jaeger validate" on each.
func goldenSpecs() map[string]Jaeger {
	return map[string]Jaeger{
		"memory":        {Storage: Storage{Memory: &Memory{MaxTraces: 50000}}},
		"elasticsearch": {Storage: Storage{Elasticsearch: es()}},
		"opensearch":    {Storage: Storage{OpenSearch: &Search{URLs: []string{"https://os-0.example.com:9200", "https://os-1.example.com:9200"}, IndexPrefix: "prod"}}},
	}
}

func TestGolden(t *testing.T) {
	for name, j := range goldenSpecs() {
		res, err := j.Build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := filepath.Join("testdata", name+".yaml")
		if *update {
			if err := os.WriteFile(p, res.Config, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(p)
		if err != nil || string(want) != string(res.Config) {
			t.Errorf("%s differs from what Build renders (%v); run go test -update", p, err)
		}
	}
}
