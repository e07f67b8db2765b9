package componentcheck

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apiserver/pkg/apis/apiserver"
	apiserverinstall "k8s.io/apiserver/pkg/apis/apiserver/install"
	apiservervalidation "k8s.io/apiserver/pkg/apis/apiserver/validation"
	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubeletscheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme"
	kubeletvalidation "k8s.io/kubernetes/pkg/kubelet/apis/config/validation"
	proxyconfig "k8s.io/kubernetes/pkg/proxy/apis/config"
	proxyscheme "k8s.io/kubernetes/pkg/proxy/apis/config/scheme"
	proxyvalidation "k8s.io/kubernetes/pkg/proxy/apis/config/validation"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	cc "github.com/prodkube/prodkube/baseline/componentconfig"
)

// kubeletDecode decodes doc strictly with the kubelet's own scheme into
// its internal configuration, with the kubelet's defaults applied.
func kubeletDecode(t testing.TB, doc []byte) *kubeletconfig.KubeletConfiguration {
	t.Helper()
	_, codecs, err := kubeletscheme.NewSchemeAndCodecs(serializer.EnableStrict)
	if err != nil {
		t.Fatal(err)
	}
	obj, _, err := codecs.UniversalDecoder().Decode(doc, nil, nil)
	if err != nil {
		t.Fatalf("the kubelet's strict decoder refuses the document: %v\n%s", err, doc)
	}
	kc, ok := obj.(*kubeletconfig.KubeletConfiguration)
	if !ok {
		t.Fatalf("decoded %T", obj)
	}
	return kc
}

// hostIndependent turns off the one check of the kubelet's validation that
// judges the machine running it rather than the configuration: with
// failCgroupV1 (the kubelet's default) validation fails on a cgroup v1 host.
// Production nodes must run cgroup v2; the test machine need not.
func hostIndependent(kc *kubeletconfig.KubeletConfiguration) {
	kc.FailCgroupV1 = false
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	f, err := prodkube.YAMLFile("x.yaml", v)
	if err != nil {
		t.Fatal(err)
	}
	return f.Content
}

func TestKubeletConfigurationUpstream(t *testing.T) {
	for _, k := range []baseline.Kubelet{
		{Capacity: baseline.NodeCapacity{CPU: resource.MustParse("2"), Memory: resource.MustParse("2Gi")}},
		{Capacity: baseline.NodeCapacity{CPU: resource.MustParse("4"), Memory: resource.MustParse("16Gi")}, ProxyMode: baseline.ProxyNFTables},
		{Capacity: baseline.NodeCapacity{CPU: resource.MustParse("96"), Memory: resource.MustParse("768Gi")}, ProxyMode: baseline.ProxyIPVS, MaxPods: 250},
		{Capacity: baseline.NodeCapacity{CPU: resource.MustParse("8"), Memory: resource.MustParse("32Gi")}, CgroupfsDriver: true, SelfSignedServingCertificate: true,
			ShutdownGracePeriod: 5 * time.Minute, ShutdownGracePeriodCriticalPods: time.Minute},
	} {
		r, err := k.Build()
		if err != nil {
			t.Fatal(err)
		}
		kc := kubeletDecode(t, marshal(t, r.Kubelet))
		hostIndependent(kc)
		if err := kubeletvalidation.ValidateKubeletConfiguration(kc, utilfeature.DefaultFeatureGate); err != nil {
			t.Errorf("%+v: the kubelet's validation refuses it: %v", k, err)
		}
		// What prodkube promises is what the kubelet reads.
		if kc.ReadOnlyPort != 0 || kc.Authentication.Anonymous.Enabled || kc.Authorization.Mode != "Webhook" ||
			!kc.RotateCertificates || kc.ServerTLSBootstrap == k.SelfSignedServingCertificate || kc.ShutdownGracePeriod.Duration == 0 {
			t.Errorf("the kubelet reads %+v", kc)
		}

		obj, _, err := proxyscheme.Codecs.UniversalDecoder().Decode(marshal(t, r.KubeProxy), nil, nil)
		if err != nil {
			t.Fatalf("kube-proxy's strict decoder refuses the document: %v", err)
		}
		kp := obj.(*proxyconfig.KubeProxyConfiguration)
		// kubeadm fills in the cluster CIDR from networking.podSubnet.
		kp.DetectLocal.ClusterCIDRs = []string{"10.244.0.0/16"}
		if errs := proxyvalidation.Validate(kp); len(errs) > 0 {
			t.Errorf("kube-proxy's validation refuses it: %v", errs)
		}
		if string(kp.Mode) != string(r.KubeProxy.Mode) {
			t.Errorf("kube-proxy reads mode %q, want %q", kp.Mode, r.KubeProxy.Mode)
		}
	}
}

