package nodepool

import (
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Label keys and taint keys that prodkube sets on pool nodes. They live outside the
// kubernetes.io and k8s.io namespaces because NodeRestriction forbids kubelets to set most
// labels there (see the package documentation).
const (
	// LabelPool names the pool a node belongs to. Every placement selects on it.
	LabelPool = "pool.prodkube.io/name"
	// LabelPurpose records the pool's [Purpose].
	LabelPurpose = "pool.prodkube.io/purpose"
	// LabelCompliance records a compliance pool's [Regime].
	LabelCompliance = "pool.prodkube.io/compliance"
	// LabelIsolated carries the pool name on compliance pools. It is in the
	// node-restriction.kubernetes.io namespace, which kubelets may not set on themselves, so it
	// proves that an administrator admitted the node to the pool.
	LabelIsolated = corev1.LabelNamespaceNodeRestriction + "/prodkube-pool"
	// TaintDedicated is the key of the taint every dedicated pool carries; its value is the pool
	// name, so a toleration for one pool never tolerates another.
	TaintDedicated = "pool.prodkube.io/dedicated"
)

// Provider-set labels (and, for GKE and AKS, taint keys) for spot capacity, used exactly as
// the providers set them.
const (
	// LabelGKESpot is "true" on GKE Spot VM nodes; a dedicated GKE spot pool also carries the
	// taint cloud.google.com/gke-spot=true:NoSchedule, set through the pool's configuration.
	LabelGKESpot = "cloud.google.com/gke-spot"
	// LabelEKSCapacityType is SPOT or ON_DEMAND on EKS managed node group nodes.
	LabelEKSCapacityType = "eks.amazonaws.com/capacityType"
	// LabelKarpenterCapacity is spot, on-demand or reserved on nodes Karpenter launches.
	LabelKarpenterCapacity = "karpenter.sh/capacity-type"
	// LabelAKSScaleSetPriority is "spot" on AKS spot nodes, which AKS also taints with
	// kubernetes.azure.com/scalesetpriority=spot:NoSchedule.
	LabelAKSScaleSetPriority = "kubernetes.azure.com/scalesetpriority"
)

// DefaultGPUResource is the extended resource a GPU pool offers when Pool.GPUResource is empty.
const DefaultGPUResource corev1.ResourceName = "nvidia.com/gpu"

// Purpose is what a pool is for.
type Purpose string

// The purposes a pool may have.
const (
	PurposeGeneral         Purpose = "general"
	PurposeCPUIntensive    Purpose = "cpu-intensive"
	PurposeMemoryIntensive Purpose = "memory-intensive"
	PurposeGPU             Purpose = "gpu"
	PurposeCompliance      Purpose = "compliance"
	PurposeSpot            Purpose = "spot"
)

var purposes = []string{string(PurposeGeneral), string(PurposeCPUIntensive), string(PurposeMemoryIntensive),
	string(PurposeGPU), string(PurposeCompliance), string(PurposeSpot)}

// Provider is who creates the pool's nodes; it decides which labels and taints appear on
// nodes by themselves and how long a spot eviction notice is.
type Provider string

// The supported providers.
const (
	ProviderKubeadm   Provider = "kubeadm"
	ProviderGKE       Provider = "gke"
	ProviderEKS       Provider = "eks"
	ProviderKarpenter Provider = "karpenter"
	ProviderAKS       Provider = "aks"
)

var providers = []string{string(ProviderKubeadm), string(ProviderGKE), string(ProviderEKS),
	string(ProviderKarpenter), string(ProviderAKS)}

// Tenancy says whether a pool is reserved for workloads placed on it.
type Tenancy string

// The tenancies. The zero value means the purpose's default: dedicated for GPU, compliance and
// spot pools, shared otherwise.
const (
	// TenancyDedicated taints every node, so only pods placed on the pool (and tolerating it)
	// land there.
	TenancyDedicated Tenancy = "dedicated"
	// TenancyShared leaves nodes untainted: any pod may land there, placed pods are steered there
	// by selection only.
	TenancyShared Tenancy = "shared"
)

var tenancies = []string{string(TenancyDedicated), string(TenancyShared)}

// Regime is the regulation a compliance pool is reserved for.
type Regime string

// The supported regimes.
const (
	RegimePCIDSS Regime = "pci-dss"
	RegimeHIPAA  Regime = "hipaa"
)

var regimes = []string{string(RegimePCIDSS), string(RegimeHIPAA)}

// Pool is the intent for one node pool.
type Pool struct {
	// Name identifies the pool; it must be a DNS-1123 label and unique in the cluster, since
	// placements select on it. It becomes the value of [LabelPool] and, for dedicated pools,
	// of the [TaintDedicated] taint.
	Name string
	// Purpose is what the pool is for; empty means PurposeGeneral.
	Purpose Purpose
	// Provider creates the nodes; empty means ProviderKubeadm.
	Provider Provider
	// Tenancy is dedicated or shared; empty means the purpose's default (dedicated for GPU,
	// compliance and spot). Compliance pools cannot be shared, and neither can AKS spot pools
	// (AKS taints spot nodes itself).
	Tenancy Tenancy
	// GPUResource is the extended resource a GPU pool's nodes offer; empty means
	// nvidia.com/gpu. Only for PurposeGPU.
	GPUResource corev1.ResourceName
	// Compliance is the regime of a compliance pool; required for PurposeCompliance and only
	// allowed there.
	Compliance Regime
	// Labels are extra node labels set through the pool's configuration. Keys under
	// pool.prodkube.io/, provider spot keys, node-restriction.kubernetes.io/ and kubernetes.io
	// or k8s.io keys that a kubelet may not set are refused.
	Labels map[string]string
}

// Template is what every node of a pool carries, and who puts it there.
type Template struct {
	// Pool is the pool's name.
	Pool string
	// Purpose and Provider are the pool's, defaults applied.
	Purpose  Purpose
	Provider Provider
	// Dedicated reports whether the pool's nodes are tainted.
	Dedicated bool
	// GPUResource is the extended resource of a GPU pool, empty otherwise.
	GPUResource corev1.ResourceName
	// Labels are all the labels the nodes carry that placement relies on: Configure.Labels,
	// ProviderLabels and AdminLabels together.
	Labels map[string]string
	// Taints are all the taints the nodes carry, sorted by key, value and effect.
	Taints []corev1.Taint
	// Configure is what the pool's own configuration must set (kubelet --node-labels and
	// nodeRegistration.taints for kubeadm, the node pool's labels and taints elsewhere).
	Configure Settings
	// ProviderLabels and ProviderTaints are set by the provider itself; listed, never configured.
	ProviderLabels map[string]string
	ProviderTaints []corev1.Taint
	// AdminLabels must be applied by a cluster administrator after a node joins, because
	// NodeRestriction forbids a kubelet to set them (see [LabelIsolated]).
	AdminLabels map[string]string
	// Registration is the worker JoinConfiguration nodeRegistration data of a kubeadm pool; nil
	// for other providers.
	Registration *NodeRegistration
}

// Settings are labels and taints a pool's configuration sets.
type Settings struct {
	Labels map[string]string
	Taints []corev1.Taint
}

// NodeRegistration is what a kubeadm worker JoinConfiguration's nodeRegistration needs for a
// pool: the taints the node registers with and the labels for the kubelet's --node-labels.
type NodeRegistration struct {
	// Taints go to nodeRegistration.taints; a node may set taints when it registers, and
	// NodeRestriction stops it from changing them later.
	Taints []corev1.Taint
	// NodeLabels go to the kubelet's --node-labels (see KubeletNodeLabels); all are allowed
	// for a kubelet under NodeRestriction.
	NodeLabels map[string]string
}

// KubeletNodeLabels is the value of the kubelet's --node-labels flag: key=value pairs sorted
// by key, joined by commas.
func (r *NodeRegistration) KubeletNodeLabels() string {
	if r == nil {
		return ""
	}
	return labelsFlag(r.NodeLabels)
}

// LabelsFlag renders Labels as key=value pairs sorted by key and joined by commas, the form
// gcloud --node-labels and the kubelet's --node-labels accept.
func (s Settings) LabelsFlag() string { return labelsFlag(s.Labels) }

// LabelPairs returns Labels as key=value words sorted by key, for tools that take one
// argument per label (az aks nodepool add --labels).
func (s Settings) LabelPairs() []string {
	keys := sortedKeys(s.Labels)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+"="+s.Labels[k])
	}
	return out
}

