package security

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// where a Pod Security check looks: the field a violation is reported at,
// relative to the pod spec (for pod-level problems) or to the container.
type where struct{ pod, container string }

// checkFields maps each pod-security-admission check to the field its
// violations are about. A check missing here (one added upstream later) is
// still run; its violations are reported at the pod spec or the container.
var checkFields = map[policy.CheckID]where{
	"allowPrivilegeEscalation":   {"", "securityContext.allowPrivilegeEscalation"},
	"appArmorProfile":            {"securityContext.appArmorProfile", "securityContext.appArmorProfile"},
	"capabilities_baseline":      {"", "securityContext.capabilities"},
	"capabilities_restricted":    {"", "securityContext.capabilities"},
	"hostNamespaces":             {"", ""},
	"hostPathVolumes":            {"volumes", ""},
	"hostPorts":                  {"", "ports"},
	"hostProbesAndHostLifecycle": {"", ""},
	"privileged":                 {"", "securityContext.privileged"},
	"procMount":                  {"", "securityContext.procMount"},
	"procMount_restricted":       {"", "securityContext.procMount"},
	"restrictedVolumes":          {"volumes", ""},
	"runAsNonRoot":               {"securityContext.runAsNonRoot", "securityContext.runAsNonRoot"},
	"runAsUser":                  {"securityContext.runAsUser", "securityContext.runAsUser"},
	"seLinuxOptions":             {"securityContext.seLinuxOptions", "securityContext.seLinuxOptions"},
	"seccompProfile_baseline":    {"securityContext.seccompProfile", "securityContext.seccompProfile"},
	"seccompProfile_restricted":  {"securityContext.seccompProfile", "securityContext.seccompProfile"},
	"sysctls":                    {"securityContext.sysctls", ""},
	"windowsHostProcess":         {"securityContext.windowsOptions.hostProcess", "securityContext.windowsOptions.hostProcess"},
}

// levelCheck is one upstream check, at its newest version.
type levelCheck struct {
	id       policy.CheckID
	level    psaapi.Level
	run      policy.CheckPodFn
	override []policy.CheckID
}

var (
	checksOnce sync.Once
	allChecks  []levelCheck
	// baselineChecks and restrictedChecks are applicable(level) for the two
	// levels that check anything, computed once with allChecks: they depend
	// on the upstream checks alone, never on a spec.
	baselineChecks, restrictedChecks []levelCheck
)

func upstreamChecks() []levelCheck {
	checksOnce.Do(func() {
		for _, c := range policy.DefaultChecks() {
			if len(c.Versions) == 0 {
				continue
			}
			v := c.Versions[len(c.Versions)-1]
			allChecks = append(allChecks, levelCheck{id: c.ID, level: c.Level, run: v.CheckPod, override: v.OverrideCheckIDs})
		}
		baselineChecks = applicable(allChecks, LevelBaseline)
		restrictedChecks = applicable(allChecks, LevelRestricted)
	})
	return allChecks
}

// checksFor returns the checks level runs (nil for privileged).
func checksFor(level Level) []levelCheck {
	upstreamChecks()
	switch level {
	case LevelBaseline:
		return baselineChecks
	case LevelRestricted:
		return restrictedChecks
	}
	return nil
}

// CheckPodSpec reports every way spec violates the Pod Security Standards
// at level, using the checks of k8s.io/pod-security-admission (the code the
// API server's PodSecurity admission runs) at their latest version. Each
// violation is a *field.Error rooted at "spec", pointing at the container
// and field concerned where the check allows it to be told apart (for
// example spec.containers[0].securityContext.runAsNonRoot). An empty list
// means a pod with this spec and metadata would be admitted.
func CheckPodSpec(level Level, meta *metav1.ObjectMeta, spec *corev1.PodSpec) field.ErrorList {
	if !level.Valid() {
		return validateLevel(level, field.NewPath("level"))
	}
	if spec == nil {
		return field.ErrorList{field.Required(field.NewPath("spec"), "a pod spec is required")}
	}
	if meta == nil {
		meta = &metav1.ObjectMeta{}
	}
	if level == LevelPrivileged {
		return nil
	}
	if level == LevelRestricted && restrictedFastPass(meta, spec) {
		return nil
	}
	return runChecks(level, meta, spec)
}

// runChecks runs the upstream checks of level and reports their violations.
func runChecks(level Level, meta *metav1.ObjectMeta, spec *corev1.PodSpec) field.ErrorList {
	var errs field.ErrorList
	for _, c := range checksFor(level) {
		res := c.run(meta, spec)
		if res.Allowed {
			continue
		}
		errs = append(errs, locate(c, meta, spec, field.NewPath("spec"), res)...)
	}
	return errs
}

// applicable lists the checks that level runs, without those that a
// stricter check at that level overrides.
func applicable(all []levelCheck, level Level) []levelCheck {
	overridden := map[policy.CheckID]bool{}
	if level == LevelRestricted {
		for _, c := range all {
			if c.level == psaapi.LevelRestricted {
				for _, o := range c.override {
					overridden[o] = true
				}
			}
		}
	}
	var out []levelCheck
	for _, c := range all {
		if overridden[c.id] {
			continue
		}
		if c.level == psaapi.LevelBaseline || level == LevelRestricted {
			out = append(out, c)
		}
	}
	return out
}

// locate finds where a failed check points: the pod-level fields alone, or
// each container alone. When neither alone fails (the combination does), the
// violation is reported at the pod spec.
func locate(c levelCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec, specPath *field.Path, whole policy.CheckResult) field.ErrorList {
	fields := checkFields[c.id]
	podOnly := *spec
	podOnly.InitContainers, podOnly.Containers, podOnly.EphemeralContainers = nil, nil, nil
	if res := c.run(meta, &podOnly); !res.Allowed {
		return field.ErrorList{violation(subPath(specPath, fields.pod), res)}
	}
	var errs field.ErrorList
	one := podOnly
	try := func(p *field.Path, set func(*corev1.PodSpec)) {
		trial := one
		set(&trial)
		if res := c.run(meta, &trial); !res.Allowed {
			errs = append(errs, violation(subPath(p, fields.container), res))
		}
	}
	for i := range spec.InitContainers {
		try(specPath.Child("initContainers").Index(i), func(s *corev1.PodSpec) { s.InitContainers = spec.InitContainers[i : i+1] })
	}
	for i := range spec.Containers {
		try(specPath.Child("containers").Index(i), func(s *corev1.PodSpec) { s.Containers = spec.Containers[i : i+1] })
	}
	for i := range spec.EphemeralContainers {
		try(specPath.Child("ephemeralContainers").Index(i), func(s *corev1.PodSpec) { s.EphemeralContainers = spec.EphemeralContainers[i : i+1] })
	}
	if len(errs) == 0 {
		errs = append(errs, violation(specPath, whole))
	}
	return errs
}

func subPath(base *field.Path, rel string) *field.Path {
	if rel == "" {
		return base
	}
	p := base
	start := 0
	for i := 0; i <= len(rel); i++ {
		if i == len(rel) || rel[i] == '.' {
			p = p.Child(rel[start:i])
			start = i + 1
		}
	}
	return p
}

func violation(p *field.Path, res policy.CheckResult) *field.Error {
	msg := res.ForbiddenReason
	if res.ForbiddenDetail != "" {
		msg = fmt.Sprintf("%s (%s)", res.ForbiddenReason, res.ForbiddenDetail)
	}
	return field.Forbidden(p, "violates Pod Security: "+msg)
}
