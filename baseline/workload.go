package baseline

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/internal/names"
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
	// TerminationGracePeriod is how long a pod may take to stop after
	// SIGTERM, in whole seconds; zero keeps Kubernetes' default (30 s).
	// Spot pools need it short: the provider reclaims the node soon after
	// its notice.
	TerminationGracePeriod time.Duration
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

// selector returns a fresh map of the two selector labels.
func (w Workload) selector() map[string]string {
	return map[string]string{LabelName: w.Name, LabelInstance: w.instance()}
}

// objectLabels returns a fresh map of Labels and the selector labels.
func (w Workload) objectLabels() map[string]string {
	l := make(map[string]string, len(w.Labels)+2)
	for k, v := range w.Labels {
		l[k] = v
	}
	l[LabelName] = w.Name
	l[LabelInstance] = w.instance()
	return l
}

// parsedResources are the workload's validated requests and limits, in the
// order of computeNames; ok tells which are set.
type parsedResources struct {
	req, lim     [3]resource.Quantity
	reqOK, limOK [3]bool
}

// portKey identifies a container port for the duplicate check.
type portKey struct {
	port     int32
	protocol corev1.Protocol
}

// validate checks everything but the kind-specific parts. maxName bounds
// the name length (StatefulSet pod names and revision labels need room).
// It returns the parsed resources for the build to reuse. Field paths are
// built only for the problems found.
func (w Workload) validate(maxName int, mounts map[string]bool) (parsedResources, field.ErrorList) {
	var errs field.ErrorList
	if w.Name == "" {
		errs = append(errs, field.Required(field.NewPath("name"), ""))
	} else {
		for _, msg := range names.IsDNS1035Label(w.Name) {
			errs = append(errs, field.Invalid(field.NewPath("name"), w.Name, msg))
		}
		if len(w.Name) > maxName {
			errs = append(errs, field.TooLong(field.NewPath("name"), w.Name, maxName))
		}
	}
	errs = append(errs, validateNamespaced("", w.Namespace)...)
	if w.Instance != "" {
		for _, msg := range names.IsValidLabelValue(w.Instance) {
			errs = append(errs, field.Invalid(field.NewPath("instance"), w.Instance, msg))
		}
	}
	errs = append(errs, validateImage(w.Image)...)
	errs = append(errs, validateLabels(w.Labels, "labels")...)
	for _, k := range [...]string{LabelName, LabelInstance} {
		if _, ok := w.Labels[k]; ok {
			errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "comes from name/instance"))
		}
	}
	// Duplicates are found by looking back over the (few) earlier entries.
	for i, pt := range w.Ports {
		pp := func() *field.Path { return field.NewPath("ports").Index(i) }
		if pt.Name == "" {
			errs = append(errs, field.Required(pp().Child("name"), "probes and Services refer to ports by name"))
		} else {
			for _, msg := range names.IsValidPortName(pt.Name) {
				errs = append(errs, field.Invalid(pp().Child("name"), pt.Name, msg))
			}
			if w.hasPortName(pt.Name, i) {
				errs = append(errs, field.Duplicate(pp().Child("name"), pt.Name))
			}
		}
		for _, msg := range validation.IsValidPortNum(int(pt.Port)) {
			errs = append(errs, field.Invalid(pp().Child("port"), pt.Port, msg))
		}
		switch pt.Protocol {
		case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			errs = append(errs, field.NotSupported(pp().Child("protocol"), pt.Protocol, []string{"TCP", "UDP", "SCTP"}))
		}
		key := portKey{pt.Port, protocol(pt.Protocol)}
		if slices.ContainsFunc(w.Ports[:i], func(q Port) bool { return portKey{q.Port, protocol(q.Protocol)} == key }) {
			errs = append(errs, field.Duplicate(pp().Child("port"), fmt.Sprintf("%d/%s", key.port, key.protocol)))
		}
	}
	for i, e := range w.Env {
		ep := func() *field.Path { return field.NewPath("env").Index(i) }
		for _, msg := range validation.IsEnvVarName(e.Name) {
			errs = append(errs, field.Invalid(ep().Child("name"), e.Name, msg))
		}
		if slices.ContainsFunc(w.Env[:i], func(f EnvVar) bool { return f.Name == e.Name }) {
			errs = append(errs, field.Duplicate(ep().Child("name"), e.Name))
		}
		switch {
		case e.SecretName == "" && e.SecretKey == "":
		case e.Value != "":
			errs = append(errs, field.Invalid(ep().Child("value"), "", "set either value or secretName/secretKey, not both"))
		default:
			for _, msg := range names.IsDNS1123Subdomain(e.SecretName) {
				errs = append(errs, field.Invalid(ep().Child("secretName"), e.SecretName, msg))
			}
			for _, msg := range validation.IsConfigMapKey(e.SecretKey) {
				errs = append(errs, field.Invalid(ep().Child("secretKey"), e.SecretKey, msg))
			}
		}
	}
	res, rerrs := w.validateResources()
	errs = append(errs, rerrs...)
	if w.ReadinessProbe == nil {
		errs = append(errs, field.Required(field.NewPath("readinessProbe"), "a readiness probe keeps unready pods out of Service endpoints"))
	} else {
		errs = append(errs, w.validateProbe(w.ReadinessProbe, "readinessProbe")...)
	}
	if w.LivenessProbe != nil {
		errs = append(errs, w.validateProbe(w.LivenessProbe, "livenessProbe")...)
		if w.ReadinessProbe != nil && probesEqual(w.ReadinessProbe, w.LivenessProbe) {
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
	if g := w.TerminationGracePeriod; g < 0 || g%time.Second != 0 || g > 24*time.Hour {
		errs = append(errs, field.Invalid(field.NewPath("terminationGracePeriod"), g.String(), "must be whole seconds from 0 to 24h"))
	}
	if w.PriorityClassName != "" {
		for _, msg := range names.IsDNS1123Subdomain(w.PriorityClassName) {
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
		if !isCleanAbsPath(p) || p == "/" {
			errs = append(errs, field.Invalid(field.NewPath("writablePaths").Index(i), p, "must be a clean absolute path other than /"))
			continue
		}
		if mounts[p] {
			errs = append(errs, field.Duplicate(field.NewPath("writablePaths").Index(i), p))
		}
		mounts[p] = true
	}
	return res, errs
}

// hasPortName reports whether one of the first n ports has the non-empty
// name.
func (w Workload) hasPortName(name string, n int) bool {
	return name != "" && slices.ContainsFunc(w.Ports[:n], func(p Port) bool { return p.Name == name })
}

// probesEqual reports whether two probes are equal the way
// equality.Semantic.DeepEqual compares them: field by field, with a nil and
// an empty Exec equal.
func probesEqual(a, b *Probe) bool {
	return a.HTTPPath == b.HTTPPath && a.TCP == b.TCP && a.GRPC == b.GRPC &&
		slices.Equal(a.Exec, b.Exec) && a.Port == b.Port &&
		a.InitialDelaySeconds == b.InitialDelaySeconds && a.PeriodSeconds == b.PeriodSeconds &&
		a.TimeoutSeconds == b.TimeoutSeconds && a.FailureThreshold == b.FailureThreshold
}

func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// validateResources checks the requests and limits and returns them
// parsed.
func (w Workload) validateResources() (parsedResources, field.ErrorList) {
	var res parsedResources
	var errs field.ErrorList
	var e field.ErrorList
	res.req, res.reqOK, e = w.Resources.Requests.parseEach("resources", "requests")
	errs = append(errs, e...)
	res.lim, res.limOK, e = w.Resources.Limits.parseEach("resources", "limits")
	errs = append(errs, e...)
	at := func(list string, n corev1.ResourceName) *field.Path {
		return field.NewPath("resources", list, string(n))
	}
	for i, n := range computeNames {
		r, okR := res.req[i], res.reqOK[i]
		l, okL := res.lim[i], res.limOK[i]
		if w.Resources.Requests.get(n) == "" {
			errs = append(errs, field.Required(at("requests", n), "every container requests cpu, memory and ephemeral-storage"))
		} else if okR && r.IsZero() {
			errs = append(errs, field.Invalid(at("requests", n), w.Resources.Requests.get(n), "must be greater than zero"))
		}
		if n == corev1.ResourceCPU && w.NoCPULimit {
			if w.Resources.Limits.CPU != "" {
				errs = append(errs, field.Forbidden(at("limits", n), "NoCPULimit is set"))
			}
			continue
		}
		if w.Resources.Limits.get(n) == "" {
			errs = append(errs, field.Required(at("limits", n), "every container limits memory, ephemeral-storage and (unless NoCPULimit) cpu"))
		} else if okL && okR && r.Cmp(l) > 0 {
			errs = append(errs, field.Invalid(at("limits", n), w.Resources.Limits.get(n), fmt.Sprintf("must be at least the request %s", w.Resources.Requests.get(n))))
		}
	}
	return res, errs
}

// validateProbe checks a probe; name is its field, and paths are built
// only for the problems found.
func (w Workload) validateProbe(pr *Probe, name string) field.ErrorList {
	var errs field.ErrorList
	n := 0
	if pr.HTTPPath != "" {
		n++
		if !strings.HasPrefix(pr.HTTPPath, "/") || strings.ContainsAny(pr.HTTPPath, " \t\r\n\x00") {
			errs = append(errs, field.Invalid(field.NewPath(name, "httpPath"), pr.HTTPPath, "must be an absolute URL path without whitespace"))
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
		errs = append(errs, field.Invalid(field.NewPath(name), n, "exactly one of httpPath, tcp, grpc and exec must be set"))
	}
	if len(pr.Exec) == 0 {
		switch pr.Port.Type {
		case intstr.Int:
			if pr.Port.IntVal == 0 && pr.Port.StrVal == "" {
				if len(w.Ports) == 0 {
					errs = append(errs, field.Required(field.NewPath(name, "port"), "no container port to default to"))
				}
			} else {
				for _, msg := range validation.IsValidPortNum(int(pr.Port.IntVal)) {
					errs = append(errs, field.Invalid(field.NewPath(name, "port"), pr.Port.IntVal, msg))
				}
			}
		case intstr.String:
			if pr.GRPC {
				errs = append(errs, field.Invalid(field.NewPath(name, "port"), pr.Port.StrVal, "a gRPC probe needs a port number"))
			} else if !w.hasPortName(pr.Port.StrVal, len(w.Ports)) {
				errs = append(errs, field.NotFound(field.NewPath(name, "port"), pr.Port.StrVal))
			}
		default:
			errs = append(errs, field.Invalid(field.NewPath(name, "port"), pr.Port.Type, "must be a port name or number"))
		}
	} else if pr.Port.Type != intstr.Int || pr.Port.IntVal != 0 || pr.Port.StrVal != "" {
		errs = append(errs, field.Forbidden(field.NewPath(name, "port"), "an exec probe has no port"))
	}
	for _, t := range [...]struct {
		name string
		v    int32
	}{{"initialDelaySeconds", pr.InitialDelaySeconds}, {"periodSeconds", pr.PeriodSeconds}, {"timeoutSeconds", pr.TimeoutSeconds}, {"failureThreshold", pr.FailureThreshold}} {
		if t.v < 0 {
			errs = append(errs, field.Invalid(field.NewPath(name, t.name), t.v, "must not be negative"))
		}
	}
	return errs
}

// probeBlock holds a probe and the handler it points to, so that a probe
// is one allocation.
type probeBlock struct {
	probe corev1.Probe
	http  corev1.HTTPGetAction
	tcp   corev1.TCPSocketAction
	grpc  corev1.GRPCAction
	exec  corev1.ExecAction
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
	b := &probeBlock{probe: corev1.Probe{
		InitialDelaySeconds: pr.InitialDelaySeconds,
		PeriodSeconds:       pr.PeriodSeconds,
		TimeoutSeconds:      pr.TimeoutSeconds,
		FailureThreshold:    pr.FailureThreshold,
	}}
	switch {
	case pr.HTTPPath != "":
		b.http = corev1.HTTPGetAction{Path: pr.HTTPPath, Port: port}
		b.probe.HTTPGet = &b.http
	case pr.TCP:
		b.tcp = corev1.TCPSocketAction{Port: port}
		b.probe.TCPSocket = &b.tcp
	case pr.GRPC:
		b.grpc = corev1.GRPCAction{Port: port.IntVal}
		b.probe.GRPC = &b.grpc
	default:
		b.exec = corev1.ExecAction{Command: append([]string(nil), pr.Exec...)}
		b.probe.Exec = &b.exec
	}
	return &b.probe
}

// resourceList returns the set quantities of q as a fresh ResourceList,
// without cpu when skipCPU.
func resourceList(q *[3]resource.Quantity, ok *[3]bool, skipCPU bool) corev1.ResourceList {
	out := make(corev1.ResourceList, len(computeNames))
	for i, n := range computeNames {
		if ok[i] && !(skipCPU && n == corev1.ResourceCPU) {
			out[n] = q[i]
		}
	}
	return out
}

// writableVolumeNames are the names of the first writable-path volumes.
var writableVolumeNames = [...]string{"writable-0", "writable-1", "writable-2", "writable-3", "writable-4", "writable-5", "writable-6", "writable-7"}

func writableVolumeName(i int) string {
	if i < len(writableVolumeNames) {
		return writableVolumeNames[i]
	}
	return "writable-" + strconv.Itoa(i)
}

// templateBlock holds what a pod template's pointer and slice fields refer
// to, so that they take one allocation. Nothing in it is shared with any
// other object.
type templateBlock struct {
	containers                        [1]corev1.Container
	spread                            [2]corev1.TopologySpreadConstraint
	spreadSelectors                   [2]metav1.LabelSelector
	automountToken, enableServiceLink bool
	// Room for the usual few ports, volumes, mounts and label keys; longer
	// lists get their own arrays.
	ports     [2]corev1.ContainerPort
	volumes   [1]corev1.Volume
	emptyDirs [1]corev1.EmptyDirVolumeSource
	mounts    [2]corev1.VolumeMount
	keys      [2]string
}

// sliceFor returns an empty slice with capacity n, in room when it fits.
// The capacity is exactly n, so that appending beyond it reallocates
// instead of writing into room that follows.
func sliceFor[T any](room []T, n int) []T {
	if n <= len(room) {
		return room[:0:n]
	}
	return make([]T, 0, n)
}

// podTemplate builds the validated workload's pod template from its parsed
// resources; extraMounts are volume mounts of kind-specific volumes.
func (w Workload) podTemplate(res *parsedResources, ctx security.Contexts, extraMounts []corev1.VolumeMount, matchLabelKeys []string) corev1.PodTemplateSpec {
	b := &templateBlock{}
	c := &b.containers[0]
	*c = corev1.Container{
		Name:                     w.Name,
		Image:                    w.Image,
		Command:                  append([]string(nil), w.Command...),
		Args:                     append([]string(nil), w.Args...),
		ImagePullPolicy:          corev1.PullIfNotPresent,
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		Resources: corev1.ResourceRequirements{
			Requests: resourceList(&res.req, &res.reqOK, false),
			Limits:   resourceList(&res.lim, &res.limOK, w.NoCPULimit),
		},
		ReadinessProbe: w.probe(w.ReadinessProbe),
		LivenessProbe:  w.probe(w.LivenessProbe),
	}
	if len(w.Ports) > 0 {
		c.Ports = sliceFor(b.ports[:], len(w.Ports))
	}
	for _, p := range w.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.Port, Protocol: protocol(p.Protocol)})
	}
	if len(w.Env) > 0 {
		c.Env = make([]corev1.EnvVar, 0, len(w.Env))
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
	paths := w.writablePaths()
	if len(paths) > 0 {
		volumes = sliceFor(b.volumes[:], len(paths))
	}
	if n := len(paths) + len(extraMounts); n > 0 {
		c.VolumeMounts = sliceFor(b.mounts[:], n)
	}
	for i, p := range paths {
		name := writableVolumeName(i)
		emptyDir := &corev1.EmptyDirVolumeSource{}
		if i < len(b.emptyDirs) {
			emptyDir = &b.emptyDirs[i]
		}
		volumes = append(volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: emptyDir}})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: p})
	}
	c.VolumeMounts = append(c.VolumeMounts, extraMounts...)
	b.spreadSelectors[0].MatchLabels = w.selector()
	b.spreadSelectors[1].MatchLabels = w.selector()
	// Each constraint gets its own copy of the keys, in one backing array
	// capped at each copy's end.
	var keys0, keys1 []string
	if n := len(matchLabelKeys); n > 0 {
		buf := sliceFor(b.keys[:], 2*n)[:2*n]
		copy(buf, matchLabelKeys)
		copy(buf[n:], matchLabelKeys)
		keys0, keys1 = buf[:n:n], buf[n:]
	}
	b.spread = [2]corev1.TopologySpreadConstraint{
		{
			MaxSkew:           1,
			TopologyKey:       corev1.LabelTopologyZone,
			WhenUnsatisfiable: corev1.DoNotSchedule,
			LabelSelector:     &b.spreadSelectors[0],
			MatchLabelKeys:    keys0,
		},
		{
			MaxSkew:           1,
			TopologyKey:       corev1.LabelHostname,
			WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector:     &b.spreadSelectors[1],
			MatchLabelKeys:    keys1,
		},
	}
	spec := corev1.PodSpec{
		ServiceAccountName:           w.Name,
		AutomountServiceAccountToken: &b.automountToken,
		EnableServiceLinks:           &b.enableServiceLink,
		PriorityClassName:            w.PriorityClassName,
		Containers:                   b.containers[:],
		Volumes:                      volumes,
		TopologySpreadConstraints:    b.spread[:],
	}
	if w.TerminationGracePeriod > 0 {
		spec.TerminationGracePeriodSeconds = ptr(int64(w.TerminationGracePeriod / time.Second))
	}
	// The contexts were built for this template alone: the pod and its one
	// container take them as they are, which is what ctx.Apply would give
	// them, without a copy.
	spec.SecurityContext = ctx.Pod
	c.SecurityContext = ctx.Container
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: w.selector()}, Spec: spec}
}

