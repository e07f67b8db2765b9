package apicheck

import (
	"math/rand/v2"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/apps"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
	"k8s.io/kubernetes/pkg/apis/autoscaling"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	autoscalingvalidation "k8s.io/kubernetes/pkg/apis/autoscaling/validation"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/policy"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	policyvalidation "k8s.io/kubernetes/pkg/apis/policy/validation"
	"k8s.io/kubernetes/pkg/apis/rbac"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	rbacvalidation "k8s.io/kubernetes/pkg/apis/rbac/validation"

	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/version"
)

// internal defaults a copy of the versioned object as the API server does and converts
// it to the internal type.
func internal(t *testing.T, versioned runtime.Object, into any) {
	t.Helper()
	obj := versioned.DeepCopyObject()
	legacyscheme.Scheme.Default(obj)
	if err := legacyscheme.Scheme.Convert(obj, into, nil); err != nil {
		t.Fatalf("convert %T: %v", versioned, err)
	}
}

// upstream returns the API server's validation errors for one of the objects scaling
// builds.
func upstream(t *testing.T, obj runtime.Object) field.ErrorList {
	t.Helper()
	switch o := obj.(type) {
	case *autoscalingv2.HorizontalPodAutoscaler:
		var in autoscaling.HorizontalPodAutoscaler
		internal(t, o, &in)
		return autoscalingvalidation.ValidateHorizontalPodAutoscaler(&in, autoscalingvalidation.HorizontalPodAutoscalerSpecValidationOptions{MinReplicasLowerBound: 1})
	case *appsv1.Deployment:
		var in apps.Deployment
		internal(t, o, &in)
		return appsvalidation.ValidateDeployment(&in, corevalidation.PodValidationOptions{})
	case *policyv1.PodDisruptionBudget:
		var in policy.PodDisruptionBudget
		internal(t, o, &in)
		return policyvalidation.ValidatePodDisruptionBudget(&in, policyvalidation.PodDisruptionBudgetValidationOptions{})
	case *rbacv1.ClusterRole:
		var in rbac.ClusterRole
		internal(t, o, &in)
		return rbacvalidation.ValidateClusterRole(&in, rbacvalidation.ClusterRoleValidationOptions{})
	case *rbacv1.Role:
		var in rbac.Role
		internal(t, o, &in)
		return rbacvalidation.ValidateRole(&in)
	case *rbacv1.ClusterRoleBinding:
		var in rbac.ClusterRoleBinding
		internal(t, o, &in)
		return rbacvalidation.ValidateClusterRoleBinding(&in)
	case *rbacv1.RoleBinding:
		var in rbac.RoleBinding
		internal(t, o, &in)
		return rbacvalidation.ValidateRoleBinding(&in)
	case *corev1.ServiceAccount:
		var in core.ServiceAccount
		internal(t, o, &in)
		return corevalidation.ValidateServiceAccount(&in)
	}
	t.Fatalf("no upstream validation for %T", obj)
	return nil
}

// The checks can fail: an HPA whose maxReplicas is below minReplicas is refused.
func TestUpstreamRefusesBadHPA(t *testing.T) {
	h, err := scaling.HPA{Name: "web", Namespace: "production", TargetName: "web", MaxReplicas: 5, CPUUtilization: 70}.Build()
	if err != nil {
		t.Fatal(err)
	}
	h.Spec.MaxReplicas = 1
	if errs := upstream(t, h); len(errs) == 0 {
		t.Error("upstream validation accepted maxReplicas < minReplicas")
	}
}

func q(s string) *resource.Quantity { v := resource.MustParse(s); return &v }
func i32(v int32) *int32            { return &v }

func TestHPAsPassUpstreamValidation(t *testing.T) {
	specs := []scaling.HPA{
		{Name: "web-app-hpa", Namespace: "production", TargetName: "web-app", MaxReplicas: 10, CPUUtilization: 75, MemoryUtilization: 80},
		{Name: "db", Namespace: "production", TargetKind: scaling.KindStatefulSet, TargetName: "database", MinReplicas: 3, MaxReplicas: 3, MemoryUtilization: 90,
			ScaleDown: &scaling.ScalingRules{SelectPolicy: autoscalingv2.DisabledPolicySelect}},
		{Name: "queue", Namespace: "jobs", TargetName: "worker", MinReplicas: 1, AllowSingleReplica: true, MaxReplicas: 50,
			Metrics: []autoscalingv2.MetricSpec{
				{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
					Metric: autoscalingv2.MetricIdentifier{Name: "jobs_in_flight"}, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("10")}}},
				{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
					Metric: autoscalingv2.MetricIdentifier{Name: "queue_depth"}, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: q("100")}}},
				{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
					DescribedObject: autoscalingv2.CrossVersionObjectReference{APIVersion: "networking.k8s.io/v1", Kind: "Ingress", Name: "main"},
					Metric:          autoscalingv2.MetricIdentifier{Name: "requests_per_second"}, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: q("2k")}}},
				{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
					Name: corev1.ResourceCPU, Container: "worker", Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: i32(60)}}},
			},
			ScaleUp: &scaling.ScalingRules{StabilizationWindowSeconds: i32(60), SelectPolicy: autoscalingv2.MinChangePolicySelect,
				Policies: []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 10, PeriodSeconds: 1800}}}},
	}
	for _, s := range specs {
		h, err := s.Build()
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if errs := upstream(t, h); len(errs) > 0 {
			t.Errorf("%s: upstream refuses: %v", s.Name, errs)
		}
	}
}