// TestKubeletValidationCanFail is the oracle's negative twin: the same
// document with the critical pods' share longer than the whole grace
// period is refused by the kubelet.
func TestKubeletValidationCanFail(t *testing.T) {
	r, err := baseline.Kubelet{Capacity: baseline.NodeCapacity{CPU: resource.MustParse("4"), Memory: resource.MustParse("16Gi")}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	r.Kubelet.ShutdownGracePeriodCriticalPods.Duration = 2 * r.Kubelet.ShutdownGracePeriod.Duration
	kc := kubeletDecode(t, marshal(t, r.Kubelet))
	hostIndependent(kc)
	if err := kubeletvalidation.ValidateKubeletConfiguration(kc, utilfeature.DefaultFeatureGate); err == nil || !strings.Contains(err.Error(), "shutdownGracePeriodCriticalPods") {
		t.Fatalf("the kubelet accepts shutdownGracePeriodCriticalPods > shutdownGracePeriod (error: %v)", err)
	}
	if _, _, err := func() (runtime.Object, any, error) {
		_, codecs, _ := kubeletscheme.NewSchemeAndCodecs(serializer.EnableStrict)
		return codecs.UniversalDecoder().Decode(append(marshal(t, r.Kubelet), "readOnlyPorts: 1\n"...), nil, nil)
	}(); err == nil {
		t.Fatal("the strict decoder accepts an unknown field")
	}
}

func attrs(u, group, verb, apiGroup, res, ns, path string) authorizer.AttributesRecord {
	a := authorizer.AttributesRecord{User: &user.DefaultInfo{Name: u, Groups: []string{group}}, Verb: verb}
	if path != "" {
		a.Path = path
		return a
	}
	a.ResourceRequest, a.APIGroup, a.APIVersion, a.Namespace = true, apiGroup, "v1", ns
	a.Resource, a.Subresource, _ = strings.Cut(res, "/")
	a.Name = "x"
	return a
}

// TestAuditPolicyUpstream loads the policy with the API server's own loader
// and asks its rule evaluator what each kind of request records.
func TestAuditPolicyUpstream(t *testing.T) {
	r, err := baseline.Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequestResponse, Resources: []cc.AuditGroupResources{{Group: "example.com", Resources: []string{"widgets"}}}}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.LoadPolicyFromBytes(r.Files()[0].Content)
	if err != nil {
		t.Fatalf("the API server refuses the policy: %v", err)
	}
	ev := policy.NewPolicyRuleEvaluator(p)
	for _, c := range []struct {
		a    authorizer.AttributesRecord
		want auditinternal.Level
	}{
		{attrs("alice", "dev", "create", "", "secrets", "default", ""), auditinternal.LevelMetadata},
		{attrs("alice", "dev", "update", "", "secrets", "default", ""), auditinternal.LevelMetadata},
		{attrs("system:serviceaccount:kube-system:x", "system:serviceaccounts", "get", "", "secrets", "kube-system", ""), auditinternal.LevelMetadata},
		{attrs("alice", "dev", "create", "", "serviceaccounts/token", "default", ""), auditinternal.LevelMetadata},
		{attrs("alice", "dev", "create", "authentication.k8s.io", "tokenreviews", "", ""), auditinternal.LevelMetadata},
		{attrs("alice", "dev", "create", "rbac.authorization.k8s.io", "clusterrolebindings", "", ""), auditinternal.LevelRequest},
		{attrs("alice", "dev", "update", "example.com", "widgets", "default", ""), auditinternal.LevelRequestResponse},
		{attrs("alice", "dev", "create", "apps", "deployments", "default", ""), auditinternal.LevelMetadata},
		{attrs("system:anonymous", "system:unauthenticated", "get", "", "", "", "/readyz"), auditinternal.LevelNone},
		{attrs("system:anonymous", "system:unauthenticated", "get", "", "", "", "/livez/ping"), auditinternal.LevelNone},
		{attrs("alice", "dev", "get", "", "", "", "/metrics"), auditinternal.LevelMetadata},
		{attrs("system:node:n1", "system:nodes", "update", "coordination.k8s.io", "leases", "kube-node-lease", ""), auditinternal.LevelNone},
		{attrs("system:node:n1", "system:nodes", "get", "", "nodes", "", ""), auditinternal.LevelNone},
		{attrs("system:node:n1", "system:nodes", "patch", "", "nodes/status", "", ""), auditinternal.LevelMetadata},
		{attrs("system:kube-proxy", "system:authenticated", "watch", "discovery.k8s.io", "endpointslices", "", ""), auditinternal.LevelNone},
		{attrs("system:kube-scheduler", "system:authenticated", "update", "coordination.k8s.io", "leases", "kube-system", ""), auditinternal.LevelNone},
		{attrs("alice", "dev", "create", "", "events", "default", ""), auditinternal.LevelNone},
	} {
		got := ev.EvaluatePolicyRule(c.a)
		if got.Level != c.want {
			t.Errorf("%s %s %s/%s%s: level %s, want %s", c.a.User.GetName(), c.a.Verb, c.a.APIGroup, c.a.Resource, c.a.Path, got.Level, c.want)
		}
		if got.Level != auditinternal.LevelNone && (len(got.OmitStages) != 1 || got.OmitStages[0] != auditinternal.StageRequestReceived) {
			t.Errorf("omitted stages %v", got.OmitStages)
		}
	}
}

