package baseline

import (
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta3"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
)

// File names of the rendered kubeadm configuration.
const (
	InitFile       = "init.yaml"
	JoinWorkerFile = "join-worker.yaml"
)

// JoinControlPlaneFile is the file name of the join configuration of the
// control plane node called node.
func JoinControlPlaneFile(node string) string { return "join-control-plane-" + node + ".yaml" }

// JoinWorkerGroupFile is the file name of the join configuration of the
// worker group called name.
func JoinWorkerGroupFile(name string) string { return "join-worker-" + name + ".yaml" }

// Document is one kubeadm configuration document: a pointer to one of the
// typed structs of packages kubeadm/v1beta4 or kubeadm/v1beta3.
type Document interface {
	GetObjectKind() schema.ObjectKind
}

// KubeadmFile is one kubeadm configuration file: one or more documents.
type KubeadmFile struct {
	// Name is the file name, such as "init.yaml".
	Name string
	// Documents are the typed kubeadm documents, in file order.
	Documents []Document
}

// KubeadmDir is the directory of the kubeadm files in an output tree.
const KubeadmDir = "kubeadm"

// ControlPlane is the kubeadm configuration of an HA control plane.
type ControlPlane struct {
	// APIVersion is the kubeadm API version of every document.
	APIVersion APIVersion
	// KubeadmFiles are init.yaml, join-control-plane-<node>.yaml per
	// joining control plane node, join-worker.yaml and
	// join-worker-<group>.yaml per worker group, in that order, as typed
	// documents to inspect.
	KubeadmFiles []KubeadmFile

	files []prodkube.File
}

// Files returns the kubeadm files as Build rendered them, under KubeadmDir
// ("kubeadm/init.yaml", ...), written by prodkube's one YAML encoder. They
// hold no secret. Editing KubeadmFiles afterwards does not change them: the
// spec is the place to change what they say. A zero ControlPlane has none.
func (c *ControlPlane) Files() []prodkube.File {
	if c == nil {
		return nil
	}
	out := make([]prodkube.File, len(c.files))
	for i, f := range c.files {
		f.Content = slices.Clone(f.Content)
		out[i] = f
	}
	return out
}

// render writes the file's documents as one YAML stream.
func (f KubeadmFile) render() (prodkube.File, error) {
	docs := make([]any, len(f.Documents))
	for i, d := range f.Documents {
		docs[i] = d
	}
	return prodkube.YAMLFile(path.Join(KubeadmDir, f.Name), docs...)
}

// Build validates the spec and renders the kubeadm configuration.
func (h HA) Build() (*ControlPlane, error) {
	h, errs := h.resolve()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	api, _ := resolveAPIVersion(h.KubernetesVersion, h.APIVersion, nil, nil)
	cp := &ControlPlane{APIVersion: api}
	if api == KubeadmV1Beta4 {
		cp.KubeadmFiles = append(cp.KubeadmFiles, h.initV1Beta4())
	} else {
		cp.KubeadmFiles = append(cp.KubeadmFiles, h.initV1Beta3())
	}
	for _, n := range h.ControlPlaneNodes[1:] {
		cp.KubeadmFiles = append(cp.KubeadmFiles, h.joinControlPlane(api, n))
	}
	cp.KubeadmFiles = append(cp.KubeadmFiles, workerFile(api, h.DiscoveryFile, JoinWorkerFile, nil, nil))
	for _, w := range h.Workers {
		cp.KubeadmFiles = append(cp.KubeadmFiles, workerFile(api, h.DiscoveryFile, JoinWorkerGroupFile(w.Name), w.Taints, w.labels()))
	}
	for _, f := range cp.KubeadmFiles {
		rendered, err := f.render()
		if err != nil {
			return nil, err
		}
		cp.files = append(cp.files, rendered)
	}
	return cp, nil
}

// hardeningArgs are flags set on every control plane component: profiling
// exposes runtime internals and is off in production (CIS 1.2.x/1.3.x/1.4.x).
var hardeningArgs = map[string]string{"profiling": "false"}

func (h HA) certSANs() []string {
	sans := []string{h.Endpoint.Host}
	seen := map[string]bool{h.Endpoint.Host: true}
	for _, s := range h.CertSANs {
		if !seen[s] {
			sans = append(sans, s)
			seen[s] = true
		}
	}
	return sans
}

