package security

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/pod-security-admission/policy"

	"github.com/prodkube/prodkube/internal/fuzzfill"
)

func init() {
	fuzzfill.Vocabulary = append(fuzzfill.Vocabulary,
		"ALL", "all", "NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN", "NET_RAW",
		"RuntimeDefault", "Localhost", "Unconfined", "Default", "Unmasked",
		"windows", "linux", "spc_t", "container_t", "kernel.shm_rmid_forced", "net.core.somaxconn")
}

// restrictedSpec is a pod spec of the shape the builders produce: two
// containers with ports, probes and volume mounts, the contexts of
// Restricted applied.
func restrictedSpec(t testing.TB, r Restricted) *corev1.PodSpec {
	ctx, err := r.Build()
	if err != nil {
		t.Fatal(err)
	}
	container := func(name string, port int32) corev1.Container {
		return corev1.Container{
			Name: name, Image: "registry.example.com/" + name + ":1",
			Ports:          []corev1.ContainerPort{{Name: "http", ContainerPort: port}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromString("http")}}},
			LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}},
			VolumeMounts:   []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
		}
	}
	spec := &corev1.PodSpec{
		Containers: []corev1.Container{container("web", 8080), container("sidecar", 9090)},
		Volumes: []corev1.Volume{
			{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "web"}}}},
		},
	}
	ctx.Apply(spec)
	return spec
}

// upstreamPasses runs the upstream checks, as CheckPodSpec does without its
// fast path.
func upstreamPasses(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	return len(runChecks(LevelRestricted, meta, spec)) == 0
}

// modelled reports whether meta and spec stay within the fields
// restrictedFastPass decides on; outside them it declines, and only its
// soundness is required.
func modelled(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	if len(meta.Annotations) > 0 || spec.OS != nil || spec.HostUsers != nil ||
		len(spec.InitContainers) > 0 || len(spec.EphemeralContainers) > 0 {
		return false
	}
	if sc := spec.SecurityContext; sc != nil {
		if sc.SELinuxOptions != nil || sc.WindowsOptions != nil || sc.AppArmorProfile != nil || len(sc.Sysctls) > 0 ||
			(sc.SeccompProfile != nil && (sc.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost || sc.SeccompProfile.LocalhostProfile != nil)) {
			return false
		}
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil && !reflect.DeepEqual(v.VolumeSource, corev1.VolumeSource{HostPath: v.HostPath}) {
			return false // a host path beside an allowed type
		}
	}
	for _, c := range spec.Containers {
		if c.Lifecycle != nil {
			return false
		}
		if s := c.SecurityContext; s != nil {
			if s.ProcMount != nil || s.SELinuxOptions != nil || s.WindowsOptions != nil || s.AppArmorProfile != nil ||
				(s.SeccompProfile != nil && (s.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost || s.SeccompProfile.LocalhostProfile != nil)) {
				return false
			}
		}
	}
	return true
}

func TestRestrictedFastPassOnBuiltSpecs(t *testing.T) {
	uid := int64(20000)
	for _, r := range []Restricted{{}, {AddNetBindService: true}, {RunAsUser: &uid, WritableRootFilesystem: true}} {
		spec := restrictedSpec(t, r)
		meta := &metav1.ObjectMeta{}
		if !restrictedFastPass(meta, spec) {
			t.Errorf("%+v: the fast path declines a spec Restricted built", r)
		}
		if !upstreamPasses(meta, spec) {
			t.Errorf("%+v: upstream refuses: %v", r, runChecks(LevelRestricted, meta, spec))
		}
	}
}

