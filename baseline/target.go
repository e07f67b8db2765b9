package baseline

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/prodkube/prodkube/security"
)

// Target is the namespace a workload goes into, with what guards it. Nil
// fields are not checked.
type Target struct {
	// Namespace is the namespace object; its pod-security.kubernetes.io/enforce
	// label decides the Pod Security level the pods must pass (absent means
	// privileged, as in the API server).
	Namespace *corev1.Namespace
	// Quota is the namespace's ResourceQuota.
	Quota *corev1.ResourceQuota
	// LimitRange is the namespace's LimitRange.
	LimitRange *corev1.LimitRange
}

// CheckTarget reports why the Deployment's objects would not be admitted into
// the target namespace. The pods counted against the quota are the replicas
// (DefaultReplicas when an autoscaler manages them) plus the one extra pod a
// rolling update surges.
func (o *DeploymentObjects) CheckTarget(t Target) field.ErrorList {
	pods := DefaultReplicas
	if r := o.Deployment.Spec.Replicas; r != nil {
		pods = *r
	}
	services := 0
	if o.Service != nil {
		services++
	}
	return checkTarget(t, o.Deployment.Namespace, &o.Deployment.Spec.Template, pods+1, services, nil)
}

// CheckTarget reports why the StatefulSet's objects would not be admitted into
// the target namespace, counting every replica's pod and volume claims.
func (o *StatefulSetObjects) CheckTarget(t Target) field.ErrorList {
	pods := DefaultReplicas
	if r := o.StatefulSet.Spec.Replicas; r != nil {
		pods = *r
	}
	services := 1
	if o.Service != nil {
		services++
	}
	return checkTarget(t, o.StatefulSet.Namespace, &o.StatefulSet.Spec.Template, pods, services, o.StatefulSet.Spec.VolumeClaimTemplates)
}

func checkTarget(t Target, namespace string, tmpl *corev1.PodTemplateSpec, pods int32, services int, claims []corev1.PersistentVolumeClaim) field.ErrorList {
	var errs field.ErrorList
	if ns := t.Namespace; ns != nil {
		if ns.Name != namespace {
			errs = append(errs, field.Invalid(field.NewPath("namespace"), ns.Name, fmt.Sprintf("the workload goes into %q", namespace)))
		}
		level, err := psaapi.ParseLevel(ns.Labels[psaapi.EnforceLevelLabel])
		if ns.Labels[psaapi.EnforceLevelLabel] == "" {
			level, err = psaapi.LevelPrivileged, nil
		}
		if err != nil {
			errs = append(errs, field.Invalid(field.NewPath("namespace", "labels").Key(psaapi.EnforceLevelLabel), ns.Labels[psaapi.EnforceLevelLabel], err.Error()))
		} else {
			errs = append(errs, withPrefix("template", security.CheckPodSpec(security.Level(level), &tmpl.ObjectMeta, &tmpl.Spec))...)
		}
	}
	for _, obj := range []metav1.Object{t.Quota, t.LimitRange} {
		if obj != nil && !isNil(obj) && obj.GetNamespace() != namespace {
			errs = append(errs, field.Invalid(field.NewPath("namespace"), obj.GetNamespace(), fmt.Sprintf("%s/%s guards another namespace than %q", obj.GetNamespace(), obj.GetName(), namespace)))
		}
	}
	for _, e := range (Fit{Quota: t.Quota, LimitRange: t.LimitRange, Pods: pods}).Check(&tmpl.Spec) {
		if !strings.HasPrefix(e.Field, "quota.") {
			e.Field = "template.spec." + e.Field
		}
		errs = append(errs, e)
	}
	if q := t.Quota; q != nil {
		ref := q.Namespace + "/" + q.Name
		hp := field.NewPath("quota", "hard")
		count := func(name corev1.ResourceName, n int64) {
			if h, ok := q.Spec.Hard[name]; ok && n > h.Value() {
				errs = append(errs, field.Invalid(hp.Key(string(name)), n, fmt.Sprintf("needs %d, quota %s allows %s", n, ref, h.String())))
			}
		}
		count(corev1.ResourceServices, int64(services))
		count(corev1.ResourcePersistentVolumeClaims, int64(len(claims))*int64(pods))
		if h, ok := q.Spec.Hard[corev1.ResourceRequestsStorage]; ok && len(claims) > 0 {
			var total resource.Quantity
			for _, c := range claims {
				total.Add(c.Spec.Resources.Requests[corev1.ResourceStorage])
			}
			total.Mul(int64(pods))
			if total.Cmp(h) > 0 {
				errs = append(errs, field.Invalid(hp.Key(string(corev1.ResourceRequestsStorage)), total.String(), fmt.Sprintf("%d replicas' claims need %s, quota %s allows %s", pods, total.String(), ref, h.String())))
			}
		}
	}
	return errs
}

// isNil reports whether a typed nil pointer hides in obj.
func isNil(obj metav1.Object) bool {
	switch o := obj.(type) {
	case *corev1.ResourceQuota:
		return o == nil
	case *corev1.LimitRange:
		return o == nil
	}
	return false
}
