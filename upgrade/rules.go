package upgrade

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/version"
)

// The rules of the Kubernetes version skew policy
// (https://kubernetes.io/releases/version-skew-policy/) and of kubeadm that
// the planner follows:
//
//   - kube-apiserver: in an HA cluster the newest and oldest instances are
//     within one minor version.
//   - kube-controller-manager, kube-scheduler: never newer than the
//     kube-apiserver they talk to, at most one minor older. kubeadm points
//     them at the kube-apiserver of their own node (LocalAPIEndpoint), so
//     upgrading a node's static pods together keeps them within the rule.
//   - kubelet: never newer than kube-apiserver, at most three minors older
//     (two when the kubelet is older than v1.25). Worker kubelets may reach
//     any kube-apiserver through the control plane endpoint, so the rule
//     holds against every instance; control plane kubelets talk to their
//     local kube-apiserver.
//   - kube-proxy: like the kubelet against kube-apiserver, and within three
//     minors (two below v1.25) of the kubelet beside it. kubeadm upgrades the
//     kube-proxy DaemonSet only once every kube-apiserver runs the new
//     version.
//   - kubectl: within one minor of kube-apiserver, older or newer.
//   - kubeadm vX upgrades a control plane at vX-1 or vX (never skipping a
//     minor, never downgrading).

// kubeletMaxLag is how many minor versions a kubelet (or kube-proxy) of
// version k may lag behind kube-apiserver.
func kubeletMaxLag(k version.Version) int {
	if k.AtLeast(1, 25) {
		return 3
	}
	return 2
}

// kubeletSkew says what is wrong with a kubelet at k when the API servers it
// may reach run versions between apiMin and apiMax, or "" when nothing is.
func kubeletSkew(k, apiMin, apiMax version.Version) string {
	if k.Major != apiMin.Major || k.Major != apiMax.Major {
		return fmt.Sprintf("kubelet %s must be a %d.x release like kube-apiserver %s", k, apiMin.Major, apiMin)
	}
	if k.Minor > apiMin.Minor {
		return fmt.Sprintf("kubelet %s must not be newer than kube-apiserver %s", k, apiMin)
	}
	lag, _ := k.MinorsBetween(apiMax)
	if max := kubeletMaxLag(k); lag > max {
		return fmt.Sprintf("kubelet %s is %d minor versions older than kube-apiserver %s; at most %d are supported", k, lag, apiMax, max)
	}
	return ""
}

// needsCatchUp reports whether a kubelet at k would fall out of the skew
// policy once kube-apiserver runs next.
func needsCatchUp(k, next version.Version) bool {
	lag, ok := k.MinorsBetween(next)
	return !ok || lag > kubeletMaxLag(k)
}

// hopsBetween returns the control plane versions of an upgrade from from to
// target: one per minor release, each the newest release given for that
// minor, the last being target. A patch upgrade is one hop; no upgrade is
// none.
func hopsBetween(from, target version.Version, releases []version.Version, nReleases int) ([]version.Version, *field.Error) {
	tp := field.NewPath("target")
	switch {
	case target.Major != from.Major:
		return nil, field.Invalid(tp, target.String(), fmt.Sprintf("must be a %d.x release like the control plane (%s); major upgrades are not planned", from.Major, from))
	case target.Less(from):
		return nil, field.Invalid(tp, target.String(), fmt.Sprintf("must not be older than the control plane (%s): downgrades are not supported by kubeadm", from))
	case target == from:
		return nil, nil
	case target.SameMinor(from):
		return []version.Version{target}, nil
	}
	gap := target.Minor - from.Minor - 1
	if gap > nReleases {
		return nil, field.Invalid(field.NewPath("releases"), nReleases,
			fmt.Sprintf("minor releases are never skipped: an upgrade from %s to %s passes %d intermediate minor releases, and each needs its latest patch release listed here", from, target, gap))
	}
	hops := make([]version.Version, 0, gap+1)
	for m := from.Minor + 1; m < target.Minor; m++ {
		var best *version.Version
		for i := range releases {
			r := releases[i]
			if r.Major == from.Major && r.Minor == m && (best == nil || best.Less(r)) {
				best = &releases[i]
			}
		}
		if best == nil {
			return nil, field.Required(field.NewPath("releases"),
				fmt.Sprintf("minor releases are never skipped: the upgrade from %s to %s passes v%d.%d; list its latest patch release (e.g. v%d.%d.N)", from, target, from.Major, m, from.Major, m))
		}
		hops = append(hops, *best)
	}
	return append(hops, target), nil
}