// TestRestrictedFastPassEachCheck breaks a passing spec in one way per
// "restricted" check (and per field the fast path declines) and requires
// the fast path to decline, CheckPodSpec to report the check's violation,
// and the report to equal what the upstream checks alone give.
func TestRestrictedFastPassEachCheck(t *testing.T) {
	yes, no := true, false
	zero := int64(0)
	unmasked := corev1.UnmaskedProcMount
	tests := []struct {
		check  policy.CheckID // "" when the spec passes upstream, but outside the fast path
		change func(*metav1.ObjectMeta, *corev1.PodSpec)
	}{
		{"allowPrivilegeEscalation", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[1].SecurityContext.AllowPrivilegeEscalation = &yes
		}},
		{"allowPrivilegeEscalation", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
		}},
		{"capabilities_restricted", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities.Drop = []corev1.Capability{"all"}
		}},
		{"capabilities_restricted", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE", "CHOWN"}
		}},
		{"capabilities_restricted", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[1].SecurityContext.Capabilities = nil
		}},
		{"runAsNonRoot", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.RunAsNonRoot = nil
			s.Containers[0].SecurityContext.RunAsNonRoot = nil
		}},
		{"runAsNonRoot", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.Containers[0].SecurityContext.RunAsNonRoot = &no }},
		{"runAsNonRoot", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.SecurityContext.RunAsNonRoot = &no }},
		{"runAsUser", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.SecurityContext.RunAsUser = &zero }},
		{"runAsUser", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.Containers[1].SecurityContext.RunAsUser = &zero }},
		{"seccompProfile_restricted", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		}},
		{"seccompProfile_restricted", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.SeccompProfile = nil
			s.Containers[0].SecurityContext.SeccompProfile = nil
		}},
		{"restrictedVolumes", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Volumes[1].VolumeSource = corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}
		}},
		{"restrictedVolumes", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Volumes[0].VolumeSource = corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs", Path: "/"}}
		}},
		{"procMount_restricted", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.Containers[0].SecurityContext.ProcMount = &unmasked }},
		{"privileged", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.Containers[0].SecurityContext.Privileged = &yes }},
		{"hostNamespaces", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.HostNetwork = true }},
		{"hostNamespaces", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.HostPID = true }},
		{"hostNamespaces", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.HostIPC = true }},
		{"hostPorts", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.Containers[1].Ports[0].HostPort = 9090 }},
		{"hostProbesAndHostLifecycle", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].ReadinessProbe.HTTPGet.Host = "10.0.0.1"
		}},
		{"hostProbesAndHostLifecycle", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe.TCPSocket.Host = "10.0.0.1"
		}},
		{"hostProbesAndHostLifecycle", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Host: "10.0.0.1", Port: intstr.FromInt32(80)}}}
		}},
		{"seLinuxOptions", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.SELinuxOptions = &corev1.SELinuxOptions{Type: "spc_t"}
		}},
		{"sysctls", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "kernel.msgmax", Value: "1"}}
		}},
		{"windowsHostProcess", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: &yes}
		}},
		{"appArmorProfile", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
		}},
		{"appArmorProfile", func(m *metav1.ObjectMeta, _ *corev1.PodSpec) {
			m.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/web": "unconfined"}
		}},
		// Outside the fast path but admitted: the upstream checks decide.
		{"", func(m *metav1.ObjectMeta, _ *corev1.PodSpec) { m.Annotations = map[string]string{"team": "a"} }},
		{"", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.InitContainers = []corev1.Container{s.Containers[0]} }},
		{"", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.OS = &corev1.PodOS{Name: corev1.Linux} }},
		{"", func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: new(string)}
		}},
	}
	for i, tt := range tests {
		meta := &metav1.ObjectMeta{}
		spec := restrictedSpec(t, Restricted{})
		tt.change(meta, spec)
		if restrictedFastPass(meta, spec) {
			t.Errorf("#%d %s: the fast path accepts the spec", i, tt.check)
		}
		got := CheckPodSpec(LevelRestricted, meta, spec)
		want := runChecks(LevelRestricted, meta, spec)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("#%d %s: CheckPodSpec = %v, upstream checks = %v", i, tt.check, got, want)
		}
		if tt.check == "" {
			if len(got) > 0 {
				t.Errorf("#%d: refused: %v", i, got)
			}
			continue
		}
		failed := false
		for _, c := range checksFor(LevelRestricted) {
			if c.id == tt.check && !c.run(meta, spec).Allowed {
				failed = true
			}
		}
		if !failed || len(got) == 0 {
			t.Errorf("#%d: check %s does not fail (errors %v)", i, tt.check, got)
		}
	}
}

// fuzzTarget picks, by p, a struct of meta or spec for the fuzzer to change
// a field of: nil when an earlier change removed it.
func fuzzTarget(meta *metav1.ObjectMeta, spec *corev1.PodSpec, p uint8) any {
	if len(spec.Containers) == 0 || len(spec.Volumes) == 0 {
		return spec
	}
	c := &spec.Containers[int(p)%len(spec.Containers)]
	switch int(p>>1) % 9 {
	case 0:
		return spec
	case 1:
		return spec.SecurityContext
	case 2:
		return c
	case 3:
		return c.SecurityContext
	case 4:
		if c.SecurityContext != nil {
			return c.SecurityContext.Capabilities
		}
	case 5:
		return &spec.Volumes[int(p)%len(spec.Volumes)].VolumeSource
	case 6:
		if c.ReadinessProbe != nil {
			return c.ReadinessProbe.HTTPGet
		}
	case 7:
		if c.LivenessProbe != nil {
			return c.LivenessProbe.TCPSocket
		}
	case 8:
		return meta
	}
	return nil
}

// FuzzRestrictedFastPass changes up to four fields of a passing spec, each
// drawn from the pod, a container, a security context, the capabilities, a
// volume source or a probe handler and filled with fuzzed values, then
// requires restrictedFastPass never to accept a spec the upstream checks
// refuse, and to agree with them exactly on specs within the fields it
// models.
func FuzzRestrictedFastPass(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03\x04\x05\x06\x07\x08", "ALL RuntimeDefault", "\xff\xfe\xfd\xfc"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fz := fuzzfill.New(data)
		var pick [8]uint8
		fz.Fill(&pick)
		spec := restrictedSpec(t, Restricted{AddNetBindService: pick[0]&1 == 1})
		meta := &metav1.ObjectMeta{}
		for k := 0; k < int(pick[1]%5); k++ {
			target := reflect.ValueOf(fuzzTarget(meta, spec, pick[2+k]))
			if !target.IsValid() || target.IsNil() {
				continue // cleared by an earlier change
			}
			v := target.Elem()
			var n uint8
			fz.Fill(&n)
			fz.Fill(v.Field(int(n) % v.NumField()).Addr().Interface())
		}
		fast, upstream := restrictedFastPass(meta, spec), upstreamPasses(meta, spec)
		if fast && !upstream {
			t.Fatalf("fast path accepts a spec upstream refuses: %v\n%+v", runChecks(LevelRestricted, meta, spec), spec)
		}
		if modelled(meta, spec) && fast != upstream {
			t.Fatalf("fast path says %v, upstream %v, on a modelled spec:\n%+v", fast, upstream, spec)
		}
	})
}
