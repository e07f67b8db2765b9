package baseline

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
)

// Standard labels every workload object carries; the pod template's labels
// and the selector are exactly these two.
const (
	LabelName     = "app.kubernetes.io/name"
	LabelInstance = "app.kubernetes.io/instance"
)

// DefaultReplicas is the replica count of a workload that sets none: two, so
// that one pod can be disrupted while the other serves.
const DefaultReplicas int32 = 2

// Workload is what Deployment and StatefulSet share: one container with a
// pinned image, resources, probes and the restricted security context, run
// by a dedicated ServiceAccount, spread across zones and hosts and guarded by
// a PodDisruptionBudget.
//
// The zone spread is a hard constraint (DoNotSchedule, at most one pod more
// in any zone), so pods only land on nodes labelled
// topology.kubernetes.io/zone: cloud providers set it, and kubeadm-joined
// nodes get it from ControlPlaneNode.Zone and WorkerJoin.Zone. The host
// spread is soft (ScheduleAnyway), so that more replicas than nodes still
// schedule.
type Workload struct {
	// Name of every object and the app.kubernetes.io/name label (a DNS-1035
	// label, so that it can also name a Service). Required.
	Name string
	// Namespace (a DNS-1123 label). Required.
	Namespace string
	// Instance is the app.kubernetes.io/instance label; default Name.
	Instance string
	// Image is pinned by tag or digest ("registry.k8s.io/pause:3.10" or
	// "...@sha256:<hex>"); an untagged image or the tag "latest" is refused.
	Image string
	// Command overrides the image's entrypoint.
	Command []string
	// Args overrides the image's arguments.
	Args []string
	// Ports the container listens on.
	Ports []Port
	// Env are environment variables; secrets are referenced, never inlined.
	Env []EnvVar
	// Resources are required: cpu, memory and ephemeral-storage requests,
	// and limits of memory, ephemeral-storage and (unless NoCPULimit) cpu.
	Resources Resources
	// NoCPULimit leaves the CPU limit out, for teams that avoid CFS
	// throttling. Memory limits stay mandatory.
	NoCPULimit bool
	// ReadinessProbe is required: it keeps a pod out of Service endpoints
	// until it can serve.
	ReadinessProbe *Probe
	// LivenessProbe is optional and must differ from ReadinessProbe: an
	// identical pair restarts pods that are merely busy.
	LivenessProbe *Probe
	// Replicas defaults to DefaultReplicas; fewer than two need
	// AllowSingleReplica.
	Replicas int32
	// AllowSingleReplica accepts Replicas == 1, giving up availability
	// during node drains and rollouts.
	AllowSingleReplica bool
	// Autoscaled leaves spec.replicas out, so that applying the manifest
	// does not fight the HorizontalPodAutoscaler that manages it.
	Autoscaled bool
	// PriorityClassName is set on the pods when not empty.
	PriorityClassName string
	// Service, when set, exposes the container ports.
	Service *Service
	// Security is the restricted security context of the pod and container.
	Security security.Restricted
	// WritablePaths are directories mounted as emptyDir volumes, since the
	// root filesystem is read-only. nil means ["/tmp"]; an empty, non-nil
	// slice mounts nothing.
	WritablePaths []string
	// Labels are added to every object's metadata (not to the selector).
	Labels map[string]string
}

// Port is one port the container listens on.
type Port struct {
	// Name is an IANA-style port name ("http"), required so that probes and
	// Services can refer to it.
	Name string
	// Port is the container port, 1–65535.
	Port int32
	// Protocol defaults to TCP.
	Protocol corev1.Protocol
}

// EnvVar is an environment variable with either a literal Value or a
// reference to a key of a Secret.
type EnvVar struct {
	// Name of the variable (a C identifier).
	Name string
	// Value is a literal value; leave it empty when reading from a Secret.
	Value string
	// SecretName and SecretKey read the value from a Secret instead.
	SecretName string
	SecretKey  string
}

