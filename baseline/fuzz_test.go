package baseline

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta3"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
	"github.com/prodkube/prodkube/security"
)

// plausible holds values that are valid for some field, so that randomly
// filled specs are often valid and the output invariants get exercised.
var plausible = []string{
	"", "v1.37.2", "v1.36.3", "v1.30.1", "v1.22.0", "1.37", "kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1beta3",
	"kube-api.example.com", "10.0.0.1", "10.0.1.10", "10.0.2.10", "10.0.3.10", "fd00::10", "::1",
	"a", "b", "c", "eu-west-1a", "cp-1", "cp-2", "cp-3", "gpu",
	"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379", "http://e:2379",
	"/etc/kubernetes/pki/etcd/ca.crt", "/tmp", "/var/run/x", "relative",
	"10.244.0.0/16", "10.96.0.0/12", "fd00:10::/48", "fd00:20::/112", "cluster.local",
	"100m", "1", "2", "256Mi", "1Gi", "-1", "0", "lots",
	"node.kubernetes.io/pool", "example.com/team", "node-role.kubernetes.io/x", "NoSchedule", "NoExecute",
	"registry.k8s.io/pause:3.10", "nginx:latest", "nginx", "http", "TCP", "UDP", "/healthz", "/readyz",
	"count/deployments.apps", "team-a", "production", "web-app", "PASSWORD", "secret", "key",
}

func fuzzFiller(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.3).NumElements(0, 5).MaxDepth(6).Funcs(
		func(s *string, c randfill.Continue) {
			if c.Intn(8) == 0 {
				*s = c.String(20)
				return
			}
			*s = plausible[c.Intn(len(plausible))]
		},
	)
}

// mutate overwrites a random subset of the fields of the struct base points
// to (descending into embedded structs) with randomly filled values, so that
// inputs range from the valid base spec to wholly random ones.
func mutate(data []byte, base any) {
	fl := fuzzFiller(data)
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for i := 0; i < v.NumField(); i++ {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				walk(v.Field(i))
				continue
			}
			var b uint8
			fl.Fill(&b)
			if b%4 == 0 {
				fl.Fill(v.Field(i).Addr().Interface())
			}
		}
	}
	walk(reflect.ValueOf(base).Elem())
}

func addSeeds(f *testing.F) {
	for _, s := range []string{"", "seed", "0123456789abcdef0123456789abcdef", strings.Repeat("\x00\x01\x02\xff", 16)} {
		f.Add([]byte(s))
	}
}

func FuzzHA(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h := validHA()
		if len(data) > 0 && data[0]%2 == 0 {
			h.Etcd.External = externalEtcd()
		}
		mutate(data, &h)
		cp, err := h.Build()
		if (cp == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want error xor result", cp, err)
		}
		if err != nil {
			return
		}
		files, err := renderMap(cp)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range cp.KubeadmFiles {
			b := files[f.Name]
			if bytes.Contains(b, []byte("token")) || bytes.Contains(b, []byte("certificateKey")) {
				t.Fatalf("%s holds a secret field:\n%s", f.Name, b)
			}
			for i, doc := range strings.Split(string(b), "---\n") {
				checkKubeadmDoc(t, cp.APIVersion, f.Name, []byte(doc), f.Documents[i])
			}
		}
	})
}