// TaintsFlag renders Taints as key=value:Effect pairs joined by commas, the form
// gcloud --node-taints accepts.
func (s Settings) TaintsFlag() string {
	parts := make([]string, 0, len(s.Taints))
	for _, t := range s.Taints {
		parts = append(parts, t.ToString())
	}
	return strings.Join(parts, ",")
}

func labelsFlag(m map[string]string) string {
	return strings.Join(Settings{Labels: m}.LabelPairs(), ",")
}

// Node returns a Node object built from the template — the labels and taints every node of
// the pool carries — for judging placements with [Schedulable]. It is a fresh copy.
func (t *Template) Node() *corev1.Node {
	if t == nil {
		return nil
	}
	return &corev1.Node{
		TypeMeta:   metaNode,
		ObjectMeta: objectMeta(t.Pool+"-template", copyMap(t.Labels)),
		Spec:       corev1.NodeSpec{Taints: copyTaints(t.Taints)},
	}
}

// EvictionNotice is how long a provider warns before reclaiming a spot node: 30 s on GKE and
// AKS, 2 min on AWS (EKS and Karpenter). It is zero for providers without spot capacity.
func EvictionNotice(p Provider) time.Duration {
	switch p {
	case ProviderGKE, ProviderAKS:
		return 30 * time.Second
	case ProviderEKS, ProviderKarpenter:
		return 2 * time.Minute
	}
	return 0
}

