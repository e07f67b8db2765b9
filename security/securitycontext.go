package security

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// DefaultUID and DefaultGID are the user and group a restricted pod runs as
// when the spec names none: a high, unprivileged ID that matches no system
// account on common base images.
const (
	DefaultUID int64 = 10001
	DefaultGID int64 = 10001
)

// maxID is the largest user or group ID Linux accepts (2^32-2; 2^32-1 is
// reserved as "no ID").
const maxID int64 = 1<<32 - 2

// Restricted describes the pod and container security contexts that satisfy
// the Pod Security Standards "restricted" level: run as a non-root user and
// group, seccomp RuntimeDefault, no privilege escalation, every capability
// dropped, and a read-only root filesystem.
type Restricted struct {
	// RunAsUser is the user ID. nil means DefaultUID; 0 (root) is refused.
	RunAsUser *int64
	// RunAsGroup is the primary group ID. nil means DefaultGID; 0 is refused.
	RunAsGroup *int64
	// FSGroup owns mounted volumes. nil means the primary group; 0 is refused.
	FSGroup *int64

	// AddNetBindService keeps CAP_NET_BIND_SERVICE, the one capability
	// "restricted" allows, for a process that must listen on a port below
	// 1024. Off by default.
	AddNetBindService bool

	// WritableRootFilesystem lets containers write to their root
	// filesystem. Off by default: mount an emptyDir where a program needs
	// to write instead. "restricted" itself does not require a read-only
	// root, so this opt-out keeps a pod admissible.
	WritableRootFilesystem bool
}

// Contexts holds the security contexts Restricted builds.
type Contexts struct {
	Pod       *corev1.PodSecurityContext
	Container *corev1.SecurityContext
}

// Validate reports every problem with the spec.
func (r Restricted) Validate() field.ErrorList {
	var errs field.ErrorList
	for _, id := range [...]struct {
		name string
		v    *int64
	}{{"runAsUser", r.RunAsUser}, {"runAsGroup", r.RunAsGroup}, {"fsGroup", r.FSGroup}} {
		if id.v == nil {
			continue
		}
		switch {
		case *id.v == 0:
			errs = append(errs, field.Invalid(field.NewPath(id.name), *id.v, "must not be 0 (root); a restricted pod runs as a non-root ID such as 10001"))
		case *id.v < 0 || *id.v > maxID:
			errs = append(errs, field.Invalid(field.NewPath(id.name), *id.v, "must be between 1 and 4294967294"))
		}
	}
	return errs
}

// Build returns fresh security contexts for a pod and its containers.
func (r Restricted) Build() (Contexts, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return Contexts{}, errs.ToAggregate()
	}
	uid, gid := DefaultUID, DefaultGID
	if r.RunAsUser != nil {
		uid = *r.RunAsUser
	}
	if r.RunAsGroup != nil {
		gid = *r.RunAsGroup
	}
	fsGroup := gid
	if r.FSGroup != nil {
		fsGroup = *r.FSGroup
	}
	// The two contexts are allocated in one piece together with the values
	// their pointer fields refer to; no value is shared between them or
	// with any other call.
	b := &contextsBlock{}
	pb, cb := &b.pod, &b.container
	*pb = podContextBlock{runAsNonRoot: true, uid: uid, gid: gid, fsGroup: fsGroup,
		seccomp: corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	pb.ctx = corev1.PodSecurityContext{
		RunAsNonRoot:   &pb.runAsNonRoot,
		RunAsUser:      &pb.uid,
		RunAsGroup:     &pb.gid,
		FSGroup:        &pb.fsGroup,
		SeccompProfile: &pb.seccomp,
	}
	*cb = containerContextBlock{runAsNonRoot: true, readOnlyRoot: !r.WritableRootFilesystem,
		drop:    [1]corev1.Capability{"ALL"},
		add:     [1]corev1.Capability{"NET_BIND_SERVICE"},
		seccomp: corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	cb.caps.Drop = cb.drop[:]
	if r.AddNetBindService {
		cb.caps.Add = cb.add[:]
	}
	cb.ctx = corev1.SecurityContext{
		RunAsNonRoot:             &cb.runAsNonRoot,
		AllowPrivilegeEscalation: &cb.allowPrivilegeEscalation,
		Privileged:               &cb.privileged,
		ReadOnlyRootFilesystem:   &cb.readOnlyRoot,
		Capabilities:             &cb.caps,
		SeccompProfile:           &cb.seccomp,
	}
	return Contexts{Pod: &pb.ctx, Container: &cb.ctx}, nil
}

// contextsBlock holds both contexts of one Build.
type contextsBlock struct {
	pod       podContextBlock
	container containerContextBlock
}

// podContextBlock holds a pod security context and the values it points to.
type podContextBlock struct {
	ctx               corev1.PodSecurityContext
	runAsNonRoot      bool
	uid, gid, fsGroup int64
	seccomp           corev1.SeccompProfile
}

// containerContextBlock holds a container security context and the values
// it points to.
type containerContextBlock struct {
	ctx                                                              corev1.SecurityContext
	runAsNonRoot, allowPrivilegeEscalation, privileged, readOnlyRoot bool
	caps                                                             corev1.Capabilities
	drop, add                                                        [1]corev1.Capability
	seccomp                                                          corev1.SeccompProfile
}

// Apply sets the pod security context of spec and the security context of
// every container, init container and ephemeral container, each to its own
// copy, replacing whatever was there.
func (c Contexts) Apply(spec *corev1.PodSpec) {
	if spec == nil {
		return
	}
	if c.Pod != nil {
		spec.SecurityContext = c.Pod.DeepCopy()
	}
	if c.Container == nil {
		return
	}
	for i := range spec.InitContainers {
		spec.InitContainers[i].SecurityContext = c.Container.DeepCopy()
	}
	for i := range spec.Containers {
		spec.Containers[i].SecurityContext = c.Container.DeepCopy()
	}
	for i := range spec.EphemeralContainers {
		spec.EphemeralContainers[i].SecurityContext = c.Container.DeepCopy()
	}
}

func ptr[T any](v T) *T { return &v }
