package security

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// restrictedFastPass reports whether a pod with this metadata and spec
// certainly passes every Pod Security "restricted" check, without running
// the upstream checks. It recognises the shape Restricted and Contexts.Apply
// give a pod: containers (no init or ephemeral ones) that drop every
// capability, never escalate, run as non-root under the RuntimeDefault
// seccomp profile, and touch none of the host. Anything outside that shape
// (annotations, spec.os, hostUsers, SELinux, Windows or AppArmor options,
// sysctls, procMount, lifecycle hooks, Localhost seccomp profiles, ...)
// makes it return false, and CheckPodSpec then runs the upstream checks,
// which decide and explain. A true answer therefore never hides a
// violation: FuzzRestrictedFastPass holds it to the upstream verdict.
func restrictedFastPass(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	if len(meta.Annotations) > 0 || spec.OS != nil || spec.HostUsers != nil ||
		spec.HostNetwork || spec.HostPID || spec.HostIPC ||
		len(spec.InitContainers) > 0 || len(spec.EphemeralContainers) > 0 {
		return false
	}
	// The pod-level settings containers fall back to; Localhost seccomp
	// profiles are left to the upstream checks.
	podNonRoot, podSeccomp := false, false
	if sc := spec.SecurityContext; sc != nil {
		if sc.SELinuxOptions != nil || sc.WindowsOptions != nil || sc.AppArmorProfile != nil || len(sc.Sysctls) > 0 ||
			(sc.RunAsUser != nil && *sc.RunAsUser == 0) {
			return false
		}
		if sc.RunAsNonRoot != nil {
			if !*sc.RunAsNonRoot {
				return false
			}
			podNonRoot = true
		}
		if sc.SeccompProfile != nil {
			if !runtimeDefaultSeccomp(sc.SeccompProfile) {
				return false
			}
			podSeccomp = true
		}
	}
	for i := range spec.Volumes {
		if !restrictedVolume(&spec.Volumes[i]) {
			return false
		}
	}
	for i := range spec.Containers {
		if !restrictedContainer(&spec.Containers[i], podNonRoot, podSeccomp) {
			return false
		}
	}
	return true
}

func runtimeDefaultSeccomp(p *corev1.SeccompProfile) bool {
	return p != nil && p.Type == corev1.SeccompProfileTypeRuntimeDefault && p.LocalhostProfile == nil
}

// restrictedVolume reports whether v is of a type "restricted" allows (and
// not also a host path).
func restrictedVolume(v *corev1.Volume) bool {
	return v.HostPath == nil && (v.EmptyDir != nil || v.ConfigMap != nil || v.Secret != nil ||
		v.PersistentVolumeClaim != nil || v.Projected != nil || v.DownwardAPI != nil ||
		v.CSI != nil || v.Ephemeral != nil || v.Image != nil)
}

// restrictedContainer reports whether c certainly passes the per-container
// "restricted" checks; podNonRoot and podSeccomp tell whether the pod sets
// runAsNonRoot and the RuntimeDefault seccomp profile for containers that
// set neither.
func restrictedContainer(c *corev1.Container, podNonRoot, podSeccomp bool) bool {
	for i := range c.Ports {
		if c.Ports[i].HostPort != 0 {
			return false
		}
	}
	if c.Lifecycle != nil || !hostlessProbe(c.LivenessProbe) || !hostlessProbe(c.ReadinessProbe) || !hostlessProbe(c.StartupProbe) {
		return false
	}
	s := c.SecurityContext
	if s == nil || s.ProcMount != nil || s.SELinuxOptions != nil || s.WindowsOptions != nil || s.AppArmorProfile != nil ||
		(s.Privileged != nil && *s.Privileged) ||
		s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation ||
		(s.RunAsNonRoot == nil && !podNonRoot) || (s.RunAsNonRoot != nil && !*s.RunAsNonRoot) ||
		(s.RunAsUser != nil && *s.RunAsUser == 0) ||
		(s.SeccompProfile == nil && !podSeccomp) || (s.SeccompProfile != nil && !runtimeDefaultSeccomp(s.SeccompProfile)) ||
		s.Capabilities == nil {
		return false
	}
	dropsAll := false
	for _, d := range s.Capabilities.Drop {
		if d == "ALL" {
			dropsAll = true
			break
		}
	}
	if !dropsAll {
		return false
	}
	for _, a := range s.Capabilities.Add {
		if a != "NET_BIND_SERVICE" {
			return false
		}
	}
	return true
}

// hostlessProbe reports whether p names no host to probe.
func hostlessProbe(p *corev1.Probe) bool {
	return p == nil || (p.HTTPGet == nil || p.HTTPGet.Host == "") && (p.TCPSocket == nil || p.TCPSocket.Host == "")
}
