package scaling

import (
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The VerticalPodAutoscaler API group and version served by the upstream CRD
// (k8s.io/autoscaler/vertical-pod-autoscaler, deploy/vpa-v1-crd-gen.yaml).
const (
	VPAGroup      = "autoscaling.k8s.io"
	VPAAPIVersion = VPAGroup + "/v1"
	VPAKind       = "VerticalPodAutoscaler"
)

// VerticalPodAutoscaler is the autoscaling.k8s.io/v1 object, typed here so callers
// need not import the VPA module and its dependencies. Field names and JSON tags match
// the upstream CRD schema; the status and the startup-boost and OOM-tuning fields are
// not modelled because this package never emits them. Use it by pointer: it then
// satisfies metav1.Object and exposes GetObjectKind like any k8s.io/api type.
type VerticalPodAutoscaler struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired behaviour of the autoscaler.
	Spec VerticalPodAutoscalerSpec `json:"spec"`
}

// VerticalPodAutoscalerSpec is the spec of a VerticalPodAutoscaler.
type VerticalPodAutoscalerSpec struct {
	// TargetRef points to the controller managing the pods (Deployment, StatefulSet...).
	TargetRef *autoscalingv1.CrossVersionObjectReference `json:"targetRef"`
	// UpdatePolicy says whether and how recommendations are applied to pods.
	UpdatePolicy *PodUpdatePolicy `json:"updatePolicy,omitempty"`
	// ResourcePolicy constrains the recommendations per container.
	ResourcePolicy *PodResourcePolicy `json:"resourcePolicy,omitempty"`
	// Recommenders selects a non-default recommender; at most one entry.
	Recommenders []*VerticalPodAutoscalerRecommenderSelector `json:"recommenders,omitempty"`
}

// VerticalPodAutoscalerRecommenderSelector names a recommender.
type VerticalPodAutoscalerRecommenderSelector struct {
	// Name of the recommender responsible for this object.
	Name string `json:"name"`
}

// UpdateMode controls when the VPA applies its recommendations.
type UpdateMode string

// Update modes of the VPA CRD. The CRD also accepts the deprecated "Auto" and the
// in-place-only "InPlace"; this package emits only the modes below.
const (
	// UpdateModeOff computes recommendations and never changes a pod.
	UpdateModeOff UpdateMode = "Off"
	// UpdateModeInitial sets resources only when a pod is created.
	UpdateModeInitial UpdateMode = "Initial"
	// UpdateModeRecreate evicts pods whose requests drift far from the recommendation.
	UpdateModeRecreate UpdateMode = "Recreate"
	// UpdateModeInPlaceOrRecreate resizes pods in place and evicts only when that fails.
	UpdateModeInPlaceOrRecreate UpdateMode = "InPlaceOrRecreate"
)

// PodUpdatePolicy describes how changes are applied to pods.
type PodUpdatePolicy struct {
	// UpdateMode is when recommendations are applied.
	UpdateMode *UpdateMode `json:"updateMode,omitempty"`
	// MinReplicas is how many replicas must be alive before the updater evicts a pod.
	MinReplicas *int32 `json:"minReplicas,omitempty"`
}

// PodResourcePolicy holds the per-container policies.
type PodResourcePolicy struct {
	// ContainerPolicies, one per container name or "*" for all others.
	ContainerPolicies []ContainerResourcePolicy `json:"containerPolicies,omitempty"`
}

// ContainerScalingMode says whether the VPA acts on a container at all.
type ContainerScalingMode string

// Container scaling modes of the VPA CRD.
const (
	ContainerScalingModeAuto ContainerScalingMode = "Auto"
	ContainerScalingModeOff  ContainerScalingMode = "Off"
)

// ContainerControlledValues says which of requests and limits the VPA sets.
type ContainerControlledValues string

// Controlled-values settings of the VPA CRD.
const (
	ContainerControlledValuesRequestsAndLimits ContainerControlledValues = "RequestsAndLimits"
	ContainerControlledValuesRequestsOnly      ContainerControlledValues = "RequestsOnly"
)

// ContainerResourcePolicy constrains the recommendation for one container.
type ContainerResourcePolicy struct {
	// ContainerName is the container's name, or "*" for containers without a policy.
	ContainerName string `json:"containerName,omitempty"`
	// Mode enables (Auto) or disables (Off) the VPA for the container.
	Mode *ContainerScalingMode `json:"mode,omitempty"`
	// MinAllowed is the smallest recommendation.
	MinAllowed corev1.ResourceList `json:"minAllowed,omitempty"`
	// MaxAllowed is the largest recommendation.
	MaxAllowed corev1.ResourceList `json:"maxAllowed,omitempty"`
	// ControlledResources are the resources recommended; nil means cpu and memory.
	ControlledResources *[]corev1.ResourceName `json:"controlledResources,omitempty"`
	// ControlledValues is RequestsAndLimits (the default) or RequestsOnly.
	ControlledValues *ContainerControlledValues `json:"controlledValues,omitempty"`
}