// Resources are the container's requests and limits.
type Resources struct {
	// Requests are what the scheduler reserves for the container.
	Requests Compute
	// Limits are the most the container may use.
	Limits Compute
}

// Probe is a readiness or liveness check. Exactly one of HTTPPath, TCP,
// GRPC and Exec is set.
type Probe struct {
	// HTTPPath probes with an HTTP GET of this path ("/healthz").
	HTTPPath string
	// TCP probes by opening a TCP connection.
	TCP bool
	// GRPC probes with the gRPC health checking protocol.
	GRPC bool
	// Exec runs this command in the container.
	Exec []string
	// Port is the port name or number; zero means the first container port.
	// gRPC probes need a number.
	Port intstr.IntOrString
	// InitialDelaySeconds waits before the first probe; zero means none.
	InitialDelaySeconds int32
	// PeriodSeconds between probes; zero leaves the Kubernetes default (10).
	PeriodSeconds int32
	// TimeoutSeconds per probe; zero leaves the Kubernetes default (1).
	TimeoutSeconds int32
	// FailureThreshold failures in a row count as failed; zero leaves the
	// Kubernetes default (3).
	FailureThreshold int32
}

// Service exposes a workload's container ports.
type Service struct {
	// Type defaults to ClusterIP.
	Type corev1.ServiceType
}

// Deployment is a stateless production workload.
type Deployment struct {
	Workload
}

// StatefulSet is a workload with stable identity and its own volumes. It
// always gets a headless Service, <name>-headless, for stable pod DNS names.
type StatefulSet struct {
	Workload
	// Volumes are per-pod PersistentVolumeClaims.
	Volumes []VolumeClaim
}

// VolumeClaim is a per-pod volume of a StatefulSet.
type VolumeClaim struct {
	// Name of the claim template and volume (a DNS-1123 label).
	Name string
	// MountPath in the container.
	MountPath string
	// Size requested, "10Gi".
	Size string
	// StorageClassName; empty uses the cluster default.
	StorageClassName string
}

// DeploymentObjects are the objects of a Deployment, in apply order.
type DeploymentObjects struct {
	// ServiceAccount is the workload's own identity, without a token.
	ServiceAccount *corev1.ServiceAccount
	// Service is nil unless Workload.Service is set.
	Service *corev1.Service
	// Deployment runs the pods.
	Deployment *appsv1.Deployment
	// PodDisruptionBudget allows one pod at a time to be disrupted.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
}

// Objects lists the objects in apply order.
func (o *DeploymentObjects) Objects() []prodkube.Object {
	objs := []prodkube.Object{o.ServiceAccount}
	if o.Service != nil {
		objs = append(objs, o.Service)
	}
	return append(objs, o.Deployment, o.PodDisruptionBudget)
}

// StatefulSetObjects are the objects of a StatefulSet, in apply order.
type StatefulSetObjects struct {
	// ServiceAccount is the workload's own identity, without a token.
	ServiceAccount *corev1.ServiceAccount
	// HeadlessService gives every pod a stable DNS name.
	HeadlessService *corev1.Service
	// Service is nil unless Workload.Service is set.
	Service *corev1.Service
	// StatefulSet runs the pods.
	StatefulSet *appsv1.StatefulSet
	// PodDisruptionBudget allows one pod at a time to be disrupted.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
}

// Objects lists the objects in apply order.
func (o *StatefulSetObjects) Objects() []prodkube.Object {
	objs := []prodkube.Object{o.ServiceAccount, o.HeadlessService}
	if o.Service != nil {
		objs = append(objs, o.Service)
	}
	return append(objs, o.StatefulSet, o.PodDisruptionBudget)
}

var (
	imageDomain    = `(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)`
	imageComponent = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
	imageRE        = regexp.MustCompile(`^(` + imageDomain + `?` + imageComponent + `(?:/` + imageComponent + `)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`)
)