func encryptionDecode(t testing.TB, doc []byte) (*apiserver.EncryptionConfiguration, error) {
	t.Helper()
	scheme := runtime.NewScheme()
	apiserverinstall.Install(scheme)
	obj, _, err := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDecoder().Decode(doc, nil, nil)
	if err != nil {
		return nil, err
	}
	return obj.(*apiserver.EncryptionConfiguration), nil
}

// TestEncryptionConfigurationUpstream decodes the configuration strictly
// with the API server's scheme and validates it as the API server does at
// start, after filling in a key as the install script does on the node.
func TestEncryptionConfigurationUpstream(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	for _, e := range []baseline.Encryption{
		{},
		{Algorithm: baseline.AESCBC, Resources: []string{"secrets", "configmaps"}},
		{KMS: &baseline.KMS{Name: "vault", Socket: "/var/run/kmsplugin/socket.sock"}},
	} {
		r, err := e.Build()
		if err != nil {
			t.Fatal(err)
		}
		doc := r.Files()[0].Content
		if e.KMS == nil {
			// As written, the template holds the placeholder, which the API
			// server must refuse: prodkube writes no usable key.
			cfg, err := encryptionDecode(t, doc)
			if err == nil && len(apiservervalidation.ValidateEncryptionConfiguration(cfg, false)) == 0 {
				t.Errorf("%+v: the API server accepts the template itself", e)
			}
			doc = bytes.ReplaceAll(doc, []byte(baseline.EncryptionKeyPlaceholder), []byte(key))
		}
		cfg, err := encryptionDecode(t, doc)
		if err != nil {
			t.Fatalf("%+v: the API server's strict decoder refuses it: %v\n%s", e, err, doc)
		}
		if errs := apiservervalidation.ValidateEncryptionConfiguration(cfg, false); len(errs) > 0 {
			t.Errorf("%+v: the API server refuses it: %v", e, errs)
		}
		last := cfg.Resources[0].Providers[len(cfg.Resources[0].Providers)-1]
		if first := cfg.Resources[0].Providers[0]; first.Identity != nil || last.Identity == nil {
			t.Errorf("%+v: providers %+v: want encryption first, identity last", e, cfg.Resources[0].Providers)
		}
	}
}
