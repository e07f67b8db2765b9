package baseline

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

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

// File is one kubeadm configuration file: one or more documents.
type File struct {
	// Name is the file name, such as "init.yaml".
	Name string
	// Documents are the typed kubeadm documents, in file order.
	Documents []Document
}

// Render returns the file's YAML: its documents separated by "---".
func (f File) Render() ([]byte, error) {
	var buf bytes.Buffer
	for i, d := range f.Documents {
		b, err := yaml.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", f.Name, i, err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// ControlPlane is the kubeadm configuration of an HA control plane.
type ControlPlane struct {
	// APIVersion is the kubeadm API version of every document.
	APIVersion APIVersion
	// Files are init.yaml, join-control-plane-<node>.yaml per joining
	// control plane node, join-worker.yaml and join-worker-<group>.yaml per
	// worker group, in that order.
	Files []File

	discoveryFile string
}

// Render returns every file's YAML by file name.
func (c *ControlPlane) Render() (map[string][]byte, error) {
	out := make(map[string][]byte, len(c.Files))
	for _, f := range c.Files {
		b, err := f.Render()
		if err != nil {
			return nil, err
		}
		out[f.Name] = b
	}
	return out, nil
}

// Write renders every file into dir (created if missing). The files hold no
// secret and are written with mode 0644.
func (c *ControlPlane) Write(dir string) error {
	files, err := c.Render()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range c.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), files[f.Name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WorkerJoin builds the join configuration of one more worker group, for
// example a node pool, with the cluster's API version and discovery file.
func (c *ControlPlane) WorkerJoin(w WorkerJoin) (File, error) {
	if errs := w.Validate(); len(errs) > 0 {
		return File{}, errs.ToAggregate()
	}
	return workerFile(c.APIVersion, c.discoveryFile, JoinWorkerGroupFile(w.Name), w.Taints, w.labels()), nil
}

// Build validates the spec and renders the kubeadm configuration.
func (h HA) Build() (*ControlPlane, error) {
	h, errs := h.resolve()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	api, _ := resolveAPIVersion(h.KubernetesVersion, h.APIVersion, nil, nil)
	cp := &ControlPlane{APIVersion: api, discoveryFile: h.DiscoveryFile}
	if api == KubeadmV1Beta4 {
		cp.Files = append(cp.Files, h.initV1Beta4())
	} else {
		cp.Files = append(cp.Files, h.initV1Beta3())
	}
	for _, n := range h.ControlPlaneNodes[1:] {
		cp.Files = append(cp.Files, h.joinControlPlane(api, n))
	}
	cp.Files = append(cp.Files, workerFile(api, h.DiscoveryFile, JoinWorkerFile, nil, nil))
	for _, w := range h.Workers {
		cp.Files = append(cp.Files, workerFile(api, h.DiscoveryFile, JoinWorkerGroupFile(w.Name), w.Taints, w.labels()))
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

func (h HA) initV1Beta4() File {
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
	return File{Name: InitFile, Documents: []Document{init, cc}}
}

func (h HA) initV1Beta3() File {
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
	return File{Name: InitFile, Documents: []Document{init, cc}}
}

func (h HA) joinControlPlane(api APIVersion, n ControlPlaneNode) File {
	name := JoinControlPlaneFile(n.Name)
	if api == KubeadmV1Beta4 {
		return File{Name: name, Documents: []Document{&v1beta4.JoinConfiguration{
			TypeMeta:         typeMeta(api, "JoinConfiguration"),
			NodeRegistration: v1beta4.NodeRegistrationOptions{Name: n.Name, KubeletExtraArgs: argsV1Beta4(zoneArgs(n.Zone))},
			Discovery:        v1beta4.Discovery{File: &v1beta4.FileDiscovery{KubeConfigPath: h.DiscoveryFile}},
			ControlPlane: &v1beta4.JoinControlPlane{
				LocalAPIEndpoint: v1beta4.APIEndpoint{AdvertiseAddress: n.Address, BindPort: DefaultAPIServerPort},
			},
		}}}
	}
	return File{Name: name, Documents: []Document{&v1beta3.JoinConfiguration{
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

func workerFile(api APIVersion, discovery, name string, taints []corev1.Taint, labels map[string]string) File {
	var ts []corev1.Taint
	for _, t := range taints {
		ts = append(ts, corev1.Taint{Key: t.Key, Value: t.Value, Effect: t.Effect})
	}
	var args map[string]string
	if len(labels) > 0 {
		args = map[string]string{"node-labels": nodeLabelsArg(labels)}
	}
	if api == KubeadmV1Beta4 {
		return File{Name: name, Documents: []Document{&v1beta4.JoinConfiguration{
			TypeMeta:         typeMeta(api, "JoinConfiguration"),
			NodeRegistration: v1beta4.NodeRegistrationOptions{Taints: ts, KubeletExtraArgs: argsV1Beta4(args)},
			Discovery:        v1beta4.Discovery{File: &v1beta4.FileDiscovery{KubeConfigPath: discovery}},
		}}}
	}
	return File{Name: name, Documents: []Document{&v1beta3.JoinConfiguration{
		TypeMeta:         typeMeta(api, "JoinConfiguration"),
		NodeRegistration: v1beta3.NodeRegistrationOptions{Taints: ts, KubeletExtraArgs: argsV1Beta3(args)},
		Discovery:        v1beta3.Discovery{File: &v1beta3.FileDiscovery{KubeConfigPath: discovery}},
	}}}
}
