package nodepool

import (
	"fmt"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// Schedulable reports whether a pod with the given spec may be scheduled onto node as far as
// placement constraints go, and if not, every reason why. It uses the scheduler's own code
// from k8s.io/component-helpers: the taints with effect NoSchedule or NoExecute that no
// toleration tolerates (the TaintToleration filter), the required node affinity together with
// spec.nodeSelector (the NodeAffinity filter), an unschedulable (cordoned) node that is not
// tolerated (the NodeUnschedulable filter), and a spec.nodeName naming another node (the
// NodeName filter). Resources, ports and inter-pod affinity are
// not judged: they depend on what else runs on the node, not on where the pod is placed.
//
// A nil spec or node is not schedulable.
func Schedulable(spec *corev1.PodSpec, node *corev1.Node) (bool, []string) {
	if spec == nil || node == nil {
		return false, []string{"no pod spec or no node"}
	}
	var why []string
	logger := logr.Discard()

	for i := range node.Spec.Taints {
		taint := &node.Spec.Taints[i]
		if taint.Effect != corev1.TaintEffectNoSchedule && taint.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if !corev1helpers.TolerationsTolerateTaint(logger, spec.Tolerations, taint, false) {
			why = append(why, fmt.Sprintf("node %q has taint %s that the pod does not tolerate", node.Name, taint.ToString()))
		}
	}
	if node.Spec.Unschedulable {
		cordon := &corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}
		if !corev1helpers.TolerationsTolerateTaint(logger, spec.Tolerations, cordon, false) {
			why = append(why, fmt.Sprintf("node %q is unschedulable (cordoned)", node.Name))
		}
	}

	if spec.NodeName != "" && spec.NodeName != node.Name {
		why = append(why, fmt.Sprintf("the pod is bound to node %q by nodeName", spec.NodeName))
	}

	pod := &corev1.Pod{Spec: corev1.PodSpec{NodeSelector: spec.NodeSelector, Affinity: spec.Affinity}}
	match, err := nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)
	switch {
	case err != nil:
		why = append(why, fmt.Sprintf("the pod's node affinity is invalid: %v", err))
	case !match:
		why = append(why, fmt.Sprintf("node %q does not match the pod's nodeSelector or required node affinity", node.Name))
	}
	return len(why) == 0, why
}