// validateImage requires a reference pinned by tag (not "latest") or digest.
func validateImage(s string, p *field.Path) field.ErrorList {
	if s == "" {
		return field.ErrorList{field.Required(p, `an image pinned by tag or digest, such as "registry.k8s.io/pause:3.10"`)}
	}
	m := imageRE.FindStringSubmatch(s)
	if m == nil || len(s) > 4096 {
		return field.ErrorList{field.Invalid(p, s, "must be an image reference: [registry/]path[:tag][@sha256:<64 hex>]")}
	}
	tag, digest := m[2], m[3]
	switch {
	case tag == "" && digest == "":
		return field.ErrorList{field.Invalid(p, s, "must be pinned by a version tag or a digest; an untagged image means :latest")}
	case tag == "latest" && digest == "":
		return field.ErrorList{field.Invalid(p, s, "must be pinned by a version tag or a digest, not :latest")}
	}
	return nil
}

func (w Workload) replicas() int32 {
	if w.Replicas == 0 {
		return DefaultReplicas
	}
	return w.Replicas
}

func (w Workload) instance() string {
	if w.Instance == "" {
		return w.Name
	}
	return w.Instance
}

func (w Workload) writablePaths() []string {
	if w.WritablePaths == nil {
		return []string{"/tmp"}
	}
	return w.WritablePaths
}

func (w Workload) selector() map[string]string {
	return map[string]string{LabelName: w.Name, LabelInstance: w.instance()}
}

func (w Workload) objectLabels() map[string]string {
	l := copyMap(w.Labels)
	if l == nil {
		l = map[string]string{}
	}
	for k, v := range w.selector() {
		l[k] = v
	}
	return l
}