func TestClusterAutoscalerPassesUpstreamValidation(t *testing.T) {
	for _, c := range []scaling.ClusterAutoscaler{
		{KubernetesVersion: version.MustParse("v1.36.3"), CloudProvider: scaling.CloudProviderAWS,
			NodeGroups:               []scaling.NodeGroup{{Name: "production-general", Min: 3, Max: 10}, {Name: "production-memory", Min: 1, Max: 5}},
			BalanceSimilarNodeGroups: true, ScaleDownDelayAfterAdd: 10 * time.Minute, ScaleDownUtilizationThreshold: 0.6,
			Env: []corev1.EnvVar{{Name: "AWS_REGION", Value: "eu-west-1"}}, ServiceAccountAnnotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/cluster-autoscaler"}},
		{KubernetesVersion: version.MustParse("v1.33.1"), CloudProvider: scaling.CloudProviderGCE, Namespace: "autoscaling", Replicas: 1,
			AutoDiscovery: []string{"mig:namePrefix=prod,min=1,max=20"}, Expanders: []scaling.Expander{scaling.ExpanderPriority, scaling.ExpanderLeastWaste}},
	} {
		b, err := c.Build()
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range b.Objects() {
			if errs := upstream(t, o.(runtime.Object)); len(errs) > 0 {
				t.Errorf("%T %s: upstream refuses: %v", o, o.GetName(), errs)
			}
		}
	}
}

// Every HPA that scaling accepts, over many randomised specs, also passes the API
// server's validation: scaling's checks are at least as strict.
func TestRandomHPAsAcceptedUpstream(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 2))
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	accepted := 0
	for i := 0; i < 3000; i++ {
		s := scaling.HPA{
			Name: pick("web", "web-app-hpa", "a.b", "x"), Namespace: pick("production", "default"),
			TargetKind: pick("", "Deployment", "StatefulSet"), TargetName: pick("web", "db", "w-1"),
			MinReplicas: int32(rng.IntN(5)), AllowSingleReplica: rng.IntN(2) == 0, MaxReplicas: int32(rng.IntN(12)),
			CPUUtilization: int32(rng.IntN(3)) * 40, MemoryUtilization: int32(rng.IntN(3)) * 45,
		}
		if rng.IntN(3) == 0 {
			s.Metrics = append(s.Metrics, autoscalingv2.MetricSpec{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: pick("rps", "")}, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q(pick("1", "250m", "0"))}}})
		}
		if rng.IntN(2) == 0 {
			w := int32(rng.IntN(4000) - 100)
			s.ScaleDown = &scaling.ScalingRules{StabilizationWindowSeconds: &w, SelectPolicy: autoscalingv2.ScalingPolicySelect(pick("", "Max", "Min", "Disabled")),
				Policies: []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.HPAScalingPolicyType(pick("Pods", "Percent")), Value: int32(rng.IntN(3)), PeriodSeconds: int32(rng.IntN(2000))}}}
		}
		h, err := s.Build()
		if err != nil {
			continue
		}
		accepted++
		if errs := upstream(t, h); len(errs) > 0 {
			t.Fatalf("spec %+v accepted by scaling but refused upstream: %v", s, errs)
		}
	}
	if accepted < 100 {
		t.Fatalf("only %d of 3000 random specs were accepted; the property is barely exercised", accepted)
	}
	t.Logf("%d of 3000 random specs accepted, all valid upstream", accepted)
}

// Every cluster-autoscaler bundle scaling accepts over randomised specs passes the API
// server's validation, object by object.
func TestRandomClusterAutoscalersAcceptedUpstream(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 3))
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	accepted := 0
	for i := 0; i < 1000; i++ {
		c := scaling.ClusterAutoscaler{
			KubernetesVersion: version.MustParse(pick("v1.33.4", "v1.34.2", "v1.35.0", "v1.36.3")),
			CloudProvider:     scaling.CloudProvider(pick("aws", "gce", "azure", "clusterapi")),
			Namespace:         pick("", "kube-system", "autoscaling"),
			Replicas:          int32(rng.IntN(4)),
			Expanders:         []scaling.Expander{scaling.Expander(pick("least-waste", "priority", "random", "most-pods", "price"))},
		}
		for n := rng.IntN(3); n > 0; n-- {
			min := rng.IntN(4)
			c.NodeGroups = append(c.NodeGroups, scaling.NodeGroup{Name: pick("asg-a", "asg-b", "https://www.googleapis.com/compute/v1/projects/p/zones/z/instanceGroups/g", "ns/md-0"), Min: min, Max: min + rng.IntN(3)})
		}
		if rng.IntN(2) == 0 {
			c.AutoDiscovery = []string{pick("asg:tag=k8s.io/cluster-autoscaler/enabled", "label:cluster-autoscaler-enabled=true")}
		}
		if rng.IntN(2) == 0 {
			c.Resources = &corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: *q(pick("50m", "100m")), corev1.ResourceMemory: *q(pick("300Mi", "600Mi"))},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: *q(pick("100m", "1")), corev1.ResourceMemory: *q(pick("600Mi", "1Gi"))},
			}
		}
		if rng.IntN(2) == 0 {
			c.Env = []corev1.EnvVar{{Name: pick("AWS_REGION", "ARM_RESOURCE_GROUP"), Value: "x"}}
		}
		b, err := c.Build()
		if err != nil {
			continue
		}
		accepted++
		for _, o := range b.Objects() {
			if errs := upstream(t, o.(runtime.Object)); len(errs) > 0 {
				t.Fatalf("spec %+v: %T %s accepted by scaling but refused upstream: %v", c, o, o.GetName(), errs)
			}
		}
	}
	if accepted < 100 {
		t.Fatalf("only %d of 1000 random specs were accepted; the property is barely exercised", accepted)
	}
	t.Logf("%d of 1000 random specs accepted, all valid upstream", accepted)
}
