package nodepool

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// assertPaths checks that err carries exactly the given field paths (as *field.Error values,
// in any order).
func assertPaths(t *testing.T, err error, paths ...string) {
	t.Helper()
	if len(paths) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want errors at %v, got none", paths)
	}
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		t.Fatalf("error is not an aggregate: %v", err)
	}
	var got []string
	for _, e := range agg.Errors() {
		var fe *field.Error
		if !errors.As(e, &fe) {
			t.Fatalf("error %v is not a *field.Error", e)
		}
		got = append(got, fe.Field)
	}
	sort.Strings(got)
	want := append([]string(nil), paths...)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("error paths (-want +got):\n%s\nerror: %v", diff, err)
	}
}

func TestPoolValidate(t *testing.T) {
	tests := []struct {
		name  string
		pool  Pool
		paths []string
	}{
		{"minimal general", Pool{Name: "general"}, nil},
		{"gpu with vendor resource", Pool{Name: "gpu", Purpose: PurposeGPU, GPUResource: "amd.com/gpu"}, nil},
		{"allowed kubelet labels", Pool{Name: "a", Labels: map[string]string{
			"node.kubernetes.io/tier": "x", "kubelet.kubernetes.io/y": "z", corev1.LabelTopologyZone: "eu-1a",
			corev1.LabelInstanceTypeStable: "m5.large", "team.example.com/owner": "data",
		}}, nil},
		{"missing name", Pool{}, []string{"name"}},
		{"bad name", Pool{Name: "GPU_Pool"}, []string{"name"}},
		{"unknown enums", Pool{Name: "a", Purpose: "fast", Provider: "openstack", Tenancy: "private"},
			[]string{"purpose", "provider", "tenancy"}},
		{"compliance without regime", Pool{Name: "a", Purpose: PurposeCompliance}, []string{"compliance"}},
		{"compliance unknown regime", Pool{Name: "a", Purpose: PurposeCompliance, Compliance: "sox"}, []string{"compliance"}},
		{"shared compliance", Pool{Name: "a", Purpose: PurposeCompliance, Compliance: RegimeHIPAA, Tenancy: TenancyShared}, []string{"tenancy"}},
		{"regime on general", Pool{Name: "a", Compliance: RegimePCIDSS}, []string{"compliance"}},
		{"gpu resource on cpu pool", Pool{Name: "a", Purpose: PurposeCPUIntensive, GPUResource: "nvidia.com/gpu"}, []string{"gpuResource"}},
		{"gpu resource without domain", Pool{Name: "a", Purpose: PurposeGPU, GPUResource: "gpu"}, []string{"gpuResource"}},
		{"gpu resource in kubernetes.io", Pool{Name: "a", Purpose: PurposeGPU, GPUResource: "kubernetes.io/gpu"}, []string{"gpuResource"}},
		{"spot on kubeadm", Pool{Name: "a", Purpose: PurposeSpot}, []string{"provider"}},
		{"shared spot on aks", Pool{Name: "a", Purpose: PurposeSpot, Provider: ProviderAKS, Tenancy: TenancyShared}, []string{"tenancy"}},
		{"forbidden labels", Pool{Name: "a", Labels: map[string]string{
			"node-role.kubernetes.io/gpu":             "",
			"example.k8s.io/x":                        "y",
			"node-restriction.kubernetes.io/pool":     "a",
			"pool.prodkube.io/name":                   "b",
			LabelGKESpot:                              "true",
			"bad key!":                                "v",
			"ok.example.com/bad-value":                "not valid!",
			"kubernetes.io/role":                      "worker",
			"topology.kubernetes.io/zone":             "eu-1a",
			"sub.node.kubernetes.io/allowed":          "yes",
			"app.kubernetes.io/not-a-kubelet-label-x": "1",
		}}, []string{
			"labels[node-role.kubernetes.io/gpu]", "labels[example.k8s.io/x]", "labels[node-restriction.kubernetes.io/pool]",
			"labels[pool.prodkube.io/name]", "labels[cloud.google.com/gke-spot]", "labels[bad key!]",
			"labels[ok.example.com/bad-value]", "labels[kubernetes.io/role]", "labels[app.kubernetes.io/not-a-kubelet-label-x]",
		}},
		{"unknown purpose still checks labels", Pool{Name: "a", Purpose: "x", Labels: map[string]string{"node-role.kubernetes.io/x": ""}},
			[]string{"purpose", "labels[node-role.kubernetes.io/x]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := tt.pool.Validate()
			_, err := tt.pool.Build()
			if (len(errs) == 0) != (err == nil) {
				t.Fatalf("Validate and Build disagree: %v vs %v", errs, err)
			}
			assertPaths(t, err, tt.paths...)
		})
	}
}

