package scaling

import (
	"errors"
	"fmt"
	"math"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Sample is one observation of a container's usage.
type Sample struct {
	// Time is when the sample was taken.
	Time time.Time
	// CPU is the usage in cores (e.g. 0.25 for 250m).
	CPU float64
	// Memory is the working set in bytes.
	Memory int64
	// OOMKilled says the container was killed for running out of memory at Time,
	// using Memory bytes.
	OOMKilled bool
}

// ContainerUsage is the usage history of one container of a workload.
type ContainerUsage struct {
	// Workload and Container identify the container in reports.
	Workload, Container string
	// Replicas is how many pods run the container; 0 means 1. It scales the cost delta.
	Replicas int32
	// Current are the container's present requests and limits.
	Current corev1.ResourceRequirements
	// Samples are the observations in time order (non-decreasing Time).
	Samples []Sample
}

// Prices are what capacity costs, used for the monthly cost delta.
type Prices struct {
	// CoreHour is the price of one CPU core for one hour.
	CoreHour float64
	// GiBHour is the price of one GiB of memory for one hour.
	GiBHour float64
	// Currency is printed after amounts, e.g. "USD".
	Currency string
}

// HoursPerMonth is the average month (365 × 24 / 12) used for cost deltas.
const HoursPerMonth = 730.0

// Recommender turns usage histories into recommended requests and limits. It is
// modelled on the VerticalPodAutoscaler recommender: samples go into decaying
// histograms with exponentially growing buckets, so recent usage counts more
// (weight halves every HalfLife) and the work is O(n) in the number of samples with
// constant memory. The zero value uses the production defaults.
type Recommender struct {
	// HalfLife is how long it takes a sample's weight to halve; 0 means 24h.
	HalfLife time.Duration
	// CPUPercentile is the share of decayed CPU usage the request covers; 0 means 0.90.
	CPUPercentile float64
	// MemoryPercentile is the share of decayed daily memory peaks the request covers;
	// 0 means 0.90.
	MemoryPercentile float64
	// SafetyMargin is added on top of the percentile; 0 means 0.15 (15 %).
	SafetyMargin float64
	// MinCPUMillicores is the smallest CPU request; 0 means 25.
	MinCPUMillicores int64
	// MinMemoryBytes is the smallest memory request; 0 means 250Mi.
	MinMemoryBytes int64
	// MinHistory is the shortest history a recommendation is made from; 0 means 24h.
	MinHistory time.Duration
	// MinSamples is the fewest samples a recommendation is made from; 0 means 100.
	MinSamples int
	// Tolerance is the relative difference under which a request counts as right-sized;
	// 0 means 0.10.
	Tolerance float64
}

// Recommendation is the outcome for one container, with its reasoning.
type Recommendation struct {
	// Workload and Container identify the container, as in ContainerUsage.
	Workload, Container string
	// Replicas is the pod count the cost delta is multiplied by.
	Replicas int32
	// Requests and Limits are the recommended values for cpu and memory.
	Requests, Limits corev1.ResourceList
	// CPU and Memory compare the recommended requests with the current ones.
	CPU, Memory Comparison
	// Explanation says how the numbers were reached.
	Explanation Explanation
}

// Comparison sets a recommended request against the current one.
type Comparison struct {
	// Current is today's request (zero when HasCurrent is false); Recommended is the
	// recommended request.
	Current, Recommended resource.Quantity
	// HasCurrent is false when the container requests nothing today.
	HasCurrent bool
	// Change is (current − recommended) / current: positive means over-provisioned.
	Change float64
	// Verdict is "over-provisioned by X %", "under-provisioned by X %", "right-sized"
	// or "no request set".
	Verdict string
}

// Explanation records the evidence behind a recommendation.
type Explanation struct {
	// Samples is the number of samples used.
	Samples int
	// First and Last are the times of the first and last sample; Span is between them.
	First, Last time.Time
	Span        time.Duration
	// Days is the number of 24-hour windows whose memory peaks were used.
	Days int
	// CPUPercentile and CPUCores: the decayed percentile and its value before margin.
	CPUPercentile float64
	CPUCores      float64
	// MemoryPercentile and MemoryPeakBytes: the percentile of daily peaks and its value.
	MemoryPercentile float64
	MemoryPeakBytes  float64
	// SafetyMargin and HalfLife are the settings used.
	SafetyMargin float64
	HalfLife     time.Duration
	// Confidence is min(days of history, samples / 288), i.e. days of five-minute data.
	Confidence float64
	// ConfidenceLevel is "low" (< 1), "medium" (< 7) or "high".
	ConfidenceLevel string
	// OOMKills counts samples marked OOMKilled; each bumped that day's memory peak.
	OOMKills                            int
	CPUFloorApplied, MemoryFloorApplied bool
}

// InsufficientHistoryError is returned when there is too little data to recommend.
type InsufficientHistoryError struct {
	// Workload and Container identify the container.
	Workload, Container string
	// Samples and Span are what there was; MinSamples and MinHistory what is needed.
	Samples, MinSamples int
	Span, MinHistory    time.Duration
}

// Error says what history there was and what is needed.
func (e *InsufficientHistoryError) Error() string {
	return fmt.Sprintf("%s/%s: not enough history to recommend: %d samples over %s; need at least %d samples over %s",
		e.Workload, e.Container, e.Samples, e.Span, e.MinSamples, e.MinHistory)
}

// Histogram bounds: CPU from 10m to 1000 cores, memory from 10 MB to 1 TB, buckets 5 %
// wider each (as the VPA recommender).
const (
	bucketRatio   = 1.05
	cpuFirst      = 0.01
	cpuMax        = 1000.0
	memFirst      = 1e7
	memMax        = 1e12
	oomBumpRatio  = 1.2
	oomMinBump    = 100 << 20
	samplesPerDay = 288.0
	maxSampleErrs = 20
)

type decayingHistogram struct {
	first    float64
	logRatio float64
	weights  []float64
	total    float64
}

func newHistogram(first, max float64) *decayingHistogram {
	lr := math.Log(bucketRatio)
	n := int(math.Ceil(math.Log(max/first)/lr)) + 2
	return &decayingHistogram{first: first, logRatio: lr, weights: make([]float64, n)}
}

func (h *decayingHistogram) add(v, w float64) {
	if w <= 0 || math.IsNaN(w) {
		return
	}
	i := 0
	if v >= h.first {
		i = int(math.Log(v/h.first)/h.logRatio) + 1
		if i >= len(h.weights) || i < 0 {
			i = len(h.weights) - 1
		}
	}
	h.weights[i] += w
	h.total += w
}

// percentile returns the upper edge of the bucket holding the p-th share of weight.
func (h *decayingHistogram) percentile(p float64) float64 {
	if h.total <= 0 {
		return 0
	}
	threshold := p * h.total
	cum := 0.0
	for i, w := range h.weights {
		cum += w
		if cum >= threshold && w > 0 {
			return h.first * math.Pow(bucketRatio, float64(i))
		}
	}
	return h.first * math.Pow(bucketRatio, float64(len(h.weights)-1))
}

func (r Recommender) withDefaults() Recommender {
	if r.HalfLife == 0 {
		r.HalfLife = 24 * time.Hour
	}
	if r.CPUPercentile == 0 {
		r.CPUPercentile = 0.90
	}
	if r.MemoryPercentile == 0 {
		r.MemoryPercentile = 0.90
	}
	if r.SafetyMargin == 0 {
		r.SafetyMargin = 0.15
	}
	if r.MinCPUMillicores == 0 {
		r.MinCPUMillicores = 25
	}
	if r.MinMemoryBytes == 0 {
		r.MinMemoryBytes = 250 << 20
	}
	if r.MinHistory == 0 {
		r.MinHistory = 24 * time.Hour
	}
	if r.MinSamples == 0 {
		r.MinSamples = 100
	}
	if r.Tolerance == 0 {
		r.Tolerance = 0.10
	}
	return r
}

// Validate reports every problem with the recommender's settings.
func (r Recommender) Validate() field.ErrorList {
	var errs field.ErrorList
	if r.HalfLife < 0 {
		errs = append(errs, field.Invalid(field.NewPath("halfLife"), r.HalfLife.String(), "must be positive, or 0 for 24h"))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"cpuPercentile", r.CPUPercentile}, {"memoryPercentile", r.MemoryPercentile}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			errs = append(errs, field.Invalid(field.NewPath(f.name), f.v, "must be a fraction in (0, 1], e.g. 0.9"))
		}
	}
	if math.IsNaN(r.SafetyMargin) || r.SafetyMargin < 0 || r.SafetyMargin > 10 {
		errs = append(errs, field.Invalid(field.NewPath("safetyMargin"), r.SafetyMargin, "must be a fraction between 0 and 10, e.g. 0.15"))
	}
	if math.IsNaN(r.Tolerance) || r.Tolerance < 0 || r.Tolerance >= 1 {
		errs = append(errs, field.Invalid(field.NewPath("tolerance"), r.Tolerance, "must be a fraction in [0, 1), e.g. 0.1"))
	}
	if r.MinCPUMillicores < 0 || r.MinCPUMillicores > 1_000_000 {
		errs = append(errs, field.Invalid(field.NewPath("minCPUMillicores"), r.MinCPUMillicores, "must be between 0 and 1000000"))
	}
	if r.MinMemoryBytes < 0 || r.MinMemoryBytes > 1<<40 {
		errs = append(errs, field.Invalid(field.NewPath("minMemoryBytes"), r.MinMemoryBytes, "must be between 0 and 1Ti"))
	}
	if r.MinHistory < 0 {
		errs = append(errs, field.Invalid(field.NewPath("minHistory"), r.MinHistory.String(), "must be positive, or 0 for 24h"))
	}
	if r.MinSamples < 0 {
		errs = append(errs, field.Invalid(field.NewPath("minSamples"), r.MinSamples, "must be positive, or 0 for 100"))
	}
	return errs
}

