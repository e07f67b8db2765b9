package vpacheck

import (
	"encoding/json"
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
	vpav1 "k8s.io/autoscaler/vertical-pod-autoscaler/pkg/apis/autoscaling.k8s.io/v1"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/scaling"
)

// vpaModule is the module whose CRD the e2e suite installs (e2e/crds_scaling_test.go).
const vpaModule = "k8s.io/autoscaler/vertical-pod-autoscaler@v1.8.1"

func moduleDir(t *testing.T) string {
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			gopath = build.Default.GOPATH
		}
		cache = filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "pkg", "mod")
	}
	dir := filepath.Join(cache, filepath.FromSlash(vpaModule))
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("%s is not in the module cache (run go mod download in this module): %v", vpaModule, err)
	}
	return dir
}

// vpaValidator returns the schema validator of the served v1 version of the
// VerticalPodAutoscaler CRD.
func vpaValidator(t *testing.T) validation.SchemaValidator {
	data, err := os.ReadFile(filepath.Join(moduleDir(t), "deploy", "vpa-v1-crd-gen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal([]byte(doc), &crd); err != nil {
			t.Fatal(err)
		}
		if crd.Spec.Names.Kind != "VerticalPodAutoscaler" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if v.Name != "v1" || !v.Served {
				continue
			}
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				t.Fatal(err)
			}
			sv, _, err := validation.NewSchemaValidator(&internal)
			if err != nil {
				t.Fatal(err)
			}
			return sv
		}
	}
	t.Fatal("no served v1 VerticalPodAutoscaler version in the CRD file")
	return nil
}

func specs() map[string]scaling.VPA {
	q := resource.MustParse
	return map[string]scaling.VPA{
		"off": {Name: "batch-processor-vpa", Namespace: "production", TargetName: "batch-processor"},
		"initial statefulset": {Name: "db", Namespace: "production", TargetKind: scaling.KindStatefulSet, TargetName: "database",
			Mode: scaling.UpdateModeInitial, Labels: map[string]string{"team": "data"}},
		"recreate with policies": {Name: "api", Namespace: "production", TargetName: "api", Mode: scaling.UpdateModeRecreate, MinReplicas: 2,
			Containers: []scaling.VPAContainer{
				{Name: "app", MinAllowed: corev1.ResourceList{"cpu": q("100m"), "memory": q("128Mi")}, MaxAllowed: corev1.ResourceList{"cpu": q("4"), "memory": q("8Gi")}, RequestsOnly: true},
				{Name: "*", Off: true},
			}},
		"in place memory only": {Name: "web", Namespace: "production", TargetName: "web", Mode: scaling.UpdateModeInPlaceOrRecreate,
			Containers: []scaling.VPAContainer{{Name: "*", ControlledResources: []corev1.ResourceName{corev1.ResourceMemory}}}},
		"cronjob": {Name: "nightly", Namespace: "batch", TargetKind: "CronJob", TargetName: "nightly-report"},
	}
}

func TestMatchesUpstreamTypes(t *testing.T) {
	for name, spec := range specs() {
		t.Run(name, func(t *testing.T) {
			ours, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			y, err := prodkube.MarshalYAML(ours)
			if err != nil {
				t.Fatal(err)
			}
			// Strict: a field the upstream types do not have is an error.
			var up vpav1.VerticalPodAutoscaler
			if err := yaml.UnmarshalStrict(y, &up); err != nil {
				t.Fatalf("upstream types refuse our YAML: %v\n%s", err, y)
			}
			// And nothing is lost or renamed: upstream's encoding of what it read
			// decodes back to our object.
			j, err := json.Marshal(&up)
			if err != nil {
				t.Fatal(err)
			}
			var back scaling.VerticalPodAutoscaler
			if err := json.Unmarshal(j, &back); err != nil {
				t.Fatal(err)
			}
			if !equality.Semantic.DeepEqual(ours, &back) {
				t.Errorf("round trip through the upstream types changed the object:\nours: %+v\nback: %+v", ours, &back)
			}
		})
	}
}

// The strict decode can fail: a misspelt field is refused.
func TestStrictDecodeRefusesUnknownFields(t *testing.T) {
	y := []byte("apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: x\nspec:\n  targetRef:\n    kind: Deployment\n    name: x\n  updatePolicy:\n    updateModes: \"Off\"\n")
	var up vpav1.VerticalPodAutoscaler
	if err := yaml.UnmarshalStrict(y, &up); err == nil {
		t.Error("updateModes accepted")
	}
}

func TestValidAgainstCRDSchema(t *testing.T) {
	sv := vpaValidator(t)
	for name, spec := range specs() {
		t.Run(name, func(t *testing.T) {
			ours, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			y, err := prodkube.MarshalYAML(ours)
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]any
			if err := yaml.Unmarshal(y, &obj); err != nil {
				t.Fatal(err)
			}
			if errs := validation.ValidateCustomResource(field.NewPath(""), obj, sv); len(errs) > 0 {
				t.Errorf("CRD schema refuses:\n%s\n%v", y, errs)
			}
		})
	}
	// The check can fail: an update mode outside the CRD's enum is refused.
	bad := map[string]any{"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
		"spec": map[string]any{"targetRef": map[string]any{"kind": "Deployment", "name": "x"}, "updatePolicy": map[string]any{"updateMode": "Sometimes"}}}
	if errs := validation.ValidateCustomResource(field.NewPath(""), bad, sv); len(errs) == 0 {
		t.Error("the schema accepted updateMode Sometimes")
	}
}
