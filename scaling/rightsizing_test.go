package scaling

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

var t0 = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

// trace returns n five-minute samples from t0 produced by f.
func trace(n int, f func(i int) (float64, int64)) []Sample {
	s := make([]Sample, n)
	for i := range s {
		cpu, mem := f(i)
		s[i] = Sample{Time: t0.Add(time.Duration(i) * 5 * time.Minute), CPU: cpu, Memory: mem}
	}
	return s
}

const twoDays = 2 * 288

func TestRecommendConstantUsage(t *testing.T) {
	rec, err := Recommender{}.Recommend(ContainerUsage{Workload: "w", Container: "c",
		Samples: trace(twoDays, func(int) (float64, int64) { return 0.5, 1 << 30 })})
	if err != nil {
		t.Fatal(err)
	}
	// The histogram's buckets are 5 % wide and the percentile is a bucket's upper
	// edge, so the result lies within one bucket above usage × (1 + margin).
	cpu := rec.Requests.Cpu().AsApproximateFloat64()
	if lo, hi := 0.5*1.15, 0.5*1.05*1.15+0.001; cpu < lo || cpu > hi {
		t.Errorf("cpu request %.3f not in [%.3f, %.3f]", cpu, lo, hi)
	}
	mem := rec.Requests.Memory().AsApproximateFloat64()
	if lo, hi := 1.15*(1<<30), 1.05*1.15*(1<<30)+(1<<20); mem < lo || mem > hi {
		t.Errorf("memory request %.0f not in [%.0f, %.0f]", mem, lo, hi)
	}
	if !rec.Limits.Memory().Equal(*rec.Requests.Memory()) || rec.Limits.Cpu().Cmp(*rec.Requests.Cpu()) < 0 {
		t.Errorf("limits %v vs requests %v", rec.Limits, rec.Requests)
	}
	e := rec.Explanation
	if e.Samples != twoDays || e.Days != 2 || e.Span != 2*24*time.Hour-5*time.Minute || e.ConfidenceLevel != "medium" || e.CPUFloorApplied || e.MemoryFloorApplied {
		t.Errorf("explanation = %+v", e)
	}
	if rec.CPU.Verdict != "no request set" {
		t.Errorf("verdict = %q", rec.CPU.Verdict)
	}
}

func TestRecommendFloors(t *testing.T) {
	rec, err := Recommender{}.Recommend(ContainerUsage{Container: "c", Samples: trace(twoDays, func(int) (float64, int64) { return 0.001, 10 << 20 })})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Requests.Cpu().MilliValue() != 25 || rec.Requests.Memory().Value() != 250<<20 || !rec.Explanation.CPUFloorApplied || !rec.Explanation.MemoryFloorApplied {
		t.Errorf("requests %v, explanation %+v", rec.Requests, rec.Explanation)
	}
}

func TestRecommendRecentUsageWeighsMore(t *testing.T) {
	// A week at 0.1 cores, then a week at 1 core: with a 24 h half-life the old week
	// carries under 1 % of the weight, so the 90th percentile is the new level.
	s := trace(14*288, func(i int) (float64, int64) {
		if i < 7*288 {
			return 0.1, 500 << 20
		}
		return 1, 500 << 20
	})
	rec, err := Recommender{}.Recommend(ContainerUsage{Container: "c", Samples: s})
	if err != nil {
		t.Fatal(err)
	}
	if cpu := rec.Requests.Cpu().AsApproximateFloat64(); cpu < 1.15 {
		t.Errorf("cpu request %.3f, want at least 1.15", cpu)
	}
	// And the reverse: a recent drop pulls the recommendation down.
	for i := range s {
		s[i].CPU = 1.1 - s[i].CPU
	}
	rec, err = Recommender{}.Recommend(ContainerUsage{Container: "c", Samples: s})
	if err != nil {
		t.Fatal(err)
	}
	if cpu := rec.Requests.Cpu().AsApproximateFloat64(); cpu > 0.1*1.05*1.15+0.001 {
		t.Errorf("cpu request %.3f after the drop, want about 0.115", cpu)
	}
}

func TestRecommendOOMBump(t *testing.T) {
	s := trace(3*288, func(int) (float64, int64) { return 0.2, 500 << 20 })
	s[400].Memory, s[400].OOMKilled = 1<<30, true
	rec, err := Recommender{}.Recommend(ContainerUsage{Container: "c", Samples: s})
	if err != nil {
		t.Fatal(err)
	}
	// The OOM day's peak becomes max(1.2 × 1 GiB, 1 GiB + 100 MiB) = 1.2 GiB, and with
	// three daily peaks the 90th percentile is that one.
	if mem, want := rec.Requests.Memory().AsApproximateFloat64(), 1.2*1.15*(1<<30); mem < want {
		t.Errorf("memory request %.0f, want at least %.0f", mem, want)
	}
	if rec.Explanation.OOMKills != 1 {
		t.Errorf("OOM kills = %d", rec.Explanation.OOMKills)
	}
}

