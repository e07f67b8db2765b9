package scaling

import "github.com/prodkube/prodkube/version"

// clusterAutoscalerReleases maps a Kubernetes minor to the newest cluster-autoscaler
// patch release known to be published as registry.k8s.io/autoscaling/cluster-autoscaler:vX.Y.Z.
// The autoscaler's minor matches the Kubernetes minor it was built and tested with.
//
// Source: the GitHub releases of kubernetes/autoscaler, tags cluster-autoscaler-1.33.6,
// cluster-autoscaler-1.34.5, cluster-autoscaler-1.35.2 and cluster-autoscaler-1.36.1
// (all published 2026-07-23), whose notes list these image tags. No 1.37 release could
// be verified when this table was written; for Kubernetes v1.37 set
// ClusterAutoscaler.Release to a published v1.37.x tag.
var clusterAutoscalerReleases = map[int]version.Version{
	33: version.MustParse("v1.33.6"),
	34: version.MustParse("v1.34.5"),
	35: version.MustParse("v1.35.2"),
	36: version.MustParse("v1.36.1"),
}

// ClusterAutoscalerRelease returns the newest known cluster-autoscaler release for the
// minor of the given Kubernetes version, and whether one is known.
func ClusterAutoscalerRelease(kubernetes version.Version) (version.Version, bool) {
	if kubernetes.Major != 1 {
		return version.Version{}, false
	}
	v, ok := clusterAutoscalerReleases[kubernetes.Minor]
	return v, ok
}
