package scaling

import (
	"math"
	"reflect"
	"regexp"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
	"github.com/prodkube/prodkube/version"
)

// pick returns one of the valid values most of the time and a random string otherwise,
// so that both valid results and every error path are reached.
func pick(c randfill.Continue, valid ...string) string {
	if c.Intn(8) == 0 {
		return c.String(6)
	}
	return valid[c.Intn(len(valid))]
}

var fuzzQuantities = []string{"0", "1", "100m", "250m", "2", "64Mi", "1Gi", "-1", "1e3"}

func filler(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.3).NumElements(0, 3).MaxDepth(6).Funcs(
		func(q *resource.Quantity, c randfill.Continue) {
			*q = resource.MustParse(fuzzQuantities[c.Intn(len(fuzzQuantities))])
		},
		func(r *corev1.ResourceName, c randfill.Continue) { *r = corev1.ResourceName(pick(c, "cpu", "memory")) },
		func(t *autoscalingv2.MetricSourceType, c randfill.Continue) {
			*t = autoscalingv2.MetricSourceType(pick(c, "Resource", "Pods", "Object", "External", "ContainerResource"))
		},
		func(t *autoscalingv2.MetricTargetType, c randfill.Continue) {
			*t = autoscalingv2.MetricTargetType(pick(c, "Utilization", "Value", "AverageValue"))
		},
		func(t *autoscalingv2.HPAScalingPolicyType, c randfill.Continue) {
			*t = autoscalingv2.HPAScalingPolicyType(pick(c, "Pods", "Percent"))
		},
		func(t *autoscalingv2.ScalingPolicySelect, c randfill.Continue) {
			*t = autoscalingv2.ScalingPolicySelect(pick(c, "", "Max", "Min", "Disabled"))
		},
		func(m *UpdateMode, c randfill.Continue) { *m = UpdateMode(pick(c, append(vpaModes, "", "Auto")...)) },
		func(p *CloudProvider, c randfill.Continue) {
			*p = CloudProvider(pick(c, append(cloudProviders, "")...))
		},
		func(e *Expander, c randfill.Continue) { *e = Expander(pick(c, expanders...)) },
		func(v *version.Version, c randfill.Continue) {
			*v = []version.Version{{}, version.MustParse("v1.36.3"), version.MustParse("v1.37.2"), version.MustParse("v1.37.0"), version.MustParse("v1.33.1")}[c.Intn(5)]
		},
		func(s *string, c randfill.Continue) {
			*s = pick(c, "", "web-app", "production", "app", "*", "kube-system", "cpu")
		},
	)
}

// roundTrip checks that obj survives YAML encoding unchanged; fresh is an empty value
// of obj's type.
func roundTrip(t *testing.T, obj, fresh any) {
	t.Helper()
	y, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if err := yaml.Unmarshal(y, fresh); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, y)
	}
	if !apiequality.Semantic.DeepEqual(obj, fresh) {
		t.Fatalf("YAML round trip changed the object:\n%s", y)
	}
}

// overlay copies into *base each field of *fuzzed whose bit is set in mask (a quarter
// of them on average), so fuzzing explores small departures from a valid spec as well
// as wholly random ones.
func overlay(base, fuzzed any, mask uint64) {
	b, f := reflect.ValueOf(base).Elem(), reflect.ValueOf(fuzzed).Elem()
	for i := 0; i < b.NumField(); i++ {
		if mask&(1<<(i%64)) != 0 && b.Field(i).CanSet() {
			b.Field(i).Set(f.Field(i))
		}
	}
}

func fuzzMask(fl *randfill.Filler) uint64 {
	var a, b uint64
	fl.Fill(&a)
	fl.Fill(&b)
	return a & b
}

type hpaInput struct {
	Spec             HPA
	UseWorkload      bool
	WorkloadReplicas *int32
	Requests         []corev1.ResourceList
}

func FuzzHPA(f *testing.F) {
	f.Add([]byte("seed"))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		var in hpaInput
		fl := filler(data).SkipFieldsWithPattern(regexp.MustCompile(`^Workload$`))
		fl.Fill(&in)
		spec := validHPA()
		overlay(&spec, &in.Spec, fuzzMask(fl))
		in.Spec = spec
		if in.UseWorkload {
			in.Spec.Workload = deployment(in.Spec.TargetName, in.WorkloadReplicas, in.Requests...)
		}
		h, err := in.Spec.Build()
		if (h == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want exactly one", h, err)
		}
		if h == nil {
			return
		}
		s := h.Spec
		if s.MinReplicas == nil || *s.MinReplicas < 1 || *s.MinReplicas > s.MaxReplicas || len(s.Metrics) == 0 {
			t.Fatalf("invalid replicas or metrics: %+v", s)
		}
		for _, r := range []*autoscalingv2.HPAScalingRules{s.Behavior.ScaleUp, s.Behavior.ScaleDown} {
			if w := *r.StabilizationWindowSeconds; w < 0 || w > 3600 {
				t.Fatalf("window %d", w)
			}
		}
		roundTrip(t, h, &autoscalingv2.HorizontalPodAutoscaler{})
	})
}

