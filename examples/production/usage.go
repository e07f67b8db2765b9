package main

import (
	"math"
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodkube/prodkube/scaling"
)

// rightSizing recommends requests from a synthetic usage trace (seeded PCG,
// fixed start, five-minute samples): two weeks of a diurnal web front end,
// two weeks of a bursty batch processor with one OOM kill, and six hours of
// a newly deployed container, too little history for a recommendation.
func rightSizing() (*scaling.Report, error) {
	rng := rand.New(rand.NewPCG(20260105, 40))
	start := time.Date(2026, time.January, 5, 0, 0, 0, 0, time.UTC)
	const step = 5 * time.Minute
	const twoWeeks = 14 * 24 * 12
	web := make([]scaling.Sample, twoWeeks)
	for i := range web {
		t := start.Add(time.Duration(i) * step)
		hour := float64(t.Hour()) + float64(t.Minute())/60
		daily := 0.5 + 0.5*math.Sin((hour-9)/24*2*math.Pi) // peaks mid-afternoon
		web[i] = scaling.Sample{Time: t, CPU: 0.04 + 0.08*daily + 0.02*rng.Float64(),
			Memory: int64(150<<20) + int64(40*daily*(1<<20)) + rng.Int64N(10<<20)}
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
		fresh[i] = scaling.Sample{Time: start.Add(twoWeeks*step - time.Duration(len(fresh)-i)*step),
			CPU: 0.1 + 0.05*rng.Float64(), Memory: int64(200<<20) + rng.Int64N(20<<20)}
	}
	usage := []scaling.ContainerUsage{
		{Workload: "web-app", Container: "web-app", Replicas: 3, Current: current("250m", "256Mi", "500m", "512Mi"), Samples: web},
		{Workload: "batch-processor", Container: "batch-processor", Replicas: 3, Current: current("500m", "512Mi", "1", "1Gi"), Samples: work},
		{Workload: "report-renderer", Container: "renderer", Replicas: 1, Samples: fresh},
	}
	return scaling.Recommender{}.Report(usage, &scaling.Prices{CoreHour: 0.0316, GiBHour: 0.0042, Currency: "USD"})
}

// current is a container's requests and limits as the intent sets them.
func current(reqCPU, reqMem, limCPU, limMem string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(reqCPU), corev1.ResourceMemory: resource.MustParse(reqMem)},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(limCPU), corev1.ResourceMemory: resource.MustParse(limMem)},
	}
}
