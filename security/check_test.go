package security

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// upstreamAllows runs pod-security-admission's own evaluator, the way the
// PodSecurity admission plugin does, as the judge for this package's output.
func upstreamAllows(t testing.TB, level Level, meta *metav1.ObjectMeta, spec *corev1.PodSpec) (bool, string) {
	t.Helper()
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := policy.AggregateCheckResults(ev.EvaluatePod(psaapi.LevelVersion{Level: psaapi.Level(level), Version: psaapi.LatestVersion()}, meta, spec))
	return res.Allowed, res.ForbiddenReason()
}

func podSpec(containers ...string) *corev1.PodSpec {
	spec := &corev1.PodSpec{}
	for _, c := range containers {
		spec.Containers = append(spec.Containers, corev1.Container{Name: c, Image: "registry.k8s.io/pause:3.10"})
	}
	return spec
}

// Every pod the package's security contexts can produce passes "restricted"
// according to the upstream evaluator.
func TestRestrictedContextsPassUpstream(t *testing.T) {
	ids := []*int64{nil, ptr(int64(1)), ptr(int64(65534)), ptr(maxID)}
	for _, uid := range ids {
		for _, gid := range ids {
			for _, bind := range []bool{false, true} {
				for _, writable := range []bool{false, true} {
					r := Restricted{RunAsUser: uid, RunAsGroup: gid, FSGroup: gid, AddNetBindService: bind, WritableRootFilesystem: writable}
					ctx, err := r.Build()
					if err != nil {
						t.Fatalf("%+v: %v", r, err)
					}
					spec := podSpec("app", "sidecar")
					spec.InitContainers = []corev1.Container{{Name: "init", Image: "registry.k8s.io/pause:3.10"}}
					ctx.Apply(spec)
					if ok, why := upstreamAllows(t, LevelRestricted, &metav1.ObjectMeta{}, spec); !ok {
						t.Errorf("%+v: upstream refuses: %s", r, why)
					}
					if errs := CheckPodSpec(LevelRestricted, nil, spec); len(errs) > 0 {
						t.Errorf("%+v: CheckPodSpec: %v", r, errs)
					}
					if got := *spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem; got == writable {
						t.Errorf("%+v: readOnlyRootFilesystem = %v", r, got)
					}
				}
			}
		}
	}
}

func TestRestrictedDefaults(t *testing.T) {
	ctx, err := Restricted{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if *ctx.Pod.RunAsUser != DefaultUID || *ctx.Pod.RunAsGroup != DefaultGID || *ctx.Pod.FSGroup != DefaultGID || !*ctx.Pod.RunAsNonRoot {
		t.Errorf("pod context = %+v", ctx.Pod)
	}
	c := ctx.Container
	if *c.AllowPrivilegeEscalation || *c.Privileged || !*c.ReadOnlyRootFilesystem || len(c.Capabilities.Add) != 0 || c.Capabilities.Drop[0] != "ALL" || c.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("container context = %+v", c)
	}
	// Apply gives each container its own copy.
	spec := podSpec("a", "b")
	ctx.Apply(spec)
	*spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem = false
	if !*spec.Containers[1].SecurityContext.ReadOnlyRootFilesystem || !*ctx.Container.ReadOnlyRootFilesystem {
		t.Error("containers share one security context")
	}
}

func TestRestrictedValidate(t *testing.T) {
	wantPaths(t, Restricted{RunAsUser: ptr(int64(0)), RunAsGroup: ptr(int64(-1)), FSGroup: ptr(int64(1 << 40))}.Validate(),
		"FieldValueInvalid runAsUser", "FieldValueInvalid runAsGroup", "FieldValueInvalid fsGroup")
	if _, err := (Restricted{RunAsUser: ptr(int64(0))}).Build(); err == nil {
		t.Error("root accepted")
	}
}

func TestCheckPodSpecPaths(t *testing.T) {
	ctx, err := Restricted{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	good := func() *corev1.PodSpec {
		s := podSpec("app", "sidecar")
		ctx.Apply(s)
		return s
	}
	tests := []struct {
		name  string
		level Level
		spec  func() *corev1.PodSpec
		want  []string
	}{
		{"restricted pod", LevelRestricted, good, nil},
		{"bare pod is refused everywhere it can be", LevelRestricted, func() *corev1.PodSpec { return podSpec("app") }, []string{
			"FieldValueForbidden spec.containers[0].securityContext.allowPrivilegeEscalation",
			"FieldValueForbidden spec.containers[0].securityContext.capabilities",
			"FieldValueForbidden spec.containers[0].securityContext.runAsNonRoot",
			"FieldValueForbidden spec.containers[0].securityContext.seccompProfile",
		}},
		{"bare pod passes baseline", LevelBaseline, func() *corev1.PodSpec { return podSpec("app") }, nil},
		{"second container runs as root", LevelRestricted, func() *corev1.PodSpec {
			s := good()
			s.Containers[1].SecurityContext.RunAsUser = ptr(int64(0))
			return s
		}, []string{"FieldValueForbidden spec.containers[1].securityContext.runAsUser"}},
		{"privileged init container", LevelBaseline, func() *corev1.PodSpec {
			s := good()
			s.InitContainers = []corev1.Container{{Name: "init", Image: "x", SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)}}}
			return s
		}, []string{"FieldValueForbidden spec.initContainers[0].securityContext.privileged"}},
		{"host network and hostPath", LevelBaseline, func() *corev1.PodSpec {
			s := good()
			s.HostNetwork = true
			s.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
			return s
		}, []string{"FieldValueForbidden spec", "FieldValueForbidden spec.volumes"}},
		{"pod-level root user", LevelRestricted, func() *corev1.PodSpec {
			s := good()
			s.SecurityContext.RunAsUser = ptr(int64(0))
			return s
		}, []string{"FieldValueForbidden spec.securityContext.runAsUser"}},
		{"added capability", LevelRestricted, func() *corev1.PodSpec {
			s := good()
			s.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
			return s
		}, []string{"FieldValueForbidden spec.containers[0].securityContext.capabilities"}},
		{"host port", LevelBaseline, func() *corev1.PodSpec {
			s := good()
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 80}}
			return s
		}, []string{"FieldValueForbidden spec.containers[0].ports"}},
		{"privileged level allows anything", LevelPrivileged, func() *corev1.PodSpec {
			s := podSpec("app")
			s.HostPID = true
			return s
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec()
			errs := CheckPodSpec(tt.level, &metav1.ObjectMeta{}, spec)
			wantPaths(t, errs, tt.want...)
			// Our verdict agrees with the upstream evaluator's.
			ok, why := upstreamAllows(t, tt.level, &metav1.ObjectMeta{}, spec)
			if ok != (len(errs) == 0) {
				t.Errorf("upstream allowed=%v (%s), CheckPodSpec reported %d errors", ok, why, len(errs))
			}
		})
	}
}

func TestCheckPodSpecBadInput(t *testing.T) {
	wantPaths(t, CheckPodSpec("strict", nil, podSpec("a")), "FieldValueNotSupported level")
	wantPaths(t, CheckPodSpec(LevelRestricted, nil, nil), "FieldValueRequired spec")
}