func TestBuildTemplates(t *testing.T) {
	noSchedule := corev1.TaintEffectNoSchedule
	tests := []struct {
		name          string
		pool          Pool
		want          Template
		labelsFlag    string
		taintsFlag    string
		kubeletLabels string
	}{
		{
			name: "kubeadm gpu",
			pool: Pool{Name: "gpu", Purpose: PurposeGPU},
			want: Template{
				Pool: "gpu", Purpose: PurposeGPU, Provider: ProviderKubeadm, Dedicated: true, GPUResource: "nvidia.com/gpu",
				Labels: map[string]string{LabelPool: "gpu", LabelPurpose: "gpu"},
				Taints: []corev1.Taint{{Key: TaintDedicated, Value: "gpu", Effect: noSchedule}},
				Configure: Settings{
					Labels: map[string]string{LabelPool: "gpu", LabelPurpose: "gpu"},
					Taints: []corev1.Taint{{Key: TaintDedicated, Value: "gpu", Effect: noSchedule}},
				},
				ProviderLabels: map[string]string{}, AdminLabels: map[string]string{},
				Registration: &NodeRegistration{
					Taints:     []corev1.Taint{{Key: TaintDedicated, Value: "gpu", Effect: noSchedule}},
					NodeLabels: map[string]string{LabelPool: "gpu", LabelPurpose: "gpu"},
				},
			},
			labelsFlag:    "pool.prodkube.io/name=gpu,pool.prodkube.io/purpose=gpu",
			taintsFlag:    "pool.prodkube.io/dedicated=gpu:NoSchedule",
			kubeletLabels: "pool.prodkube.io/name=gpu,pool.prodkube.io/purpose=gpu",
		},
		{
			name: "gke spot",
			pool: Pool{Name: "batch", Purpose: PurposeSpot, Provider: ProviderGKE},
			want: Template{
				Pool: "batch", Purpose: PurposeSpot, Provider: ProviderGKE, Dedicated: true,
				Labels: map[string]string{LabelPool: "batch", LabelPurpose: "spot", LabelGKESpot: "true"},
				Taints: []corev1.Taint{
					{Key: LabelGKESpot, Value: "true", Effect: noSchedule},
					{Key: TaintDedicated, Value: "batch", Effect: noSchedule},
				},
				Configure: Settings{
					Labels: map[string]string{LabelPool: "batch", LabelPurpose: "spot"},
					Taints: []corev1.Taint{
						{Key: LabelGKESpot, Value: "true", Effect: noSchedule},
						{Key: TaintDedicated, Value: "batch", Effect: noSchedule},
					},
				},
				ProviderLabels: map[string]string{LabelGKESpot: "true"}, AdminLabels: map[string]string{},
			},
			labelsFlag: "pool.prodkube.io/name=batch,pool.prodkube.io/purpose=spot",
			taintsFlag: "cloud.google.com/gke-spot=true:NoSchedule,pool.prodkube.io/dedicated=batch:NoSchedule",
		},
		{
			name: "aks spot: label and taint come from AKS",
			pool: Pool{Name: "s", Purpose: PurposeSpot, Provider: ProviderAKS},
			want: Template{
				Pool: "s", Purpose: PurposeSpot, Provider: ProviderAKS, Dedicated: true,
				Labels: map[string]string{LabelPool: "s", LabelPurpose: "spot", LabelAKSScaleSetPriority: "spot"},
				Taints: []corev1.Taint{
					{Key: LabelAKSScaleSetPriority, Value: "spot", Effect: noSchedule},
					{Key: TaintDedicated, Value: "s", Effect: noSchedule},
				},
				Configure: Settings{
					Labels: map[string]string{LabelPool: "s", LabelPurpose: "spot"},
					Taints: []corev1.Taint{{Key: TaintDedicated, Value: "s", Effect: noSchedule}},
				},
				ProviderLabels: map[string]string{LabelAKSScaleSetPriority: "spot"},
				ProviderTaints: []corev1.Taint{{Key: LabelAKSScaleSetPriority, Value: "spot", Effect: noSchedule}},
				AdminLabels:    map[string]string{},
			},
			labelsFlag: "pool.prodkube.io/name=s,pool.prodkube.io/purpose=spot",
			taintsFlag: "pool.prodkube.io/dedicated=s:NoSchedule",
		},
		{
			name: "eks shared spot: no taint at all",
			pool: Pool{Name: "s", Purpose: PurposeSpot, Provider: ProviderEKS, Tenancy: TenancyShared},
			want: Template{
				Pool: "s", Purpose: PurposeSpot, Provider: ProviderEKS,
				Labels:         map[string]string{LabelPool: "s", LabelPurpose: "spot", LabelEKSCapacityType: "SPOT"},
				Configure:      Settings{Labels: map[string]string{LabelPool: "s", LabelPurpose: "spot"}},
				ProviderLabels: map[string]string{LabelEKSCapacityType: "SPOT"}, AdminLabels: map[string]string{},
			},
			labelsFlag: "pool.prodkube.io/name=s,pool.prodkube.io/purpose=spot",
		},
		{
			name: "karpenter on-demand memory pool with extra label",
			pool: Pool{Name: "mem", Purpose: PurposeMemoryIntensive, Provider: ProviderKarpenter, Labels: map[string]string{"team.example.com/owner": "data"}},
			want: Template{
				Pool: "mem", Purpose: PurposeMemoryIntensive, Provider: ProviderKarpenter,
				Labels: map[string]string{LabelPool: "mem", LabelPurpose: "memory-intensive", LabelKarpenterCapacity: "on-demand",
					"team.example.com/owner": "data"},
				Configure:      Settings{Labels: map[string]string{LabelPool: "mem", LabelPurpose: "memory-intensive", "team.example.com/owner": "data"}},
				ProviderLabels: map[string]string{LabelKarpenterCapacity: "on-demand"}, AdminLabels: map[string]string{},
			},
			labelsFlag: "pool.prodkube.io/name=mem,pool.prodkube.io/purpose=memory-intensive,team.example.com/owner=data",
		},
		{
			name: "kubeadm pci: isolation label is the administrator's",
			pool: Pool{Name: "pci", Purpose: PurposeCompliance, Compliance: RegimePCIDSS},
			want: Template{
				Pool: "pci", Purpose: PurposeCompliance, Provider: ProviderKubeadm, Dedicated: true,
				Labels: map[string]string{LabelPool: "pci", LabelPurpose: "compliance", LabelCompliance: "pci-dss", LabelIsolated: "pci"},
				Taints: []corev1.Taint{{Key: TaintDedicated, Value: "pci", Effect: noSchedule}},
				Configure: Settings{
					Labels: map[string]string{LabelPool: "pci", LabelPurpose: "compliance", LabelCompliance: "pci-dss"},
					Taints: []corev1.Taint{{Key: TaintDedicated, Value: "pci", Effect: noSchedule}},
				},
				ProviderLabels: map[string]string{},
				AdminLabels:    map[string]string{"node-restriction.kubernetes.io/prodkube-pool": "pci"},
				Registration: &NodeRegistration{
					Taints:     []corev1.Taint{{Key: TaintDedicated, Value: "pci", Effect: noSchedule}},
					NodeLabels: map[string]string{LabelPool: "pci", LabelPurpose: "compliance", LabelCompliance: "pci-dss"},
				},
			},
			labelsFlag:    "pool.prodkube.io/compliance=pci-dss,pool.prodkube.io/name=pci,pool.prodkube.io/purpose=compliance",
			taintsFlag:    "pool.prodkube.io/dedicated=pci:NoSchedule",
			kubeletLabels: "pool.prodkube.io/compliance=pci-dss,pool.prodkube.io/name=pci,pool.prodkube.io/purpose=compliance",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.pool.Build()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("template (-want +got):\n%s", diff)
			}
			if s := got.Configure.LabelsFlag(); s != tt.labelsFlag {
				t.Errorf("LabelsFlag = %q, want %q", s, tt.labelsFlag)
			}
			if s := strings.Join(got.Configure.LabelPairs(), ","); s != tt.labelsFlag {
				t.Errorf("LabelPairs = %q, want %q", s, tt.labelsFlag)
			}
			if s := got.Configure.TaintsFlag(); s != tt.taintsFlag {
				t.Errorf("TaintsFlag = %q, want %q", s, tt.taintsFlag)
			}
			if s := got.Registration.KubeletNodeLabels(); s != tt.kubeletLabels {
				t.Errorf("KubeletNodeLabels = %q, want %q", s, tt.kubeletLabels)
			}
		})
	}
}