// validateUsage checks one container's input; p is the path of the ContainerUsage.
func validateUsage(u *ContainerUsage, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if u.Container == "" {
		errs = append(errs, field.Required(p.Child("container"), "must name the container"))
	}
	if u.Replicas < 0 {
		errs = append(errs, field.Invalid(p.Child("replicas"), u.Replicas, "must not be negative"))
	}
	sampleErrs := 0
	var prev time.Time
	for i := range u.Samples {
		s := &u.Samples[i]
		badCPU := math.IsNaN(s.CPU) || math.IsInf(s.CPU, 0) || s.CPU < 0 || s.CPU > cpuMax
		badMem := s.Memory < 0 || s.Memory > int64(memMax)
		badTime := i > 0 && s.Time.Before(prev)
		prev = s.Time
		if !badCPU && !badMem && !badTime {
			continue // the common case allocates nothing
		}
		sampleErrs++
		if sampleErrs > maxSampleErrs {
			continue
		}
		sp := p.Child("samples").Index(i)
		if badCPU {
			errs = append(errs, field.Invalid(sp.Child("cpu"), s.CPU, "must be a number of cores between 0 and 1000"))
		}
		if badMem {
			errs = append(errs, field.Invalid(sp.Child("memory"), s.Memory, "must be a number of bytes between 0 and 1e12"))
		}
		if badTime {
			errs = append(errs, field.Invalid(sp.Child("time"), s.Time.UTC().Format(time.RFC3339), "samples must be in time order; this one is earlier than the previous"))
		}
	}
	if sampleErrs > maxSampleErrs {
		errs = append(errs, field.Invalid(p.Child("samples"), fmt.Sprintf("%d invalid samples", sampleErrs), fmt.Sprintf("only the first %d invalid samples are listed", maxSampleErrs)))
	}
	return errs
}

