// Package scaling builds the objects that let a production cluster follow its load:
// HorizontalPodAutoscalers (autoscaling/v2) cross-checked against the workload they
// scale, the cluster-autoscaler with the ServiceAccount, RBAC, Deployment and
// PodDisruptionBudget its maintainers would ship, VerticalPodAutoscalers
// (autoscaling.k8s.io/v1, typed here to match the upstream CRD), and a right-sizing
// recommender that turns usage samples into requests, limits and a monthly cost delta.
//
// Every capability is a plain intent struct with Validate() field.ErrorList and a
// Build method that validates first and returns either a complete, typed result or an
// error aggregating every problem, each with its field path. Builders are pure: no
// clock, no randomness, no I/O, and the same spec always yields the same objects.
package scaling