// checkKubeadmDoc reads a rendered document back strictly into its typed
// struct, re-renders it to the same bytes, and applies kubeadm's own rules
// for the fields prodkube sets.
func checkKubeadmDoc(t *testing.T, api APIVersion, name string, doc []byte, typed Document) {
	t.Helper()
	var back Document
	switch typed.(type) {
	case *v1beta4.InitConfiguration:
		back = &v1beta4.InitConfiguration{}
	case *v1beta4.ClusterConfiguration:
		back = &v1beta4.ClusterConfiguration{}
	case *v1beta4.JoinConfiguration:
		back = &v1beta4.JoinConfiguration{}
	case *v1beta3.InitConfiguration:
		back = &v1beta3.InitConfiguration{}
	case *v1beta3.ClusterConfiguration:
		back = &v1beta3.ClusterConfiguration{}
	case *v1beta3.JoinConfiguration:
		back = &v1beta3.JoinConfiguration{}
	default:
		t.Fatalf("%s: unexpected document %T", name, typed)
	}
	if err := yaml.UnmarshalStrict(doc, back); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, doc)
	}
	again, err := yaml.Marshal(back)
	if err != nil || !bytes.Equal(again, doc) {
		t.Fatalf("%s: round trip differs (%v):\n%s\n---\n%s", name, err, doc, again)
	}
	if gv := back.GetObjectKind().GroupVersionKind().GroupVersion().String(); gv != string(api) {
		t.Fatalf("%s: apiVersion %s, want %s", name, gv, api)
	}
	if cc, ok := back.(*v1beta4.ClusterConfiguration); ok {
		if (cc.Etcd.Local == nil) == (cc.Etcd.External == nil) {
			t.Fatalf("%s: exactly one of etcd local/external", name)
		}
		if e := cc.Etcd.External; e != nil {
			for _, u := range e.Endpoints {
				if !strings.HasPrefix(u, "https://") {
					t.Fatalf("%s: etcd endpoint %q", name, u)
				}
			}
		}
		for _, msg := range validation.IsDNS1123Subdomain(cc.Networking.DNSDomain) {
			t.Fatalf("%s: dnsDomain: %s", name, msg)
		}
	}
	if j, ok := back.(*v1beta4.JoinConfiguration); ok {
		if j.Discovery.File == nil || j.Discovery.BootstrapToken != nil {
			t.Fatalf("%s: discovery %+v", name, j.Discovery)
		}
		if errs := validateTaints(j.NodeRegistration.Taints, nil); len(errs) > 0 {
			t.Fatalf("%s: taints %v", name, errs)
		}
	}
}

func FuzzQuota(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		q := Quota{Namespace: "team-a", Requests: Compute{CPU: "10", Memory: "20Gi"}, Limits: Compute{CPU: "20", Memory: "40Gi"}, Pods: Int64(50)}
		mutate(data, &q)
		obj, err := q.Build()
		if (obj == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v", obj, err)
		}
		if err != nil {
			return
		}
		for k, v := range obj.Spec.Hard {
			if v.Sign() < 0 {
				t.Fatalf("negative %s", k)
			}
			if rest, ok := strings.CutPrefix(string(k), "requests."); ok && rest != "storage" {
				if l, ok := obj.Spec.Hard[corev1.ResourceName("limits."+rest)]; ok && l.Cmp(v) < 0 {
					t.Fatalf("limit %s below request", k)
				}
			}
		}
		roundTrip(t, obj, &corev1.ResourceQuota{})
	})
}

func FuzzLimitRange(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		l := validLimitRange()
		mutate(data, &l)
		obj, err := l.Build()
		if (obj == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v", obj, err)
		}
		if err != nil {
			return
		}
		item := obj.Spec.Limits[0]
		for _, n := range computeNames {
			mn, hasMin := item.Min[n]
			mx, hasMax := item.Max[n]
			dr, hasDR := item.DefaultRequest[n]
			df, hasDF := item.Default[n]
			if (hasMin && hasDR && mn.Cmp(dr) > 0) || (hasDR && hasDF && dr.Cmp(df) > 0) || (hasDF && hasMax && df.Cmp(mx) > 0) || (hasMin && hasMax && mn.Cmp(mx) > 0) {
				t.Fatalf("%s out of order: %+v", n, item)
			}
		}
		if _, ok := item.DefaultRequest[corev1.ResourceMemory]; !ok {
			t.Fatal("no default memory request")
		}
		if _, ok := item.Default[corev1.ResourceMemory]; !ok {
			t.Fatal("no default memory limit")
		}
		// A bare container in this namespace gets admitted with the defaults.
		spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}
		if errs := (Fit{LimitRange: obj}).Check(spec); len(errs) > 0 {
			t.Fatalf("a bare container does not fit its own LimitRange: %v", errs)
		}
		roundTrip(t, obj, &corev1.LimitRange{})
	})
}

func FuzzDeployment(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Deployment{Workload: validWorkload()}
		mutate(data, &d)
		objs, err := d.Build()
		if (objs == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v", objs, err)
		}
		if err != nil {
			return
		}
		checkTemplateInvariants(t, &objs.Deployment.Spec.Template, d.NoCPULimit)
		if diff := cmp.Diff(objs.Deployment.Spec.Selector.MatchLabels, objs.Deployment.Spec.Template.Labels); diff != "" {
			t.Fatalf("selector differs from template labels:\n%s", diff)
		}
		roundTrip(t, objs.Deployment, &appsv1.Deployment{})
	})
}

func FuzzStatefulSet(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := StatefulSet{Workload: validWorkload(), Volumes: []VolumeClaim{{Name: "data", MountPath: "/data", Size: "1Gi"}}}
		s.Name = "database"
		mutate(data, &s)
		objs, err := s.Build()
		if (objs == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v", objs, err)
		}
		if err != nil {
			return
		}
		checkTemplateInvariants(t, &objs.StatefulSet.Spec.Template, s.NoCPULimit)
		roundTrip(t, objs.StatefulSet, &appsv1.StatefulSet{})
	})
}