func TestRecommendComparisonAndCost(t *testing.T) {
	u := ContainerUsage{Workload: "w", Container: "c", Replicas: 3,
		Current: corev1.ResourceRequirements{Requests: rl("1", "2Gi")},
		Samples: trace(twoDays, func(int) (float64, int64) { return 0.2, 256 << 20 })}
	rec, err := Recommender{}.Recommend(u)
	if err != nil {
		t.Fatal(err)
	}
	cpu, mem := rec.Requests.Cpu().AsApproximateFloat64(), rec.Requests.Memory().AsApproximateFloat64()
	wantChange := (1 - cpu) / 1
	if math.Abs(rec.CPU.Change-wantChange) > 1e-9 || !strings.HasPrefix(rec.CPU.Verdict, "over-provisioned by ") {
		t.Errorf("cpu comparison = %+v", rec.CPU)
	}
	p := Prices{CoreHour: 0.04, GiBHour: 0.005}
	want := ((1-cpu)*0.04 + (2-mem/(1<<30))*0.005) * 730 * 3
	if got := rec.MonthlyCostDelta(p); math.Abs(got-want) > 1e-9 || got <= 0 {
		t.Errorf("monthly delta = %f, want %f", got, want)
	}

	u.Current.Requests = rl("100m", "2Gi")
	rec, _ = Recommender{}.Recommend(u)
	if !strings.HasPrefix(rec.CPU.Verdict, "under-provisioned by ") {
		t.Errorf("verdict = %q", rec.CPU.Verdict)
	}
	u.Current.Requests = rl(rec.Requests.Cpu().String(), "")
	rec, _ = Recommender{}.Recommend(u)
	if rec.CPU.Verdict != "right-sized" || rec.Memory.Verdict != "no request set" {
		t.Errorf("verdicts = %q, %q", rec.CPU.Verdict, rec.Memory.Verdict)
	}
}

func TestRecommendRefusesShortHistory(t *testing.T) {
	for _, s := range [][]Sample{
		nil,
		trace(50, func(int) (float64, int64) { return 1, 1 << 30 }),  // 50 samples
		trace(200, func(int) (float64, int64) { return 1, 1 << 30 }), // 16.6 hours
	} {
		rec, err := Recommender{}.Recommend(ContainerUsage{Container: "c", Samples: s})
		var ih *InsufficientHistoryError
		if rec != nil || !errors.As(err, &ih) || ih.Samples != len(s) {
			t.Errorf("%d samples: %v, %v", len(s), rec, err)
		}
	}
}

func TestRecommendInvalid(t *testing.T) {
	s := trace(300, func(int) (float64, int64) { return 0.5, 1 << 30 })
	s[3].CPU = math.NaN()
	s[4].Memory = -1
	s[6].Time = t0
	r := Recommender{CPUPercentile: 1.5, SafetyMargin: -0.1, HalfLife: -time.Hour}
	_, err := r.Recommend(ContainerUsage{Samples: s, Replicas: -1})
	want := []string{
		"FieldValueInvalid halfLife", "FieldValueInvalid cpuPercentile", "FieldValueInvalid safetyMargin",
		"FieldValueRequired usage.container", "FieldValueInvalid usage.replicas",
		"FieldValueInvalid usage.samples[3].cpu", "FieldValueInvalid usage.samples[4].memory", "FieldValueInvalid usage.samples[6].time",
	}
	wantPaths(t, append(r.Validate(), validateUsage(&ContainerUsage{Samples: s, Replicas: -1}, fieldPathUsage())...), want...)
	if err == nil {
		t.Fatal("Recommend accepted invalid input")
	}
	// Thousands of bad samples are summarised, not listed one by one.
	bad := trace(5000, func(int) (float64, int64) { return -1, 0 })
	errs := validateUsage(&ContainerUsage{Container: "c", Samples: bad}, fieldPathUsage())
	if len(errs) != maxSampleErrs+1 || errs[len(errs)-1].Field != "usage.samples" {
		t.Errorf("got %d errors, last %v", len(errs), errs[len(errs)-1])
	}
}

func TestReportMarkdown(t *testing.T) {
	usages := []ContainerUsage{
		{Workload: "web|app", Container: "app", Replicas: 2, Current: corev1.ResourceRequirements{Requests: rl("500m", "1Gi")},
			Samples: trace(twoDays, func(i int) (float64, int64) { return 0.1 + float64(i%7)/100, 300 << 20 })},
		{Workload: "new", Container: "c", Samples: trace(10, func(int) (float64, int64) { return 0.1, 1 << 20 })},
	}
	rep, err := Recommender{}.Report(usages, &Prices{CoreHour: 0.03, GiBHour: 0.004, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recommendations) != 1 || len(rep.Refused) != 1 {
		t.Fatalf("report = %+v", rep)
	}
	md := rep.markdown()
	for _, want := range []string{"# Right-sizing report", "| web\\|app | app | 500m → ", "over-provisioned by ", "Total monthly saving: **", "## Not enough history", "- new/c: 10 samples"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	rep2, _ := Recommender{}.Report(usages, &Prices{CoreHour: 0.03, GiBHour: 0.004, Currency: "USD"})
	if !bytes.Equal(md, rep2.markdown()) {
		t.Error("report not deterministic")
	}
	if _, err := (Recommender{}).Report(usages, &Prices{CoreHour: math.Inf(1), GiBHour: -1}); err == nil {
		t.Error("bad prices accepted")
	}
}