// validate checks everything but the kind-specific parts. maxName bounds
// the name length (StatefulSet pod names and revision labels need room).
func (w Workload) validate(maxName int, mounts map[string]bool) field.ErrorList {
	var errs field.ErrorList
	np := field.NewPath("name")
	if w.Name == "" {
		errs = append(errs, field.Required(np, ""))
	} else {
		for _, msg := range validation.IsDNS1035Label(w.Name) {
			errs = append(errs, field.Invalid(np, w.Name, msg))
		}
		if len(w.Name) > maxName {
			errs = append(errs, field.TooLong(np, w.Name, maxName))
		}
	}
	errs = append(errs, validateNamespaced("", w.Namespace)...)
	if w.Instance != "" {
		for _, msg := range validation.IsValidLabelValue(w.Instance) {
			errs = append(errs, field.Invalid(field.NewPath("instance"), w.Instance, msg))
		}
	}
	errs = append(errs, validateImage(w.Image, field.NewPath("image"))...)
	errs = append(errs, validateLabels(w.Labels, field.NewPath("labels"))...)
	for _, k := range []string{LabelName, LabelInstance} {
		if _, ok := w.Labels[k]; ok {
			errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "comes from name/instance"))
		}
	}
	portNames := map[string]bool{}
	portKeys := map[string]bool{}
	for i, pt := range w.Ports {
		pp := field.NewPath("ports").Index(i)
		if pt.Name == "" {
			errs = append(errs, field.Required(pp.Child("name"), "probes and Services refer to ports by name"))
		} else {
			for _, msg := range validation.IsValidPortName(pt.Name) {
				errs = append(errs, field.Invalid(pp.Child("name"), pt.Name, msg))
			}
			if portNames[pt.Name] {
				errs = append(errs, field.Duplicate(pp.Child("name"), pt.Name))
			}
			portNames[pt.Name] = true
		}
		for _, msg := range validation.IsValidPortNum(int(pt.Port)) {
			errs = append(errs, field.Invalid(pp.Child("port"), pt.Port, msg))
		}
		switch pt.Protocol {
		case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			errs = append(errs, field.NotSupported(pp.Child("protocol"), pt.Protocol, []string{"TCP", "UDP", "SCTP"}))
		}
		key := fmt.Sprintf("%d/%s", pt.Port, protocol(pt.Protocol))
		if portKeys[key] {
			errs = append(errs, field.Duplicate(pp.Child("port"), key))
		}
		portKeys[key] = true
	}
	envNames := map[string]bool{}
	for i, e := range w.Env {
		ep := field.NewPath("env").Index(i)
		for _, msg := range validation.IsEnvVarName(e.Name) {
			errs = append(errs, field.Invalid(ep.Child("name"), e.Name, msg))
		}
		if envNames[e.Name] {
			errs = append(errs, field.Duplicate(ep.Child("name"), e.Name))
		}
		envNames[e.Name] = true
		switch {
		case e.SecretName == "" && e.SecretKey == "":
		case e.Value != "":
			errs = append(errs, field.Invalid(ep.Child("value"), "", "set either value or secretName/secretKey, not both"))
		default:
			for _, msg := range validation.IsDNS1123Subdomain(e.SecretName) {
				errs = append(errs, field.Invalid(ep.Child("secretName"), e.SecretName, msg))
			}
			for _, msg := range validation.IsConfigMapKey(e.SecretKey) {
				errs = append(errs, field.Invalid(ep.Child("secretKey"), e.SecretKey, msg))
			}
		}
	}
	errs = append(errs, w.validateResources()...)
	if w.ReadinessProbe == nil {
		errs = append(errs, field.Required(field.NewPath("readinessProbe"), "a readiness probe keeps unready pods out of Service endpoints"))
	} else {
		errs = append(errs, w.validateProbe(w.ReadinessProbe, field.NewPath("readinessProbe"), portNames)...)
	}
	if w.LivenessProbe != nil {
		errs = append(errs, w.validateProbe(w.LivenessProbe, field.NewPath("livenessProbe"), portNames)...)
		if w.ReadinessProbe != nil && equality.Semantic.DeepEqual(w.ReadinessProbe, w.LivenessProbe) {
			errs = append(errs, field.Invalid(field.NewPath("livenessProbe"), "", "must differ from the readiness probe (for example a cheaper endpoint or a longer period), or a busy pod is restarted instead of being taken out of rotation"))
		}
	}
	switch {
	case w.Replicas < 0:
		errs = append(errs, field.Invalid(field.NewPath("replicas"), w.Replicas, "must not be negative"))
	case w.Replicas == 1 && !w.AllowSingleReplica:
		errs = append(errs, field.Invalid(field.NewPath("replicas"), w.Replicas, "at least 2 replicas keep the workload available through drains and rollouts (or set AllowSingleReplica)"))
	}
	if w.Autoscaled && w.Replicas != 0 {
		errs = append(errs, field.Forbidden(field.NewPath("replicas"), "is managed by the autoscaler when Autoscaled is set"))
	}
	if w.PriorityClassName != "" {
		for _, msg := range validation.IsDNS1123Subdomain(w.PriorityClassName) {
			errs = append(errs, field.Invalid(field.NewPath("priorityClassName"), w.PriorityClassName, msg))
		}
	}
	if w.Service != nil {
		switch w.Service.Type {
		case "", corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
		default:
			errs = append(errs, field.NotSupported(field.NewPath("service", "type"), w.Service.Type, []string{"ClusterIP", "NodePort", "LoadBalancer"}))
		}
		if len(w.Ports) == 0 {
			errs = append(errs, field.Required(field.NewPath("ports"), "a Service needs at least one port"))
		}
	}
	errs = append(errs, withPrefix("security", w.Security.Validate())...)
	for i, p := range w.writablePaths() {
		pp := field.NewPath("writablePaths").Index(i)
		if errs2 := validateAbsPath(p, pp); len(errs2) > 0 || p == "/" {
			errs = append(errs, field.Invalid(pp, p, "must be a clean absolute path other than /"))
			continue
		}
		if mounts[p] {
			errs = append(errs, field.Duplicate(pp, p))
		}
		mounts[p] = true
	}
	return errs
}

func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