// Every label a kubeadm pool asks its kubelet to set must pass the kubelet's own rule for
// --node-labels: no kubernetes.io or k8s.io key unless it is on the allowed list.
func TestKubeletMaySetRegistrationLabels(t *testing.T) {
	for _, fp := range fleet(t) {
		if fp.tmpl.Registration == nil {
			if fp.tmpl.Provider == ProviderKubeadm {
				t.Errorf("%s: kubeadm pool without registration", fp.pool.Name)
			}
			continue
		}
		for k := range fp.tmpl.Registration.NodeLabels {
			ns := labelNamespace(k)
			if (inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io")) && !kubeletMaySet(k) {
				t.Errorf("%s: kubelet may not set %s", fp.pool.Name, k)
			}
			if inNamespace(ns, corev1.LabelNamespaceNodeRestriction) {
				t.Errorf("%s: kubelet may not set %s (node-restriction)", fp.pool.Name, k)
			}
		}
	}
	// The mirror of the kubelet's allowed list, checked against keys whose fate is known from
	// the kubelet's source (k8s.io/kubelet/pkg/apis/well_known_labels.go).
	for key, want := range map[string]bool{
		"kubernetes.io/hostname":                 true,
		"kubernetes.io/os":                       true,
		"kubernetes.io/arch":                     true,
		"beta.kubernetes.io/instance-type":       true,
		"node.kubernetes.io/instance-type":       true,
		"topology.kubernetes.io/region":          true,
		"failure-domain.beta.kubernetes.io/zone": true,
		"node.kubernetes.io/anything":            true,
		"x.node.kubernetes.io/anything":          true,
		"kubelet.kubernetes.io/anything":         true,
		"node-role.kubernetes.io/worker":         false,
		"kubernetes.io/role":                     false,
		"k8s.io/x":                               false,
		"nodekubernetes.io/x":                    false,
	} {
		if got := kubeletMaySet(key); got != want {
			t.Errorf("kubeletMaySet(%q) = %v, want %v", key, got, want)
		}
	}
	if !strings.HasPrefix(LabelIsolated, corev1.LabelNamespaceNodeRestriction+"/") {
		t.Errorf("LabelIsolated %q must be in the node-restriction namespace", LabelIsolated)
	}
}