func checkTemplateInvariants(t *testing.T, tmpl *corev1.PodTemplateSpec, noCPULimit bool) {
	t.Helper()
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		t.Fatalf("template fails restricted: %v", errs)
	}
	if errs := (ResourcePolicy{NoCPULimit: noCPULimit}).Check(&tmpl.Spec); len(errs) > 0 {
		t.Fatalf("template resources: %v", errs)
	}
	for k, v := range tmpl.Labels {
		if len(validation.IsQualifiedName(k)) > 0 || len(validation.IsValidLabelValue(v)) > 0 {
			t.Fatalf("bad label %q=%q", k, v)
		}
	}
	c := tmpl.Spec.Containers[0]
	if c.ReadinessProbe == nil {
		t.Fatal("no readiness probe")
	}
	if c.LivenessProbe != nil && cmp.Equal(c.LivenessProbe, c.ReadinessProbe) {
		t.Fatal("liveness equals readiness")
	}
	if strings.HasSuffix(c.Image, ":latest") || !strings.ContainsAny(c.Image, ":@") {
		t.Fatalf("image not pinned: %q", c.Image)
	}
}

// roundTrip marshals obj to YAML and back into fresh and compares.
func roundTrip[T any](t *testing.T, obj T, fresh T) {
	t.Helper()
	b, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(b, fresh); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if diff := cmp.Diff(obj, fresh); diff != "" {
		t.Fatalf("YAML round trip differs:\n%s", diff)
	}
}

// FuzzFit checks the admission checks on random pods, quotas and limit
// ranges: no panic, and a pod that passes CheckResources and sits within a
// quota built from its own usage fits that quota.
func FuzzFit(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		quantities := []string{"1m", "100m", "250m", "1", "2", "64Mi", "128Mi", "1Gi", "0", "-1", "x"}
		fl := fuzzFiller(data).Funcs(func(c *Compute, r randfill.Continue) {
			pick := func() string {
				if r.Intn(10) == 0 {
					return ""
				}
				return quantities[r.Intn(len(quantities))]
			}
			*c = Compute{CPU: pick(), Memory: pick(), EphemeralStorage: pick()}
		})
		var spec struct {
			Init, Main []Resources
			Sidecar    []bool
			Pods       int32
			Quota      Quota
			Limits     LimitRange
		}
		fl.Fill(&spec)
		pod := &corev1.PodSpec{}
		build := func(rs []Resources, init bool) []corev1.Container {
			var out []corev1.Container
			for i, r := range rs {
				c := corev1.Container{Name: "c"}
				req, _ := r.Requests.parse(nil)
				lim, _ := r.Limits.parse(nil)
				c.Resources = corev1.ResourceRequirements{Requests: req, Limits: lim}
				if init && i < len(spec.Sidecar) && spec.Sidecar[i] {
					always := corev1.ContainerRestartPolicyAlways
					c.RestartPolicy = &always
				}
				out = append(out, c)
			}
			return out
		}
		pod.InitContainers = build(spec.Init, true)
		pod.Containers = build(spec.Main, false)
		_ = CheckResources(pod)
		q, _ := spec.Quota.Build()
		l, _ := spec.Limits.Build()
		_ = Fit{Quota: q, LimitRange: l, Pods: spec.Pods}.Check(pod)

		if len(pod.Containers) == 0 || len(CheckResources(pod)) > 0 {
			return
		}
		// A quota sized exactly to one pod's sum of container requests and
		// limits (no init containers, no overhead) admits one pod.
		if len(pod.InitContainers) > 0 {
			return
		}
		hard := corev1.ResourceList{}
		for _, c := range pod.Containers {
			for n, v := range c.Resources.Requests {
				key := corev1.ResourceName("requests." + string(n))
				sum := hard[key]
				sum.Add(v)
				hard[key] = sum
			}
			for n, v := range c.Resources.Limits {
				key := corev1.ResourceName("limits." + string(n))
				sum := hard[key]
				sum.Add(v)
				hard[key] = sum
			}
		}
		exact := &corev1.ResourceQuota{Spec: corev1.ResourceQuotaSpec{Hard: hard}}
		if errs := (Fit{Quota: exact, Pods: 1}).Check(pod); len(errs) > 0 {
			t.Fatalf("pod does not fit a quota of its own size: %v", errs)
		}
	})
}