func ptr[T any](v T) *T { return &v }

// pdbBlock holds a PodDisruptionBudget and what its pointer fields refer
// to, so that it is one allocation.
type pdbBlock struct {
	pdb      policyv1.PodDisruptionBudget
	one      intstr.IntOrString
	policy   policyv1.UnhealthyPodEvictionPolicyType
	selector metav1.LabelSelector
}

// common builds what both kinds share once the spec is valid; labels is a
// fresh objectLabels map the caller gives up (the ServiceAccount gets its
// own copy).
func (w Workload) common(labels map[string]string) (*corev1.ServiceAccount, *policyv1.PodDisruptionBudget, security.Contexts, error) {
	ctx, err := w.Security.Build()
	if err != nil {
		return nil, nil, ctx, err
	}
	sa, err := security.ServiceAccount{Name: w.Name, Namespace: w.Namespace, Labels: labels}.Build()
	if err != nil {
		return nil, nil, ctx, err
	}
	b := &pdbBlock{one: intstr.FromInt32(1), policy: policyv1.AlwaysAllow}
	b.selector.MatchLabels = w.selector()
	b.pdb = policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: labels},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable:             &b.one,
			Selector:                   &b.selector,
			UnhealthyPodEvictionPolicy: &b.policy,
		},
	}
	return sa, &b.pdb, ctx, nil
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
	errs := withPrefix("template.spec", ResourcePolicy{NoCPULimit: w.NoCPULimit}.Check(&t.Spec))
	errs = append(errs, withPrefix("template", security.CheckPodSpec(security.LevelRestricted, &t.ObjectMeta, &t.Spec))...)
	if len(errs) > 0 {
		return errs.ToAggregate()
	}
	return nil
}

