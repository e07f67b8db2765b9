package e2e

// The VerticalPodAutoscaler CRDs (autoscaling.k8s.io/v1 VerticalPodAutoscaler and
// VerticalPodAutoscalerCheckpoint), from the vertical-pod-autoscaler module the
// scaling package's typed VerticalPodAutoscaler mirrors.
func init() {
	crdSources = append(crdSources, crdSource{
		Module:  "k8s.io/autoscaler/vertical-pod-autoscaler",
		Version: "v1.8.1",
		Paths:   []string{"deploy/vpa-v1-crd-gen.yaml"},
	})
}
