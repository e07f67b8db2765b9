package upgrade

// exampleSpec is the cluster of the package's examples and tests: three
// control plane nodes at v1.35.4, an in-place pool and a surge pool.
func exampleSpec() Spec {
	return Spec{
		ControlPlane: []ControlPlaneNode{
			{Name: "cp-1", Version: "v1.35.4"},
			{Name: "cp-2", Version: "v1.35.4"},
			{Name: "cp-3", Version: "v1.35.4"},
		},
		Pools: []Pool{
			{Name: "general", MaxUnavailable: 2, Nodes: []Node{
				{Name: "general-1", Version: "v1.35.4"},
				{Name: "general-2", Version: "v1.35.4"},
				{Name: "general-3", Version: "v1.35.4"},
			}},
			{Name: "batch", Strategy: Surge, Nodes: []Node{
				{Name: "batch-1", Version: "v1.34.6"},
				{Name: "batch-2", Version: "v1.34.6"},
			}},
		},
		Target:   "v1.37.2",
		Releases: []string{"v1.36.3", "v1.36.5"},
	}
}
