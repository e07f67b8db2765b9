package backup

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prodkube/prodkube/version"
)

// Provider names the object store and volume snapshotter plugin Velero uses.
type Provider string

// The providers prodkube knows the compatibility of. The value is the name
// Velero's --provider flag and the locations' spec.provider take.
const (
	ProviderAWS   Provider = "aws"
	ProviderGCP   Provider = "gcp"
	ProviderAzure Provider = "azure"
)

// Providers lists the supported providers in a stable order.
var Providers = []Provider{ProviderAWS, ProviderAzure, ProviderGCP}

// PluginRepository returns the image repository (without registry) of the
// provider's official plugin, e.g. "velero/velero-plugin-for-aws".
func (p Provider) PluginRepository() string {
	switch p {
	case ProviderAWS:
		return "velero/velero-plugin-for-aws"
	case ProviderGCP:
		return "velero/velero-plugin-for-gcp"
	case ProviderAzure:
		return "velero/velero-plugin-for-microsoft-azure"
	}
	return ""
}

// minorPair maps a plugin minor release line to the Velero minor it is
// built and tested for. Both are "major.minor".
type minorPair struct{ plugin, velero [2]int }

// pluginCompatibility is each plugin's own compatibility table. A plugin
// minor line supports exactly one Velero minor line; patch releases of
// either side are interchangeable.
//
// Sources (the "Compatibility" section of each plugin's README):
//   - AWS: github.com/vmware-tanzu/velero-plugin-for-aws README.md at v1.14.3
//     (v1.14.x ↔ v1.18.x down to v1.10.x ↔ v1.14.x) and at the v1.9 line
//     (v1.9.x ↔ v1.13.x down to v1.3.x ↔ v1.7.x).
//   - GCP: github.com/vmware-tanzu/velero-plugin-for-gcp README.md at v1.14.2
//     (v1.14.x ↔ v1.18.x down to v1.10.x ↔ v1.14.x). Older GCP lines are
//     not listed: that README no longer carries them.
//   - Microsoft Azure: github.com/vmware-tanzu/velero-plugin-for-microsoft-azure
//     README.md at the v1.13 line (v1.13.x ↔ v1.17.x down to v1.9.x ↔
//     v1.13.x) and at the v1.8 line (v1.8.x ↔ v1.12.x down to v1.3.x ↔
//     v1.7.x). A v1.14 line for Velero 1.18 is not listed until its README
//     has been checked.
var pluginCompatibility = map[Provider][]minorPair{
	ProviderAWS: {
		{[2]int{1, 14}, [2]int{1, 18}},
		{[2]int{1, 13}, [2]int{1, 17}},
		{[2]int{1, 12}, [2]int{1, 16}},
		{[2]int{1, 11}, [2]int{1, 15}},
		{[2]int{1, 10}, [2]int{1, 14}},
		{[2]int{1, 9}, [2]int{1, 13}},
		{[2]int{1, 8}, [2]int{1, 12}},
		{[2]int{1, 7}, [2]int{1, 11}},
		{[2]int{1, 6}, [2]int{1, 10}},
		{[2]int{1, 5}, [2]int{1, 9}},
		{[2]int{1, 4}, [2]int{1, 8}},
		{[2]int{1, 3}, [2]int{1, 7}},
	},
	ProviderGCP: {
		{[2]int{1, 14}, [2]int{1, 18}},
		{[2]int{1, 13}, [2]int{1, 17}},
		{[2]int{1, 12}, [2]int{1, 16}},
		{[2]int{1, 11}, [2]int{1, 15}},
		{[2]int{1, 10}, [2]int{1, 14}},
	},
	ProviderAzure: {
		{[2]int{1, 13}, [2]int{1, 17}},
		{[2]int{1, 12}, [2]int{1, 16}},
		{[2]int{1, 11}, [2]int{1, 15}},
		{[2]int{1, 10}, [2]int{1, 14}},
		{[2]int{1, 9}, [2]int{1, 13}},
		{[2]int{1, 8}, [2]int{1, 12}},
		{[2]int{1, 7}, [2]int{1, 11}},
		{[2]int{1, 6}, [2]int{1, 10}},
		{[2]int{1, 5}, [2]int{1, 9}},
		{[2]int{1, 4}, [2]int{1, 8}},
		{[2]int{1, 3}, [2]int{1, 7}},
	},
}

// CheckPluginCompatibility reports whether plugin version pluginVer of the
// provider's official plugin is the one its README lists for Velero version
// veleroVer. The error says which plugin line the Velero version needs.
func CheckPluginCompatibility(p Provider, veleroVer, pluginVer version.Version) error {
	table, ok := pluginCompatibility[p]
	if !ok {
		return fmt.Errorf("unknown provider %q; supported: %s", p, providerList())
	}
	var want []string
	for _, row := range table {
		if row.velero == [2]int{veleroVer.Major, veleroVer.Minor} {
			if row.plugin == [2]int{pluginVer.Major, pluginVer.Minor} {
				return nil
			}
			want = append(want, fmt.Sprintf("v%d.%d.x", row.plugin[0], row.plugin[1]))
		}
	}
	if len(want) == 0 {
		return fmt.Errorf("%s plugin compatibility with Velero %s is not known; known Velero lines: %s",
			p.PluginRepository(), veleroVer.MinorString(), veleroLines(table))
	}
	return fmt.Errorf("%s %s does not match Velero %s; Velero %s needs plugin %s",
		p.PluginRepository(), pluginVer, veleroVer, veleroVer.MinorString(), strings.Join(want, " or "))
}

// CompatiblePluginLine returns the plugin "vMAJOR.MINOR" line that the
// provider's README lists for the Velero version, and false when none is
// known.
func CompatiblePluginLine(p Provider, veleroVer version.Version) (string, bool) {
	for _, row := range pluginCompatibility[p] {
		if row.velero == [2]int{veleroVer.Major, veleroVer.Minor} {
			return fmt.Sprintf("v%d.%d", row.plugin[0], row.plugin[1]), true
		}
	}
	return "", false
}

func veleroLines(table []minorPair) string {
	var s []string
	for _, row := range table {
		s = append(s, fmt.Sprintf("v%d.%d", row.velero[0], row.velero[1]))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func providerList() string {
	s := make([]string, len(Providers))
	for i, p := range Providers {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}