func (w Workload) validateResources() field.ErrorList {
	var errs field.ErrorList
	rp := field.NewPath("resources")
	req, e := w.Resources.Requests.parse(rp.Child("requests"))
	errs = append(errs, e...)
	lim, e := w.Resources.Limits.parse(rp.Child("limits"))
	errs = append(errs, e...)
	for _, n := range computeNames {
		key := string(n)
		r, okR := req[n]
		l, okL := lim[n]
		if w.Resources.Requests.get(n) == "" {
			errs = append(errs, field.Required(rp.Child("requests", key), "every container requests cpu, memory and ephemeral-storage"))
		} else if okR && r.IsZero() {
			errs = append(errs, field.Invalid(rp.Child("requests", key), w.Resources.Requests.get(n), "must be greater than zero"))
		}
		if n == corev1.ResourceCPU && w.NoCPULimit {
			if w.Resources.Limits.CPU != "" {
				errs = append(errs, field.Forbidden(rp.Child("limits", key), "NoCPULimit is set"))
			}
			continue
		}
		if w.Resources.Limits.get(n) == "" {
			errs = append(errs, field.Required(rp.Child("limits", key), "every container limits memory, ephemeral-storage and (unless NoCPULimit) cpu"))
		} else if okL && okR && r.Cmp(l) > 0 {
			errs = append(errs, field.Invalid(rp.Child("limits", key), w.Resources.Limits.get(n), fmt.Sprintf("must be at least the request %s", w.Resources.Requests.get(n))))
		}
	}
	return errs
}

func (w Workload) validateProbe(pr *Probe, p *field.Path, portNames map[string]bool) field.ErrorList {
	var errs field.ErrorList
	n := 0
	if pr.HTTPPath != "" {
		n++
		if !strings.HasPrefix(pr.HTTPPath, "/") || strings.ContainsAny(pr.HTTPPath, " \t\r\n\x00") {
			errs = append(errs, field.Invalid(p.Child("httpPath"), pr.HTTPPath, "must be an absolute URL path without whitespace"))
		}
	}
	if pr.TCP {
		n++
	}
	if pr.GRPC {
		n++
	}
	if len(pr.Exec) > 0 {
		n++
	}
	if n != 1 {
		errs = append(errs, field.Invalid(p, n, "exactly one of httpPath, tcp, grpc and exec must be set"))
	}
	if len(pr.Exec) == 0 {
		switch pr.Port.Type {
		case intstr.Int:
			if pr.Port.IntVal == 0 && pr.Port.StrVal == "" {
				if len(w.Ports) == 0 {
					errs = append(errs, field.Required(p.Child("port"), "no container port to default to"))
				}
			} else {
				for _, msg := range validation.IsValidPortNum(int(pr.Port.IntVal)) {
					errs = append(errs, field.Invalid(p.Child("port"), pr.Port.IntVal, msg))
				}
			}
		case intstr.String:
			if pr.GRPC {
				errs = append(errs, field.Invalid(p.Child("port"), pr.Port.StrVal, "a gRPC probe needs a port number"))
			} else if !portNames[pr.Port.StrVal] {
				errs = append(errs, field.NotFound(p.Child("port"), pr.Port.StrVal))
			}
		default:
			errs = append(errs, field.Invalid(p.Child("port"), pr.Port.Type, "must be a port name or number"))
		}
	} else if pr.Port.Type != intstr.Int || pr.Port.IntVal != 0 || pr.Port.StrVal != "" {
		errs = append(errs, field.Forbidden(p.Child("port"), "an exec probe has no port"))
	}
	for _, t := range []struct {
		name string
		v    int32
	}{{"initialDelaySeconds", pr.InitialDelaySeconds}, {"periodSeconds", pr.PeriodSeconds}, {"timeoutSeconds", pr.TimeoutSeconds}, {"failureThreshold", pr.FailureThreshold}} {
		if t.v < 0 {
			errs = append(errs, field.Invalid(p.Child(t.name), t.v, "must not be negative"))
		}
	}
	return errs
}