// MaxGracePeriod is the longest terminationGracePeriodSeconds a pod on a provider's spot
// nodes can actually use. It equals the eviction notice, except on GKE: there the kubelet's
// graceful node shutdown gives non-system pods only the first 15 s of the 30 s notice (the
// last 15 s are for system-critical pods), so a longer grace period is cut short. It is zero
// for providers without spot capacity.
func MaxGracePeriod(p Provider) time.Duration {
	if p == ProviderGKE {
		return 15 * time.Second
	}
	return EvictionNotice(p)
}

// withDefaults returns the pool with empty enum fields defaulted.
func (p Pool) withDefaults() Pool {
	if p.Purpose == "" {
		p.Purpose = PurposeGeneral
	}
	if p.Provider == "" {
		p.Provider = ProviderKubeadm
	}
	if p.Tenancy == "" {
		switch p.Purpose {
		case PurposeGPU, PurposeCompliance, PurposeSpot:
			p.Tenancy = TenancyDedicated
		default:
			p.Tenancy = TenancyShared
		}
	}
	if p.Purpose == PurposeGPU && p.GPUResource == "" {
		p.GPUResource = DefaultGPUResource
	}
	return p
}

// Validate reports every problem with the pool, with paths named after its fields.
func (p Pool) Validate() field.ErrorList {
	return p.validate(nil)
}

func (p Pool) validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if p.Name == "" {
		errs = append(errs, field.Required(path.Child("name"), "a pool needs a name (a DNS-1123 label)"))
	} else {
		for _, msg := range validation.IsDNS1123Label(p.Name) {
			errs = append(errs, field.Invalid(path.Child("name"), p.Name, msg))
		}
	}
	if p.Purpose != "" && !contains(purposes, string(p.Purpose)) {
		errs = append(errs, field.NotSupported(path.Child("purpose"), p.Purpose, purposes))
	}
	if p.Provider != "" && !contains(providers, string(p.Provider)) {
		errs = append(errs, field.NotSupported(path.Child("provider"), p.Provider, providers))
	}
	if p.Tenancy != "" && !contains(tenancies, string(p.Tenancy)) {
		errs = append(errs, field.NotSupported(path.Child("tenancy"), p.Tenancy, tenancies))
	}
	if len(errs) > 0 && (p.Purpose != "" && !contains(purposes, string(p.Purpose)) ||
		p.Provider != "" && !contains(providers, string(p.Provider))) {
		// Cross-field rules depend on a known purpose and provider; check labels only.
		return append(errs, p.validateLabels(path)...)
	}
	d := p.withDefaults()

	if d.Purpose == PurposeGPU {
		if msg := validateExtendedResource(d.GPUResource); msg != "" {
			errs = append(errs, field.Invalid(path.Child("gpuResource"), string(p.GPUResource), msg))
		}
	} else if p.GPUResource != "" {
		errs = append(errs, field.Invalid(path.Child("gpuResource"), string(p.GPUResource),
			"only a gpu pool offers a GPU resource; set purpose to gpu or leave gpuResource empty"))
	}

	if d.Purpose == PurposeCompliance {
		switch {
		case p.Compliance == "":
			errs = append(errs, field.Required(path.Child("compliance"), "a compliance pool needs its regime"))
		case !contains(regimes, string(p.Compliance)):
			errs = append(errs, field.NotSupported(path.Child("compliance"), p.Compliance, regimes))
		}
		if d.Tenancy == TenancyShared {
			errs = append(errs, field.Invalid(path.Child("tenancy"), p.Tenancy,
				"a compliance pool must be dedicated: regulated workloads may not share nodes with others"))
		}
	} else if p.Compliance != "" {
		errs = append(errs, field.Invalid(path.Child("compliance"), p.Compliance,
			"only a compliance pool has a regime; set purpose to compliance or leave compliance empty"))
	}

	if d.Purpose == PurposeSpot {
		switch d.Provider {
		case ProviderKubeadm:
			errs = append(errs, field.Invalid(path.Child("provider"), d.Provider,
				"kubeadm (bare metal) has no spot capacity; use gke, eks, karpenter or aks"))
		case ProviderAKS:
			if d.Tenancy == TenancyShared {
				errs = append(errs, field.Invalid(path.Child("tenancy"), p.Tenancy,
					"AKS taints spot nodes with kubernetes.azure.com/scalesetpriority=spot:NoSchedule itself, so an AKS spot pool is always dedicated"))
			}
		}
	}
	return append(errs, p.validateLabels(path)...)
}

