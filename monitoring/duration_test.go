package monitoring

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDurationString(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{500 * time.Millisecond, "500ms"},
		{30 * time.Second, "30s"},
		{90 * time.Second, "1m30s"},
		{time.Hour + 30*time.Minute, "1h30m"},
		{15 * 24 * time.Hour, "15d"},
		{14 * 24 * time.Hour, "2w"},
		{90 * 24 * time.Hour, "90d"},
		{365 * 24 * time.Hour, "1y"},
		{366 * 24 * time.Hour, "366d"},
		{-time.Minute, "-1m"},
	} {
		if got := Duration(tc.d).String(); got != tc.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "0s", want: 0},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1y2w3d4h5m6s7ms", want: 365*24*time.Hour + 14*24*time.Hour + 3*24*time.Hour + 4*time.Hour + 5*time.Minute + 6*time.Second + 7*time.Millisecond},
		{in: "", wantErr: true},
		{in: "1", wantErr: true},
		{in: "1m1h", wantErr: true}, // units out of order
		{in: "1m1m", wantErr: true}, // unit twice
		{in: "1.5h", wantErr: true}, // no fractions
		{in: "-1m", wantErr: true},  // no sign
		{in: "1us", wantErr: true},  // unknown unit
		{in: "h", wantErr: true},    // no number
		{in: "300y", wantErr: true}, // beyond time.Duration
		{in: "99999999999999999999s", wantErr: true},
	} {
		got, err := ParseDuration(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseDuration(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && time.Duration(got) != tc.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, time.Duration(got), tc.want)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		D Duration `json:"d"`
	}{Duration(36 * time.Hour)})
	if err != nil || string(b) != `{"d":"1d12h"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var v struct {
		D Duration `json:"d"`
	}
	if err := json.Unmarshal(b, &v); err != nil || time.Duration(v.D) != 36*time.Hour {
		t.Fatalf("Unmarshal = %v, %v", time.Duration(v.D), err)
	}
	if _, err := json.Marshal(Duration(time.Microsecond)); err == nil {
		t.Error("Marshal of a sub-millisecond duration succeeded; Prometheus cannot represent it")
	}
	if err := json.Unmarshal([]byte(`"5x"`), &v.D); err == nil {
		t.Error(`Unmarshal("5x") succeeded`)
	}
}

// FuzzDuration: every valid duration prints to text that parses back to
// itself, and parsing never panics.
func FuzzDuration(f *testing.F) {
	f.Add(int64(0), "0")
	f.Add(int64(time.Hour), "1h30m")
	f.Add(int64(15*24*time.Hour), "2w1d")
	f.Fuzz(func(t *testing.T, n int64, s string) {
		d := Duration(time.Duration(n).Truncate(time.Millisecond))
		if d < 0 {
			d = -d
		}
		if d >= 0 {
			back, err := ParseDuration(d.String())
			if err != nil || back != d {
				t.Fatalf("ParseDuration(%q) = %v, %v; want %v", d.String(), time.Duration(back), err, time.Duration(d))
			}
		}
		if v, err := ParseDuration(s); err == nil {
			if v < 0 {
				t.Fatalf("ParseDuration(%q) = %v, negative", s, v)
			}
			again, err := ParseDuration(v.String())
			if err != nil || again != v {
				t.Fatalf("round trip of %q: %q -> %v, %v", s, v.String(), time.Duration(again), err)
			}
		}
	})
}
