package yamlenc

import (
	"math"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// checkCanonical fails unless canonical writes q exactly as
// q.CanonicalizeBytes does.
func checkCanonical(t *testing.T, q resource.Quantity) {
	t.Helper()
	wantN, wantS := q.CanonicalizeBytes(nil)
	want := string(wantN) + "|" + string(wantS)
	gotN, gotS := canonical(&q, make([]byte, 0, 64))
	if got := string(gotN) + "|" + string(gotS); got != want {
		t.Errorf("%#v: canonical gives %q, CanonicalizeBytes %q", q, got, want)
	}
}

func TestCanonical(t *testing.T) {
	for _, s := range []string{
		"0", "1", "1023", "1024", "-1024", "-1023", "1Ki", "1024Ki", "1023Ki", "256Mi", "8Gi",
		"16Gi", "100Mi", "1536Mi", "1.5Gi", "0.5Ki", "1Ei", "7Ei", "-8Ei", "1Pi", "3Ti", "1025",
		"2048", "100m", "1500m", "1e3", "12k", "-3Gi", "9223372036854775807",
	} {
		checkCanonical(t, resource.MustParse(s))
	}
	for _, v := range []int64{math.MinInt64, math.MaxInt64, math.MinInt64 + 1, -1 << 60, 1 << 62, 3 << 50} {
		checkCanonical(t, *resource.NewQuantity(v, resource.BinarySI))
	}
	// A positive scale: a whole number kept as 5 × 10^3.
	checkCanonical(t, *resource.NewScaledQuantity(5, 3).ToDec())
	q := resource.NewScaledQuantity(5, 3)
	q.Format = resource.BinarySI
	checkCanonical(t, *q)
}

func TestCanonicalDoesNotAllocate(t *testing.T) {
	q := resource.MustParse("256Mi")
	out := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { canonical(&q, out) }); n != 0 {
		t.Errorf("canonical(256Mi) allocates %v times", n)
	}
}

// FuzzCanonical compares canonical with CanonicalizeBytes for quantities
// of every format and scale, and for parsed strings.
func FuzzCanonical(f *testing.F) {
	f.Add(int64(256<<20), int8(0), uint8(1), "256Mi")
	f.Add(int64(-1024), int8(0), uint8(1), "-1Ki")
	f.Add(int64(math.MinInt64), int8(0), uint8(1), "1.5Gi")
	f.Add(int64(7), int8(18), uint8(1), "1e3")
	f.Fuzz(func(t *testing.T, v int64, scale int8, format uint8, s string) {
		formats := []resource.Format{resource.DecimalSI, resource.BinarySI, resource.DecimalExponent}
		q := resource.NewScaledQuantity(v, resource.Scale(scale))
		q.Format = formats[int(format)%len(formats)]
		checkCanonical(t, *q)
		if p, err := resource.ParseQuantity(s); err == nil {
			checkCanonical(t, p)
		}
	})
}
