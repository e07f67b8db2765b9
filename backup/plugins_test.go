package backup

import (
	"strings"
	"testing"

	"github.com/prodkube/prodkube/version"
)

func TestCheckPluginCompatibility(t *testing.T) {
	for _, tc := range []struct {
		p              Provider
		velero, plugin string
		wantErr        string
	}{
		// The rows the README tables give, one per provider and line.
		{ProviderAWS, "v1.18.3", "v1.14.3", ""},
		{ProviderAWS, "v1.17.0", "v1.13.1", ""},
		{ProviderAWS, "v1.16.2", "v1.12.0", ""},
		{ProviderAWS, "v1.15.0", "v1.11.1", ""},
		{ProviderAWS, "v1.14.1", "v1.10.0", ""},
		{ProviderAWS, "v1.13.2", "v1.9.2", ""},
		{ProviderAWS, "v1.9.0", "v1.5.0", ""},
		{ProviderGCP, "v1.18.0", "v1.14.2", ""},
		{ProviderAzure, "v1.17.0", "v1.13.0", ""},
		{ProviderAzure, "v1.12.1", "v1.8.2", ""},
		// Mismatches are refused with the line that would fit.
		{ProviderAWS, "v1.18.3", "v1.5.0", "Velero v1.18 needs plugin v1.14.x"},
		{ProviderAWS, "v1.17.0", "v1.14.0", "Velero v1.17 needs plugin v1.13.x"},
		{ProviderGCP, "v1.13.0", "v1.9.0", "compatibility with Velero v1.13 is not known"},
		{ProviderAzure, "v1.18.0", "v1.14.0", "compatibility with Velero v1.18 is not known"},
		{ProviderAWS, "v2.0.0", "v2.0.0", "not known"},
		{"minio", "v1.18.0", "v1.14.0", "unknown provider"},
	} {
		err := CheckPluginCompatibility(tc.p, version.MustParse(tc.velero), version.MustParse(tc.plugin))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s %s/%s: %v", tc.p, tc.velero, tc.plugin, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s %s/%s: error %v, want one containing %q", tc.p, tc.velero, tc.plugin, err, tc.wantErr)
		}
	}
}

// TestPluginTableShape checks the table itself: every provider has a
// repository, lines are listed newest first without gaps, and each plugin
// line maps to exactly one Velero line (plugin minor + 4 for these
// providers since the v1.3 ↔ v1.7 pairing).
func TestPluginTableShape(t *testing.T) {
	for _, p := range Providers {
		if p.PluginRepository() == "" {
			t.Errorf("%s: no plugin repository", p)
		}
		rows := pluginCompatibility[p]
		if len(rows) == 0 {
			t.Errorf("%s: empty table", p)
		}
		for i, row := range rows {
			if row.velero[1]-row.plugin[1] != 4 || row.velero[0] != 1 || row.plugin[0] != 1 {
				t.Errorf("%s: row %v breaks the documented pairing", p, row)
			}
			if i > 0 && rows[i-1].plugin[1] != row.plugin[1]+1 {
				t.Errorf("%s: rows %v and %v are not consecutive", p, rows[i-1], row)
			}
		}
	}
	if line, ok := CompatiblePluginLine(ProviderAWS, version.MustParse("v1.18.3")); !ok || line != "v1.14" {
		t.Errorf("CompatiblePluginLine(aws, v1.18.3) = %q, %v", line, ok)
	}
}