// Validate reports every problem of the spec.
func (d Deployment) Validate() field.ErrorList {
	_, errs := d.Workload.validate(validation.DNS1035LabelMaxLength, map[string]bool{})
	return errs
}

// deploymentBlock holds a Deployment and what its pointer fields refer to,
// so that it is one allocation.
type deploymentBlock struct {
	objects       DeploymentObjects
	dep           appsv1.Deployment
	zero, surge   intstr.IntOrString
	rollingUpdate appsv1.RollingUpdateDeployment
	selector      metav1.LabelSelector
	replicas      int32
}

// Build validates the spec and returns the Deployment and its companions.
func (d Deployment) Build() (*DeploymentObjects, error) {
	res, errs := d.Workload.validate(validation.DNS1035LabelMaxLength, map[string]bool{})
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	w := d.Workload
	sa, pdb, ctx, err := w.common(w.objectLabels())
	if err != nil {
		return nil, err
	}
	b := &deploymentBlock{zero: intstr.FromInt32(0), surge: intstr.FromInt32(1)}
	b.dep.Spec.Template = w.podTemplate(&res, ctx, nil, []string{appsv1.DefaultDeploymentUniqueLabelKey})
	if err := w.checkTemplate(&b.dep.Spec.Template); err != nil {
		return nil, err
	}
	b.rollingUpdate = appsv1.RollingUpdateDeployment{MaxUnavailable: &b.zero, MaxSurge: &b.surge}
	b.selector.MatchLabels = w.selector()
	b.dep.TypeMeta = metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}
	b.dep.ObjectMeta = metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: w.objectLabels()}
	b.dep.Spec.Selector = &b.selector
	b.dep.Spec.Strategy = appsv1.DeploymentStrategy{
		Type:          appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &b.rollingUpdate,
	}
	if !w.Autoscaled {
		b.replicas = w.replicas()
		b.dep.Spec.Replicas = &b.replicas
	}
	out := &b.objects
	*out = DeploymentObjects{ServiceAccount: sa, Deployment: &b.dep, PodDisruptionBudget: pdb}
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
	_, errs := s.validate()
	return errs
}

func (s StatefulSet) validate() (parsedResources, field.ErrorList) {
	mounts := map[string]bool{}
	res, errs := s.Workload.validate(maxStatefulSetName, mounts)
	seen := map[string]bool{}
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
			if seen[v.Name] {
				errs = append(errs, field.Duplicate(vp.Child("name"), v.Name))
			}
			seen[v.Name] = true
		}
		if !isCleanAbsPath(v.MountPath) || v.MountPath == "/" {
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
	return res, errs
}

// Build validates the spec and returns the StatefulSet and its companions.
func (s StatefulSet) Build() (*StatefulSetObjects, error) {
	res, errs := s.validate()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	w := s.Workload
	sa, pdb, ctx, err := w.common(w.objectLabels())
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
	tmpl := w.podTemplate(&res, ctx, mounts, nil)
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