func (w Workload) probe(pr *Probe) *corev1.Probe {
	if pr == nil {
		return nil
	}
	port := pr.Port
	if port.Type == intstr.Int && port.IntVal == 0 && len(w.Ports) > 0 {
		if pr.GRPC {
			port = intstr.FromInt32(w.Ports[0].Port)
		} else {
			port = intstr.FromString(w.Ports[0].Name)
		}
	}
	out := &corev1.Probe{
		InitialDelaySeconds: pr.InitialDelaySeconds,
		PeriodSeconds:       pr.PeriodSeconds,
		TimeoutSeconds:      pr.TimeoutSeconds,
		FailureThreshold:    pr.FailureThreshold,
	}
	switch {
	case pr.HTTPPath != "":
		out.HTTPGet = &corev1.HTTPGetAction{Path: pr.HTTPPath, Port: port}
	case pr.TCP:
		out.TCPSocket = &corev1.TCPSocketAction{Port: port}
	case pr.GRPC:
		out.GRPC = &corev1.GRPCAction{Port: port.IntVal}
	default:
		out.Exec = &corev1.ExecAction{Command: append([]string(nil), pr.Exec...)}
	}
	return out
}

func resourceList(c Compute, skipCPU bool) corev1.ResourceList {
	out := corev1.ResourceList{}
	for _, n := range computeNames {
		if s := c.get(n); s != "" && !(skipCPU && n == corev1.ResourceCPU) {
			out[n] = resource.MustParse(s)
		}
	}
	return out
}

// podTemplate builds the validated workload's pod template; extraMounts are
// volume mounts of kind-specific volumes.
func (w Workload) podTemplate(ctx security.Contexts, extraMounts []corev1.VolumeMount, matchLabelKeys []string) corev1.PodTemplateSpec {
	sel := w.selector()
	c := corev1.Container{
		Name:                     w.Name,
		Image:                    w.Image,
		Command:                  append([]string(nil), w.Command...),
		Args:                     append([]string(nil), w.Args...),
		ImagePullPolicy:          corev1.PullIfNotPresent,
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		Resources: corev1.ResourceRequirements{
			Requests: resourceList(w.Resources.Requests, false),
			Limits:   resourceList(w.Resources.Limits, w.NoCPULimit),
		},
		ReadinessProbe: w.probe(w.ReadinessProbe),
		LivenessProbe:  w.probe(w.LivenessProbe),
	}
	for _, p := range w.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.Port, Protocol: protocol(p.Protocol)})
	}
	for _, e := range w.Env {
		if e.SecretName != "" || e.SecretKey != "" {
			c.Env = append(c.Env, corev1.EnvVar{Name: e.Name, ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: e.SecretName}, Key: e.SecretKey},
			}})
		} else {
			c.Env = append(c.Env, corev1.EnvVar{Name: e.Name, Value: e.Value})
		}
	}
	var volumes []corev1.Volume
	for i, p := range w.writablePaths() {
		name := fmt.Sprintf("writable-%d", i)
		volumes = append(volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: p})
	}
	c.VolumeMounts = append(c.VolumeMounts, extraMounts...)
	spec := corev1.PodSpec{
		ServiceAccountName:           w.Name,
		AutomountServiceAccountToken: ptr(false),
		EnableServiceLinks:           ptr(false),
		PriorityClassName:            w.PriorityClassName,
		Containers:                   []corev1.Container{c},
		Volumes:                      volumes,
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{
			{
				MaxSkew:           1,
				TopologyKey:       corev1.LabelTopologyZone,
				WhenUnsatisfiable: corev1.DoNotSchedule,
				LabelSelector:     &metav1.LabelSelector{MatchLabels: copyMap(sel)},
				MatchLabelKeys:    append([]string(nil), matchLabelKeys...),
			},
			{
				MaxSkew:           1,
				TopologyKey:       corev1.LabelHostname,
				WhenUnsatisfiable: corev1.ScheduleAnyway,
				LabelSelector:     &metav1.LabelSelector{MatchLabels: copyMap(sel)},
				MatchLabelKeys:    append([]string(nil), matchLabelKeys...),
			},
		},
	}
	ctx.Apply(&spec)
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: copyMap(sel)}, Spec: spec}
}