func typeMeta(api APIVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: string(api), Kind: kind}
}

func argsV1Beta4(m map[string]string) []v1beta4.Arg {
	if len(m) == 0 {
		return nil
	}
	out := make([]v1beta4.Arg, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, v1beta4.Arg{Name: k, Value: m[k]})
	}
	return out
}

func argsV1Beta3(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (h HA) initV1Beta4() KubeadmFile {
	first := h.ControlPlaneNodes[0]
	init := &v1beta4.InitConfiguration{
		TypeMeta:         typeMeta(KubeadmV1Beta4, "InitConfiguration"),
		NodeRegistration: v1beta4.NodeRegistrationOptions{Name: first.Name, KubeletExtraArgs: argsV1Beta4(zoneArgs(first.Zone))},
		LocalAPIEndpoint: v1beta4.APIEndpoint{AdvertiseAddress: first.Address, BindPort: DefaultAPIServerPort},
	}
	cc := &v1beta4.ClusterConfiguration{
		TypeMeta:             typeMeta(KubeadmV1Beta4, "ClusterConfiguration"),
		KubernetesVersion:    h.KubernetesVersion,
		ClusterName:          h.ClusterName,
		ControlPlaneEndpoint: hostPort(h.Endpoint.Host, h.Endpoint.Port),
		Networking: v1beta4.Networking{
			PodSubnet:     h.Networking.PodSubnet,
			ServiceSubnet: h.Networking.ServiceSubnet,
			DNSDomain:     h.Networking.DNSDomain,
		},
		APIServer: v1beta4.APIServer{
			ControlPlaneComponent: v1beta4.ControlPlaneComponent{ExtraArgs: argsV1Beta4(hardeningArgs)},
			CertSANs:              h.certSANs(),
		},
		ControllerManager: v1beta4.ControlPlaneComponent{ExtraArgs: argsV1Beta4(hardeningArgs)},
		Scheduler:         v1beta4.ControlPlaneComponent{ExtraArgs: argsV1Beta4(hardeningArgs)},
	}
	if e := h.Etcd.External; e != nil {
		cc.Etcd.External = &v1beta4.ExternalEtcd{
			Endpoints: append([]string(nil), e.Endpoints...),
			CAFile:    e.CAFile, CertFile: e.CertFile, KeyFile: e.KeyFile,
		}
	} else {
		cc.Etcd.Local = &v1beta4.LocalEtcd{DataDir: DefaultEtcdDataDir}
	}
	return KubeadmFile{Name: InitFile, Documents: []Document{init, cc}}
}

func (h HA) initV1Beta3() KubeadmFile {
	first := h.ControlPlaneNodes[0]
	init := &v1beta3.InitConfiguration{
		TypeMeta:         typeMeta(KubeadmV1Beta3, "InitConfiguration"),
		NodeRegistration: v1beta3.NodeRegistrationOptions{Name: first.Name, KubeletExtraArgs: argsV1Beta3(zoneArgs(first.Zone))},
		LocalAPIEndpoint: v1beta3.APIEndpoint{AdvertiseAddress: first.Address, BindPort: DefaultAPIServerPort},
	}
	cc := &v1beta3.ClusterConfiguration{
		TypeMeta:             typeMeta(KubeadmV1Beta3, "ClusterConfiguration"),
		KubernetesVersion:    h.KubernetesVersion,
		ClusterName:          h.ClusterName,
		ControlPlaneEndpoint: hostPort(h.Endpoint.Host, h.Endpoint.Port),
		Networking: v1beta3.Networking{
			PodSubnet:     h.Networking.PodSubnet,
			ServiceSubnet: h.Networking.ServiceSubnet,
			DNSDomain:     h.Networking.DNSDomain,
		},
		APIServer: v1beta3.APIServer{
			ControlPlaneComponent: v1beta3.ControlPlaneComponent{ExtraArgs: argsV1Beta3(hardeningArgs)},
			CertSANs:              h.certSANs(),
		},
		ControllerManager: v1beta3.ControlPlaneComponent{ExtraArgs: argsV1Beta3(hardeningArgs)},
		Scheduler:         v1beta3.ControlPlaneComponent{ExtraArgs: argsV1Beta3(hardeningArgs)},
	}
	if e := h.Etcd.External; e != nil {
		cc.Etcd.External = &v1beta3.ExternalEtcd{
			Endpoints: append([]string(nil), e.Endpoints...),
			CAFile:    e.CAFile, CertFile: e.CertFile, KeyFile: e.KeyFile,
		}
	} else {
		cc.Etcd.Local = &v1beta3.LocalEtcd{DataDir: DefaultEtcdDataDir}
	}
	return KubeadmFile{Name: InitFile, Documents: []Document{init, cc}}
}

func (h HA) joinControlPlane(api APIVersion, n ControlPlaneNode) KubeadmFile {
	name := JoinControlPlaneFile(n.Name)
	if api == KubeadmV1Beta4 {
		return KubeadmFile{Name: name, Documents: []Document{&v1beta4.JoinConfiguration{
			TypeMeta:         typeMeta(api, "JoinConfiguration"),
			NodeRegistration: v1beta4.NodeRegistrationOptions{Name: n.Name, KubeletExtraArgs: argsV1Beta4(zoneArgs(n.Zone))},
			Discovery:        v1beta4.Discovery{File: &v1beta4.FileDiscovery{KubeConfigPath: h.DiscoveryFile}},
			ControlPlane: &v1beta4.JoinControlPlane{
				LocalAPIEndpoint: v1beta4.APIEndpoint{AdvertiseAddress: n.Address, BindPort: DefaultAPIServerPort},
			},
		}}}
	}
	return KubeadmFile{Name: name, Documents: []Document{&v1beta3.JoinConfiguration{
		TypeMeta:         typeMeta(api, "JoinConfiguration"),
		NodeRegistration: v1beta3.NodeRegistrationOptions{Name: n.Name, KubeletExtraArgs: argsV1Beta3(zoneArgs(n.Zone))},
		Discovery:        v1beta3.Discovery{File: &v1beta3.FileDiscovery{KubeConfigPath: h.DiscoveryFile}},
		ControlPlane: &v1beta3.JoinControlPlane{
			LocalAPIEndpoint: v1beta3.APIEndpoint{AdvertiseAddress: n.Address, BindPort: DefaultAPIServerPort},
		},
	}}}
}

// zoneArgs labels a node with its zone through the kubelet, so that zone
// topology spread constraints can place pods on it.
func zoneArgs(zone string) map[string]string {
	if zone == "" {
		return nil
	}
	return map[string]string{"node-labels": nodeLabelsArg(map[string]string{corev1.LabelTopologyZone: zone})}
}

// nodeLabelsArg renders kubelet --node-labels: sorted "k=v" pairs.
func nodeLabelsArg(labels map[string]string) string {
	pairs := make([]string, 0, len(labels))
	for _, k := range sortedKeys(labels) {
		pairs = append(pairs, k+"="+labels[k])
	}
	return strings.Join(pairs, ",")
}

func workerFile(api APIVersion, discovery, name string, taints []corev1.Taint, labels map[string]string) KubeadmFile {
	var ts []corev1.Taint
	for _, t := range taints {
		ts = append(ts, corev1.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
	}
	var args map[string]string
	if len(labels) > 0 {
		args = map[string]string{"node-labels": nodeLabelsArg(labels)}
	}
	if api == KubeadmV1Beta4 {
		return KubeadmFile{Name: name, Documents: []Document{&v1beta4.JoinConfiguration{
			TypeMeta:         typeMeta(api, "JoinConfiguration"),
			NodeRegistration: v1beta4.NodeRegistrationOptions{Taints: ts, KubeletExtraArgs: argsV1Beta4(args)},
			Discovery:        v1beta4.Discovery{File: &v1beta4.FileDiscovery{KubeConfigPath: discovery}},
		}}}
	}
	return KubeadmFile{Name: name, Documents: []Document{&v1beta3.JoinConfiguration{
		TypeMeta:         typeMeta(api, "JoinConfiguration"),
		NodeRegistration: v1beta3.NodeRegistrationOptions{Taints: ts, KubeletExtraArgs: argsV1Beta3(args)},
		Discovery:        v1beta3.Discovery{File: &v1beta3.FileDiscovery{KubeConfigPath: discovery}},
	}}}
}