func TestEvictionNotice(t *testing.T) {
	for p, want := range map[Provider]int64{ProviderGKE: 30, ProviderAKS: 30, ProviderEKS: 120, ProviderKarpenter: 120, ProviderKubeadm: 0} {
		if got := int64(EvictionNotice(p).Seconds()); got != want {
			t.Errorf("EvictionNotice(%s) = %d s, want %d", p, got, want)
		}
	}
	for p, want := range map[Provider]int64{ProviderGKE: 15, ProviderAKS: 30, ProviderEKS: 120, ProviderKarpenter: 120, ProviderKubeadm: 0} {
		if got := int64(MaxGracePeriod(p).Seconds()); got != want {
			t.Errorf("MaxGracePeriod(%s) = %d s, want %d", p, got, want)
		}
	}
}

func TestNodeIsACopy(t *testing.T) {
	tmpl, err := Pool{Name: "gpu", Purpose: PurposeGPU}.Build()
	if err != nil {
		t.Fatal(err)
	}
	n := tmpl.Node()
	n.Labels[LabelPool] = "other"
	n.Spec.Taints[0].Value = "other"
	if tmpl.Labels[LabelPool] != "gpu" || tmpl.Taints[0].Value != "gpu" {
		t.Fatal("Node shares maps or slices with the template")
	}
	if n.APIVersion != "v1" || n.Kind != "Node" {
		t.Errorf("Node type meta = %v", n.TypeMeta)
	}
	var nilT *Template
	if nilT.Node() != nil {
		t.Error("nil template must give a nil node")
	}
}

func TestAdminLabelCommand(t *testing.T) {
	pci, err := Pool{Name: "pci", Purpose: PurposeCompliance, Compliance: RegimePCIDSS}.Build()
	if err != nil {
		t.Fatal(err)
	}
	argv, err := pci.AdminLabelCommand("worker-7")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kubectl", "label", "node", "worker-7", "node-restriction.kubernetes.io/prodkube-pool=pci"}
	if diff := cmp.Diff(want, argv); diff != "" {
		t.Errorf("argv (-want +got):\n%s", diff)
	}
	_, err = pci.AdminLabelCommand("--all")
	assertPaths(t, err, "node")
	gpu, err := Pool{Name: "gpu", Purpose: PurposeGPU}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if argv, err := gpu.AdminLabelCommand("w"); argv != nil || err != nil {
		t.Errorf("pool without admin labels: %v %v", argv, err)
	}
}