func ptr[T any](v T) *T { return &v }

// common builds what both kinds share once the spec is valid.
func (w Workload) common() (*corev1.ServiceAccount, *policyv1.PodDisruptionBudget, security.Contexts, error) {
	ctx, err := w.Security.Build()
	if err != nil {
		return nil, nil, ctx, err
	}
	sa, err := security.ServiceAccount{Name: w.Name, Namespace: w.Namespace, Labels: w.objectLabels()}.Build()
	if err != nil {
		return nil, nil, ctx, err
	}
	one := intstr.FromInt32(1)
	policy := policyv1.AlwaysAllow
	pdb := &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: w.objectLabels()},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable:             &one,
			Selector:                   &metav1.LabelSelector{MatchLabels: w.selector()},
			UnhealthyPodEvictionPolicy: &policy,
		},
	}
	return sa, pdb, ctx, nil
}

func (w Workload) service(name string, headless bool) *corev1.Service {
	s := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: w.Namespace, Labels: w.objectLabels()},
		Spec:       corev1.ServiceSpec{Selector: w.selector()},
	}
	if headless {
		s.Spec.ClusterIP = corev1.ClusterIPNone
		s.Spec.PublishNotReadyAddresses = true
	} else if w.Service != nil && w.Service.Type != "" {
		s.Spec.Type = w.Service.Type
	} else {
		s.Spec.Type = corev1.ServiceTypeClusterIP
	}
	for _, p := range w.Ports {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: p.Name, Port: p.Port, TargetPort: intstr.FromString(p.Name), Protocol: protocol(p.Protocol)})
	}
	return s
}

// checkTemplate holds the built template to the package's own promises.
func (w Workload) checkTemplate(t *corev1.PodTemplateSpec) error {
	p := field.NewPath("template", "spec")
	errs := withPrefix(p.String(), ResourcePolicy{NoCPULimit: w.NoCPULimit}.Check(&t.Spec))
	errs = append(errs, withPrefix("template", security.CheckPodSpec(security.LevelRestricted, &t.ObjectMeta, &t.Spec))...)
	if len(errs) > 0 {
		return errs.ToAggregate()
	}
	return nil
}

// Validate reports every problem of the spec.
func (d Deployment) Validate() field.ErrorList {
	return d.Workload.validate(validation.DNS1035LabelMaxLength, map[string]bool{})
}

// Build validates the spec and returns the Deployment and its companions.
func (d Deployment) Build() (*DeploymentObjects, error) {
	if errs := d.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	w := d.Workload
	sa, pdb, ctx, err := w.common()
	if err != nil {
		return nil, err
	}
	tmpl := w.podTemplate(ctx, nil, []string{appsv1.DefaultDeploymentUniqueLabelKey})
	if err := w.checkTemplate(&tmpl); err != nil {
		return nil, err
	}
	zero := intstr.FromInt32(0)
	surge := intstr.FromInt32(1)
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: w.objectLabels()},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: w.selector()},
			Template: tmpl,
			Strategy: appsv1.DeploymentStrategy{
				Type:          appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &zero, MaxSurge: &surge},
			},
		},
	}
	if !w.Autoscaled {
		dep.Spec.Replicas = ptr(w.replicas())
	}
	out := &DeploymentObjects{ServiceAccount: sa, Deployment: dep, PodDisruptionBudget: pdb}
	if w.Service != nil {
		out.Service = w.service(w.Name, false)
	}
	return out, nil
}

// maxStatefulSetName leaves room for the pod ordinal and the
// controller-revision-hash label value (<name>-<hash>, at most 63).
const maxStatefulSetName = 52

// HeadlessServiceName is the governing Service of the StatefulSet name.
func HeadlessServiceName(name string) string { return name + "-headless" }