func FuzzClusterAutoscaler(f *testing.F) {
	f.Add([]byte("seed"))
	f.Add([]byte("another seed with more bytes in it"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fz ClusterAutoscaler
		fl := filler(data)
		fl.Fill(&fz)
		c := validCA()
		overlay(&c, &fz, fuzzMask(fl))
		b, err := c.Build()
		if (b == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want exactly one", b, err)
		}
		if b == nil {
			return
		}
		tpl := &b.Deployment.Spec.Template
		if errs := security.CheckPodSpec(security.LevelRestricted, &tpl.ObjectMeta, &tpl.Spec); len(errs) > 0 {
			t.Fatalf("not restricted: %v", errs)
		}
		for _, o := range b.Objects() {
			fresh := reflect.New(reflect.TypeOf(o).Elem()).Interface()
			roundTrip(t, o, fresh)
			if _, err := prodkube.MarshalYAML(o); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzVPA(f *testing.F) {
	f.Add([]byte("seed"))
	f.Add([]byte("vpa vpa vpa vpa vpa vpa vpa vpa"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fz VPA
		fl := filler(data)
		fl.Fill(&fz)
		v := VPA{Name: "batch-vpa", Namespace: "production", TargetName: "batch", Mode: UpdateModeRecreate}
		overlay(&v, &fz, fuzzMask(fl))
		obj, err := v.Build()
		if (obj == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want exactly one", obj, err)
		}
		if obj == nil {
			return
		}
		if obj.Spec.TargetRef == nil || obj.Spec.UpdatePolicy == nil || obj.Spec.UpdatePolicy.UpdateMode == nil {
			t.Fatalf("incomplete spec: %+v", obj.Spec)
		}
		roundTrip(t, obj, &VerticalPodAutoscaler{})
	})
}

func FuzzRecommender(f *testing.F) {
	f.Add([]byte("seed"), uint16(400))
	f.Add([]byte{1, 2, 3}, uint16(50))
	f.Fuzz(fuzzRecBody)
}

func fuzzRecBody(t *testing.T, data []byte, n uint16) {
	{
		fl := filler(data)
		var fz Recommender
		fl.Fill(&fz)
		var r Recommender
		overlay(&r, &fz, fuzzMask(fl))
		r.HalfLife = time.Duration(int64(r.HalfLife) % int64(48*time.Hour))
		samples := make([]Sample, int(n)%2000)
		at := t0
		for i := range samples {
			var step uint16
			var cpu float64
			var mem uint32
			var oom bool
			fl.Fill(&step)
			fl.Fill(&cpu)
			fl.Fill(&mem)
			fl.Fill(&oom)
			at = at.Add(time.Duration(step) * time.Second)
			samples[i] = Sample{Time: at, CPU: math.Mod(math.Abs(cpu), 64), Memory: int64(mem) * 64, OOMKilled: oom && i%50 == 0}
		}
		u := ContainerUsage{Workload: "w", Container: "c", Samples: samples, Current: corev1.ResourceRequirements{Requests: rl("1", "1Gi")}}
		rec, err := r.Recommend(u)
		if (rec == nil) == (err == nil) {
			t.Fatalf("Recommend() = %v, %v: want exactly one", rec, err)
		}
		if rec != nil {
			d := r.withDefaults()
			if rec.Requests.Cpu().MilliValue() < d.MinCPUMillicores || rec.Requests.Memory().Value() < d.MinMemoryBytes ||
				rec.Limits.Cpu().Cmp(*rec.Requests.Cpu()) < 0 || rec.Limits.Memory().Cmp(*rec.Requests.Memory()) < 0 {
				t.Fatalf("requests %v limits %v break the floors or exceed the limits", rec.Requests, rec.Limits)
			}
		}
		rep, err := r.Report([]ContainerUsage{u}, &Prices{CoreHour: 0.03, GiBHour: 0.004})
		if (rep == nil) == (err == nil) {
			t.Fatalf("Report() = %v, %v: want exactly one", rep, err)
		}
		if rep != nil && len(rep.markdown()) == 0 {
			t.Fatal("empty report")
		}
	}
}