// Recommend computes the recommendation for one container. It returns an
// *InsufficientHistoryError when the history is too short or too sparse, and an
// aggregate of field errors when the input is invalid.
func (r Recommender) Recommend(u ContainerUsage) (*Recommendation, error) {
	errs := r.Validate()
	errs = append(errs, validateUsage(&u, field.NewPath("usage"))...)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	rec, err := r.withDefaults().recommend(&u)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func (r Recommender) recommend(u *ContainerUsage) (*Recommendation, error) {
	n := len(u.Samples)
	var span time.Duration
	if n > 0 {
		span = u.Samples[n-1].Time.Sub(u.Samples[0].Time)
	}
	if n < r.MinSamples || span < r.MinHistory {
		return nil, &InsufficientHistoryError{Workload: u.Workload, Container: u.Container, Samples: n, MinSamples: r.MinSamples, Span: span, MinHistory: r.MinHistory}
	}
	first, last := u.Samples[0].Time, u.Samples[n-1].Time
	cpuHist := newHistogram(cpuFirst, cpuMax)
	memHist := newHistogram(memFirst, memMax)
	halfLife := r.HalfLife.Seconds()
	weight := func(t time.Time) float64 {
		return math.Exp2(last.Sub(t).Seconds() / -halfLife)
	}

	const day = 24 * time.Hour
	ooms := 0
	window := int64(-1)
	var peak float64
	var peakTime time.Time
	days := 0
	flush := func() {
		if window >= 0 {
			memHist.add(peak, weight(peakTime))
			days++
		}
	}
	spanSec := span.Seconds()
	for i := range u.Samples {
		s := &u.Samples[i]
		since := s.Time.Sub(first)
		w := math.Exp2((since.Seconds() - spanSec) / halfLife)
		cpuHist.add(s.CPU, w)
		mem := float64(s.Memory)
		if s.OOMKilled {
			ooms++
			mem = math.Max(mem*oomBumpRatio, mem+oomMinBump)
		}
		idx := int64(since / day)
		if idx != window {
			flush()
			window, peak, peakTime = idx, mem, s.Time
		} else if mem > peak {
			peak, peakTime = mem, s.Time
		}
	}
	flush()

	cpuP := cpuHist.percentile(r.CPUPercentile)
	cpuBurst := cpuHist.percentile(0.99)
	memP := memHist.percentile(r.MemoryPercentile)

	cpuMilli := int64(math.Ceil(cpuP * (1 + r.SafetyMargin) * 1000))
	cpuFloor := false
	if cpuMilli < r.MinCPUMillicores {
		cpuMilli, cpuFloor = r.MinCPUMillicores, true
	}
	limitMilli := int64(math.Ceil(cpuBurst * (1 + r.SafetyMargin) * 1000))
	if limitMilli < cpuMilli {
		limitMilli = cpuMilli
	}
	const mi = 1 << 20
	memBytes := int64(math.Ceil(memP*(1+r.SafetyMargin)/mi)) * mi
	memFloor := false
	if memBytes < r.MinMemoryBytes {
		memBytes, memFloor = r.MinMemoryBytes, true
	}

	spanDays := span.Hours() / 24
	conf := math.Min(spanDays, float64(n)/samplesPerDay)
	level := "high"
	switch {
	case conf < 1:
		level = "low"
	case conf < 7:
		level = "medium"
	}
	replicas := u.Replicas
	if replicas == 0 {
		replicas = 1
	}
	cpuQ := *resource.NewMilliQuantity(cpuMilli, resource.DecimalSI)
	memQ := *resource.NewQuantity(memBytes, resource.BinarySI)
	return &Recommendation{
		Workload:  u.Workload,
		Container: u.Container,
		Replicas:  replicas,
		Requests:  corev1.ResourceList{corev1.ResourceCPU: cpuQ, corev1.ResourceMemory: memQ},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(limitMilli, resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(memBytes, resource.BinarySI),
		},
		CPU:    r.compare(u.Current.Requests, corev1.ResourceCPU, cpuQ),
		Memory: r.compare(u.Current.Requests, corev1.ResourceMemory, memQ),
		Explanation: Explanation{
			Samples: n, First: first, Last: last, Span: span, Days: days,
			CPUPercentile: r.CPUPercentile, CPUCores: cpuP,
			MemoryPercentile: r.MemoryPercentile, MemoryPeakBytes: memP,
			SafetyMargin: r.SafetyMargin, HalfLife: r.HalfLife,
			Confidence: conf, ConfidenceLevel: level, OOMKills: ooms,
			CPUFloorApplied: cpuFloor, MemoryFloorApplied: memFloor,
		},
	}, nil
}

func (r Recommender) compare(current corev1.ResourceList, name corev1.ResourceName, rec resource.Quantity) Comparison {
	cur, ok := current[name]
	c := Comparison{Recommended: rec}
	if !ok || cur.Sign() <= 0 {
		c.Verdict = "no request set"
		return c
	}
	c.Current, c.HasCurrent = cur.DeepCopy(), true
	cv, rv := cur.AsApproximateFloat64(), rec.AsApproximateFloat64()
	c.Change = (cv - rv) / cv
	switch {
	case math.Abs(c.Change) <= r.Tolerance:
		c.Verdict = "right-sized"
	case c.Change > 0:
		c.Verdict = fmt.Sprintf("over-provisioned by %.0f %%", c.Change*100)
	default:
		c.Verdict = fmt.Sprintf("under-provisioned by %.0f %%", -c.Change*100)
	}
	return c
}

// MonthlyCostDelta is what the recommendation saves per month across all replicas
// (negative: what it adds), from the change in requests.
func (rec *Recommendation) MonthlyCostDelta(p Prices) float64 {
	cpu := rec.CPU.Current.AsApproximateFloat64() - rec.CPU.Recommended.AsApproximateFloat64()
	mem := (rec.Memory.Current.AsApproximateFloat64() - rec.Memory.Recommended.AsApproximateFloat64()) / (1 << 30)
	return (cpu*p.CoreHour + mem*p.GiBHour) * HoursPerMonth * float64(rec.Replicas)
}

// Report is the right-sizing outcome for a set of containers.
type Report struct {
	// Recommendations in input order.
	Recommendations []Recommendation
	// Refused are the containers with too little history.
	Refused []InsufficientHistoryError
	// Prices, when set, adds monthly cost deltas.
	Prices *Prices
}

// Report recommends for every container. Containers with too little history are listed
// in Refused rather than failing the report; invalid input is an error.
func (r Recommender) Report(usages []ContainerUsage, prices *Prices) (*Report, error) {
	errs := r.Validate()
	for i := range usages {
		errs = append(errs, validateUsage(&usages[i], field.NewPath("usages").Index(i))...)
	}
	if prices != nil {
		if math.IsNaN(prices.CoreHour) || math.IsInf(prices.CoreHour, 0) || prices.CoreHour < 0 {
			errs = append(errs, field.Invalid(field.NewPath("prices", "coreHour"), prices.CoreHour, "must be a non-negative price"))
		}
		if math.IsNaN(prices.GiBHour) || math.IsInf(prices.GiBHour, 0) || prices.GiBHour < 0 {
			errs = append(errs, field.Invalid(field.NewPath("prices", "gibHour"), prices.GiBHour, "must be a non-negative price"))
		}
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	d := r.withDefaults()
	rep := &Report{}
	if prices != nil {
		p := *prices
		rep.Prices = &p
	}
	for i := range usages {
		rec, err := d.recommend(&usages[i])
		var ih *InsufficientHistoryError
		switch {
		case errors.As(err, &ih):
			rep.Refused = append(rep.Refused, *ih)
		case err != nil:
			return nil, err
		default:
			rep.Recommendations = append(rep.Recommendations, *rec)
		}
	}
	return rep, nil
}