// Validate reports every problem of the spec.
func (s StatefulSet) Validate() field.ErrorList {
	mounts := map[string]bool{}
	errs := s.Workload.validate(maxStatefulSetName, mounts)
	names := map[string]bool{}
	for i, v := range s.Volumes {
		vp := field.NewPath("volumes").Index(i)
		if v.Name == "" {
			errs = append(errs, field.Required(vp.Child("name"), ""))
		} else {
			for _, msg := range validation.IsDNS1123Label(v.Name) {
				errs = append(errs, field.Invalid(vp.Child("name"), v.Name, msg))
			}
			if strings.HasPrefix(v.Name, "writable-") {
				errs = append(errs, field.Invalid(vp.Child("name"), v.Name, "the prefix writable- is used by writablePaths"))
			}
			if names[v.Name] {
				errs = append(errs, field.Duplicate(vp.Child("name"), v.Name))
			}
			names[v.Name] = true
		}
		if e := validateAbsPath(v.MountPath, vp.Child("mountPath")); len(e) > 0 || v.MountPath == "/" {
			errs = append(errs, field.Invalid(vp.Child("mountPath"), v.MountPath, "must be a clean absolute path other than /"))
		} else {
			if mounts[v.MountPath] {
				errs = append(errs, field.Duplicate(vp.Child("mountPath"), v.MountPath))
			}
			mounts[v.MountPath] = true
		}
		if v.Size == "" {
			errs = append(errs, field.Required(vp.Child("size"), `the storage to request, such as "10Gi"`))
		} else if q, err := parseQuantity(v.Size, vp.Child("size")); err != nil {
			errs = append(errs, err)
		} else if q.IsZero() {
			errs = append(errs, field.Invalid(vp.Child("size"), v.Size, "must be greater than zero"))
		}
		if v.StorageClassName != "" {
			for _, msg := range validation.IsDNS1123Subdomain(v.StorageClassName) {
				errs = append(errs, field.Invalid(vp.Child("storageClassName"), v.StorageClassName, msg))
			}
		}
	}
	return errs
}

// Build validates the spec and returns the StatefulSet and its companions.
func (s StatefulSet) Build() (*StatefulSetObjects, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	w := s.Workload
	sa, pdb, ctx, err := w.common()
	if err != nil {
		return nil, err
	}
	var mounts []corev1.VolumeMount
	var claims []corev1.PersistentVolumeClaim
	for _, v := range s.Volumes {
		mounts = append(mounts, corev1.VolumeMount{Name: v.Name, MountPath: path.Clean(v.MountPath)})
		pvc := corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: v.Name, Labels: w.selector()},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(v.Size)}},
			},
		}
		if v.StorageClassName != "" {
			pvc.Spec.StorageClassName = ptr(v.StorageClassName)
		}
		claims = append(claims, pvc)
	}
	tmpl := w.podTemplate(ctx, mounts, nil)
	if err := w.checkTemplate(&tmpl); err != nil {
		return nil, err
	}
	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: w.objectLabels()},
		Spec: appsv1.StatefulSetSpec{
			ServiceName:          HeadlessServiceName(w.Name),
			Selector:             &metav1.LabelSelector{MatchLabels: w.selector()},
			Template:             tmpl,
			VolumeClaimTemplates: claims,
			PodManagementPolicy:  appsv1.OrderedReadyPodManagement,
			UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			},
		},
	}
	if !w.Autoscaled {
		sts.Spec.Replicas = ptr(w.replicas())
	}
	out := &StatefulSetObjects{ServiceAccount: sa, HeadlessService: w.service(HeadlessServiceName(w.Name), true), StatefulSet: sts, PodDisruptionBudget: pdb}
	if w.Service != nil {
		out.Service = w.service(w.Name, false)
	}
	return out, nil
}

// withPrefix roots every error's path at prefix.
func withPrefix(prefix string, errs field.ErrorList) field.ErrorList {
	for _, e := range errs {
		if e.Field == "" {
			e.Field = prefix
		} else if strings.HasPrefix(e.Field, "[") {
			e.Field = prefix + e.Field
		} else {
			e.Field = prefix + "." + e.Field
		}
	}
	return errs
}
