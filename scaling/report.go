package scaling

import (
	"github.com/prodkube/prodkube"

	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// ReportFile is the right-sizing report's path, relative to the output
// directory.
const ReportFile = "reports/right-sizing.md"

// Files returns the report as a Markdown document at ReportFile: a summary
// table, one section per container explaining its numbers, and the
// containers refused for lack of history. The output depends only on the
// report (no clock), so it is stable. A nil Report has no files.
func (rep *Report) Files() []prodkube.File {
	if rep == nil {
		return nil
	}
	return []prodkube.File{{Path: ReportFile, Content: rep.markdown()}}
}

// markdown renders the report.
func (rep *Report) markdown() []byte {
	var b bytes.Buffer
	b.WriteString("# Right-sizing report\n\n")
	b.WriteString("Recommendations from observed usage, modelled on the VerticalPodAutoscaler recommender: ")
	b.WriteString("decaying histograms (recent usage weighs more), CPU at a high percentile of usage and memory at a high percentile of daily peaks, ")
	b.WriteString("each plus a safety margin, with floors and a bump after OOM kills. Memory limits equal memory requests; CPU limits cover the 99th percentile plus the margin.\n\n")

	if len(rep.Recommendations) > 0 {
		b.WriteString("## Summary\n\n")
		if rep.Prices != nil {
			b.WriteString("| Workload | Container | CPU request (now → recommended) | CPU | Memory request (now → recommended) | Memory | Monthly saving |\n")
			b.WriteString("|---|---|---|---|---|---|---:|\n")
		} else {
			b.WriteString("| Workload | Container | CPU request (now → recommended) | CPU | Memory request (now → recommended) | Memory |\n")
			b.WriteString("|---|---|---|---|---|---|\n")
		}
		var total float64
		for i := range rep.Recommendations {
			r := &rep.Recommendations[i]
			fmt.Fprintf(&b, "| %s | %s | %s → %s | %s | %s → %s | %s |",
				mdCell(r.Workload), mdCell(r.Container),
				currentString(r.CPU), r.CPU.Recommended.String(), r.CPU.Verdict,
				currentString(r.Memory), r.Memory.Recommended.String(), r.Memory.Verdict)
			if rep.Prices != nil {
				d := r.MonthlyCostDelta(*rep.Prices)
				total += d
				fmt.Fprintf(&b, " %s |", money(d, rep.Prices.Currency))
			}
			b.WriteString("\n")
		}
		if rep.Prices != nil {
			fmt.Fprintf(&b, "\nTotal monthly saving: **%s** (at %s per core-hour and %s per GiB-hour, %.0f hours a month; negative means the recommendation costs more).\n",
				money(total, rep.Prices.Currency), priceString(rep.Prices.CoreHour, rep.Prices.Currency), priceString(rep.Prices.GiBHour, rep.Prices.Currency), HoursPerMonth)
		}
		b.WriteString("\n")
		for i := range rep.Recommendations {
			writeRecommendation(&b, &rep.Recommendations[i])
		}
	}
	if len(rep.Refused) > 0 {
		b.WriteString("## Not enough history\n\n")
		for _, e := range rep.Refused {
			fmt.Fprintf(&b, "- %s/%s: %d samples over %s; at least %d samples over %s are needed.\n",
				mdCell(e.Workload), mdCell(e.Container), e.Samples, durationString(e.Span), e.MinSamples, durationString(e.MinHistory))
		}
		b.WriteString("\n")
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}

func writeRecommendation(b *bytes.Buffer, r *Recommendation) {
	e := &r.Explanation
	fmt.Fprintf(b, "## %s/%s\n\n", mdCell(r.Workload), mdCell(r.Container))
	req, lim := r.Requests, r.Limits
	fmt.Fprintf(b, "- Requests: cpu %s, memory %s. Limits: cpu %s, memory %s.\n",
		qs(req, "cpu"), qs(req, "memory"), qs(lim, "cpu"), qs(lim, "memory"))
	fmt.Fprintf(b, "- Evidence: %d samples from %s to %s (%s, %d daily windows), half-life %s.\n",
		e.Samples, e.First.UTC().Format(time.RFC3339), e.Last.UTC().Format(time.RFC3339), durationString(e.Span), e.Days, durationString(e.HalfLife))
	fmt.Fprintf(b, "- CPU: p%.0f of decayed usage is %.3f cores; plus %.0f %% margin gives %s", e.CPUPercentile*100, e.CPUCores, e.SafetyMargin*100, qs(req, "cpu"))
	if e.CPUFloorApplied {
		b.WriteString(" (raised to the floor)")
	}
	b.WriteString(".\n")
	fmt.Fprintf(b, "- Memory: p%.0f of decayed daily peaks is %.0f MiB; plus %.0f %% margin gives %s", e.MemoryPercentile*100, e.MemoryPeakBytes/(1<<20), e.SafetyMargin*100, qs(req, "memory"))
	if e.MemoryFloorApplied {
		b.WriteString(" (raised to the floor)")
	}
	b.WriteString(".\n")
	if e.OOMKills > 0 {
		fmt.Fprintf(b, "- OOM kills: %d; each raised its day's peak to max(1.2 × usage, usage + 100 MiB).\n", e.OOMKills)
	}
	fmt.Fprintf(b, "- Confidence: %s (%.1f days of five-minute data).\n", e.ConfidenceLevel, e.Confidence)
	fmt.Fprintf(b, "- Against the current requests: CPU %s, memory %s.\n\n", r.CPU.Verdict, r.Memory.Verdict)
}

// mdCell makes s safe inside a Markdown table cell or heading.
func mdCell(s string) string {
	if s == "" {
		return "-"
	}
	r := strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ", "`", "'", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func currentString(c Comparison) string {
	if !c.HasCurrent {
		return "none"
	}
	return c.Current.String()
}

func qs(rl corev1.ResourceList, name corev1.ResourceName) string {
	q, ok := rl[name]
	if !ok {
		return "none"
	}
	return q.String()
}

func money(v float64, currency string) string {
	if math.Abs(v) < 0.005 {
		v = 0
	}
	s := fmt.Sprintf("%.2f", v)
	if currency != "" {
		s += " " + mdCell(currency)
	}
	return s
}

func priceString(v float64, currency string) string {
	s := fmt.Sprintf("%.4f", v)
	if currency != "" {
		s += " " + mdCell(currency)
	}
	return s
}

// durationString prints whole days and hours, e.g. "14d" or "1d6h".
func durationString(d time.Duration) string {
	if d < time.Hour {
		return d.Round(time.Second).String()
	}
	days := int64(d / (24 * time.Hour))
	hours := int64((d % (24 * time.Hour)) / time.Hour)
	switch {
	case days == 0:
		return fmt.Sprintf("%dh", hours)
	case hours == 0:
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, hours)
}
