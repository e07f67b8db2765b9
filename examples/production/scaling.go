package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/version"
)

func init() { register(40, "scaling", addScaling) }

// addScaling adds the web front end's HorizontalPodAutoscaler, the
// cluster-autoscaler for the two AWS node groups, a recommendations-only
// VerticalPodAutoscaler for the batch processor, and a right-sizing report
// for a synthetic two-week usage trace.
func addScaling(out *output) error {
	webApp, ok := out.find("Deployment", "production", "web-app").(*appsv1.Deployment)
	if !ok || webApp == nil {
		return fmt.Errorf("the baseline part must add the Deployment production/web-app before the HPA can target it")
	}

	hpa, err := scaling.HPA{
		Name:              "web-app-hpa",
		Namespace:         "production",
		Workload:          webApp,
		MinReplicas:       3,
		MaxReplicas:       10,
		CPUUtilization:    75,
		MemoryUtilization: 80,
	}.Build()
	if err != nil {
		return fmt.Errorf("web-app-hpa: %w", err)
	}

	kv, err := version.Parse(exampleHA().KubernetesVersion)
	if err != nil {
		return fmt.Errorf("cluster version: %w", err)
	}
	ca := scaling.ClusterAutoscaler{
		KubernetesVersion: kv,
		CloudProvider:     scaling.CloudProviderAWS,
		NodeGroups: []scaling.NodeGroup{
			{Name: "production-general", Min: 3, Max: 10},
			{Name: "production-memory", Min: 1, Max: 5},
		},
		Expanders:                []scaling.Expander{scaling.ExpanderLeastWaste},
		BalanceSimilarNodeGroups: true,
		ScaleDownDelayAfterAdd:   10 * time.Minute,
		ScaleDownUnneededTime:    10 * time.Minute,
		Env:                      []corev1.EnvVar{{Name: "AWS_REGION", Value: "eu-west-1"}},
	}
	if _, known := scaling.ClusterAutoscalerRelease(kv); !known {
		// The package's release table lists only releases verified to be
		// published; the cluster's minor is newer, so the release is pinned
		// here explicitly, matching the cluster's minor as the autoscaler
		// requires.
		ca.Release = version.Version{Major: kv.Major, Minor: kv.Minor, Patch: 0}
	}
	bundle, err := ca.Build()
	if err != nil {
		return fmt.Errorf("cluster-autoscaler: %w", err)
	}

	batch, ok := out.find("Deployment", "production", "batch-processor").(*appsv1.Deployment)
	if !ok || batch == nil {
		return fmt.Errorf("the nodepool part must add the Deployment production/batch-processor before the VPA can target it")
	}
	vpa, err := scaling.VPA{
		Name:       "batch-processor-vpa",
		Namespace:  "production",
		TargetName: batch.Name,
		Mode:       scaling.UpdateModeOff,
		HPAs:       []*autoscalingv2.HorizontalPodAutoscaler{hpa},
	}.Build()
	if err != nil {
		return fmt.Errorf("batch-processor-vpa: %w", err)
	}

	out.add(hpa)
	out.add(bundle.Objects()...)
	out.add(vpa)

	report, err := scaling.Recommender{}.Report(syntheticUsage(webApp, *hpa.Spec.MinReplicas, batch), &scaling.Prices{CoreHour: 0.0316, GiBHour: 0.0042, Currency: "USD"})
	if err != nil {
		return fmt.Errorf("right-sizing: %w", err)
	}
	for _, f := range report.Files() {
		out.file(f.Path, f.Content)
	}
	return nil
}

// syntheticUsage generates a deterministic usage trace (seeded PCG, fixed start,
// five-minute samples): two weeks of a diurnal web front end, two weeks of a bursty
// batch processor with one OOM kill, and six hours of a newly deployed container,
// too little history for a recommendation.
func syntheticUsage(webApp *appsv1.Deployment, webReplicas int32, batch *appsv1.Deployment) []scaling.ContainerUsage {
	rng := rand.New(rand.NewPCG(20260105, 40))
	start := time.Date(2026, time.January, 5, 0, 0, 0, 0, time.UTC)
	const step = 5 * time.Minute
	const twoWeeks = 14 * 24 * 12

	web := make([]scaling.Sample, twoWeeks)
	for i := range web {
		t := start.Add(time.Duration(i) * step)
		hour := float64(t.Hour()) + float64(t.Minute())/60
		daily := 0.5 + 0.5*math.Sin((hour-9)/24*2*math.Pi) // peaks mid-afternoon
		web[i] = scaling.Sample{
			Time:   t,
			CPU:    0.04 + 0.08*daily + 0.02*rng.Float64(),
			Memory: int64(150<<20) + int64(40*daily*(1<<20)) + rng.Int64N(10<<20),
		}
	}
	work := make([]scaling.Sample, twoWeeks)
	for i := range work {
		t := start.Add(time.Duration(i) * step)
		cpu, mem := 0.3+0.1*rng.Float64(), int64(700<<20)+rng.Int64N(100<<20)
		if t.Hour() >= 1 && t.Hour() < 3 { // the nightly run
			cpu, mem = 1.6+0.4*rng.Float64(), int64(1400<<20)+rng.Int64N(200<<20)
		}
		work[i] = scaling.Sample{Time: t, CPU: cpu, Memory: mem}
	}
	work[10*24*12+26].OOMKilled = true // 02:10 on the eleventh night
	fresh := make([]scaling.Sample, 6*12)
	for i := range fresh {
		fresh[i] = scaling.Sample{
			Time:   start.Add(twoWeeks*step - time.Duration(len(fresh)-i)*step),
			CPU:    0.1 + 0.05*rng.Float64(),
			Memory: int64(200<<20) + rng.Int64N(20<<20),
		}
	}
	webUsage := usageFor(webApp, web)
	webUsage.Replicas = webReplicas // the HPA's floor: what runs at least
	return []scaling.ContainerUsage{
		webUsage,
		usageFor(batch, work),
		{Workload: "report-renderer", Container: "renderer", Replicas: 1, Samples: fresh},
	}
}

// usageFor attaches samples to the first container of a Deployment, with its
// current requests and replica count (1 when the Deployment leaves it unset).
func usageFor(d *appsv1.Deployment, samples []scaling.Sample) scaling.ContainerUsage {
	u := scaling.ContainerUsage{Workload: d.Name, Replicas: 1, Samples: samples}
	if d.Spec.Replicas != nil {
		u.Replicas = *d.Spec.Replicas
	}
	if cs := d.Spec.Template.Spec.Containers; len(cs) > 0 {
		u.Container = cs[0].Name
		u.Current = *cs[0].Resources.DeepCopy()
	}
	return u
}