var providerLabelKeys = []string{LabelGKESpot, LabelEKSCapacityType, LabelKarpenterCapacity, LabelAKSScaleSetPriority}

func (p Pool) validateLabels(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(p.Labels) {
		v := p.Labels[k]
		kp := path.Child("labels").Key(k)
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			for _, msg := range msgs {
				errs = append(errs, field.Invalid(kp, k, msg))
			}
			continue
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(kp, v, msg))
		}
		ns := labelNamespace(k)
		switch {
		case ns == "pool.prodkube.io" || strings.HasSuffix(ns, ".pool.prodkube.io"):
			errs = append(errs, field.Invalid(kp, k, "keys under pool.prodkube.io/ are set by prodkube itself"))
		case contains(providerLabelKeys, k):
			errs = append(errs, field.Invalid(kp, k, "this label is set by the provider itself; choose the purpose spot instead"))
		case inNamespace(ns, corev1.LabelNamespaceNodeRestriction):
			errs = append(errs, field.Invalid(kp, k,
				"NodeRestriction forbids a kubelet to set node-restriction.kubernetes.io/ labels; an administrator must apply them"))
		case (inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io")) && !kubeletMaySet(k):
			errs = append(errs, field.Invalid(kp, k,
				"NodeRestriction forbids a kubelet to set this kubernetes.io/k8s.io label; use an allowed key (node.kubernetes.io/*, kubelet.kubernetes.io/*, topology, instance-type, os, arch, hostname) or your own prefix"))
		}
	}
	return errs
}

// kubeletLabels are the kubernetes.io label keys a kubelet may set on its own Node under
// NodeRestriction (k8s.io/kubelet/pkg/apis.KubeletLabels), besides the namespaces in
// kubeletLabelNamespaces.
var kubeletLabels = []string{
	corev1.LabelHostname,
	corev1.LabelTopologyZone,
	corev1.LabelTopologyRegion,
	corev1.LabelFailureDomainBetaZone,
	corev1.LabelFailureDomainBetaRegion,
	corev1.LabelInstanceType,
	corev1.LabelInstanceTypeStable,
	corev1.LabelOSStable,
	corev1.LabelArchStable,
	"beta.kubernetes.io/os",
	"beta.kubernetes.io/arch",
}

var kubeletLabelNamespaces = []string{corev1.LabelNamespaceSuffixKubelet, corev1.LabelNamespaceSuffixNode}

// kubeletMaySet mirrors k8s.io/kubelet/pkg/apis.IsKubeletLabel.
func kubeletMaySet(key string) bool {
	if contains(kubeletLabels, key) {
		return true
	}
	ns := labelNamespace(key)
	for _, allowed := range kubeletLabelNamespaces {
		if inNamespace(ns, allowed) {
			return true
		}
	}
	return false
}

func labelNamespace(key string) string {
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[:i]
	}
	return ""
}

func inNamespace(ns, parent string) bool {
	return ns == parent || strings.HasSuffix(ns, "."+parent)
}

// validateExtendedResource checks a GPU resource name the way the API server checks extended
// resource names: a qualified name with a domain prefix outside kubernetes.io.
func validateExtendedResource(name corev1.ResourceName) string {
	s := string(name)
	if msgs := validation.IsQualifiedName(s); len(msgs) > 0 {
		return strings.Join(msgs, "; ")
	}
	ns := labelNamespace(s)
	if ns == "" {
		return "an extended resource needs a domain prefix, e.g. nvidia.com/gpu"
	}
	if inNamespace(ns, "kubernetes.io") || strings.HasPrefix(s, corev1.DefaultResourceRequestsPrefix) {
		return "an extended resource may not be in the kubernetes.io namespace or start with requests."
	}
	if msgs := validation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix + s); len(msgs) > 0 {
		return "requests." + s + " must be a qualified name too: " + strings.Join(msgs, "; ")
	}
	return ""
}

// Build validates the pool and returns its template, or every problem at once.
func (p Pool) Build() (*Template, error) {
	if errs := p.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return p.build(), nil
}

// build assumes a valid pool.
func (p Pool) build() *Template {
	d := p.withDefaults()
	t := &Template{
		Pool:           d.Name,
		Purpose:        d.Purpose,
		Provider:       d.Provider,
		Dedicated:      d.Tenancy == TenancyDedicated,
		Configure:      Settings{Labels: map[string]string{}},
		ProviderLabels: map[string]string{},
		AdminLabels:    map[string]string{},
	}
	if d.Purpose == PurposeGPU {
		t.GPUResource = d.GPUResource
	}
	for k, v := range d.Labels {
		t.Configure.Labels[k] = v
	}
	t.Configure.Labels[LabelPool] = d.Name
	t.Configure.Labels[LabelPurpose] = string(d.Purpose)
	if d.Purpose == PurposeCompliance {
		t.Configure.Labels[LabelCompliance] = string(d.Compliance)
		t.AdminLabels[LabelIsolated] = d.Name
	}
	if t.Dedicated {
		t.Configure.Taints = append(t.Configure.Taints, corev1.Taint{Key: TaintDedicated, Value: d.Name, Effect: corev1.TaintEffectNoSchedule})
	}

	spot := d.Purpose == PurposeSpot
	switch d.Provider {
	case ProviderGKE:
		if spot {
			t.ProviderLabels[LabelGKESpot] = "true"
			if t.Dedicated {
				t.Configure.Taints = append(t.Configure.Taints, corev1.Taint{Key: LabelGKESpot, Value: "true", Effect: corev1.TaintEffectNoSchedule})
			}
		}
	case ProviderEKS:
		if spot {
			t.ProviderLabels[LabelEKSCapacityType] = "SPOT"
		} else {
			t.ProviderLabels[LabelEKSCapacityType] = "ON_DEMAND"
		}
	case ProviderKarpenter:
		if spot {
			t.ProviderLabels[LabelKarpenterCapacity] = "spot"
		} else {
			t.ProviderLabels[LabelKarpenterCapacity] = "on-demand"
		}
	case ProviderAKS:
		if spot {
			t.ProviderLabels[LabelAKSScaleSetPriority] = "spot"
			t.ProviderTaints = append(t.ProviderTaints, corev1.Taint{Key: LabelAKSScaleSetPriority, Value: "spot", Effect: corev1.TaintEffectNoSchedule})
		}
	}
	sortTaints(t.Configure.Taints)

	t.Labels = map[string]string{}
	for _, m := range []map[string]string{t.Configure.Labels, t.ProviderLabels, t.AdminLabels} {
		for k, v := range m {
			t.Labels[k] = v
		}
	}
	t.Taints = append(copyTaints(t.Configure.Taints), t.ProviderTaints...)
	sortTaints(t.Taints)

	if d.Provider == ProviderKubeadm {
		t.Registration = &NodeRegistration{
			Taints:     copyTaints(t.Configure.Taints),
			NodeLabels: copyMap(t.Configure.Labels),
		}
	}
	return t
}

// spotSelector returns the provider label that marks spot capacity for a spot pool.
func (t *Template) spotSelector() (string, string, bool) {
	if t.Purpose != PurposeSpot {
		return "", "", false
	}
	for _, k := range providerLabelKeys {
		if v, ok := t.ProviderLabels[k]; ok {
			return k, v, true
		}
	}
	return "", "", false
}

func sortTaints(ts []corev1.Taint) {
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Effect < b.Effect
	})
}

func copyTaints(ts []corev1.Taint) []corev1.Taint {
	if ts == nil {
		return nil
	}
	out := make([]corev1.Taint, len(ts))
	copy(out, ts)
	return out
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// AdminLabelCommand is the kubectl command (an argv) that applies the pool's AdminLabels to a
// node that joined the pool. It is run by an administrator, not by the node: NodeRestriction
// forbids a kubelet to set these labels on itself. It returns nil and no error for pools
// without admin labels, and an error for a node name that is not a DNS-1123 subdomain.
func (t *Template) AdminLabelCommand(node string) ([]string, error) {
	if t == nil || len(t.AdminLabels) == 0 {
		return nil, nil
	}
	if msgs := validation.IsDNS1123Subdomain(node); len(msgs) > 0 {
		return nil, field.ErrorList{field.Invalid(field.NewPath("node"), node, strings.Join(msgs, "; "))}.ToAggregate()
	}
	argv := []string{"kubectl", "label", "node", node}
	for _, k := range sortedKeys(t.AdminLabels) {
		argv = append(argv, k+"="+t.AdminLabels[k])
	}
	return argv, nil
}
