package backup

import (
	"reflect"
	"strings"
	"time"

	"sigs.k8s.io/randfill"
)

// vocabulary mixes values that are valid somewhere in this package with
// near misses and hostile strings, so that filled specs reach both the
// result and the error paths.
var vocabulary = []string{
	"", "production", "staging", "velero", "backup-system", "production-restore-test", "*", "a", "x",
	"production-daily", "production-weekly", "drill", "default", "secondary",
	"deployments.apps", "configmaps", "events", "secrets", "Deployments",
	"app", "tier", "web", "app.kubernetes.io/name", "example.com/tier", "bad key",
	"v1.18.3", "v1.17.0", "v1.14.3", "v1.13.1", "v1.5.0", "1.18", "latest",
	"aws", "gcp", "azure", "minio",
	"prodkube-backups", "b", "Bucket_", "cluster-a", "a/b", "/abs", "a/../b",
	"region", "eu-west-1", "s3ForcePathStyle", "true", "aws_secret_access_key", "a,b", "k=v",
	"./credentials-velero", "/etc/velero/creds", "-rf", "new\nline",
	"0 1 * * *", "0 3 * * 0", "*/15 * * * *", "@every 24h", "@every 1s", "@daily", "0 25 * * *", "60 * * * *",
	"https://10.0.0.11:2379", "https://[fd00::1]:2379", "http://10.0.0.1:2379", "https://host", "https://etcd-0.example.com:2379",
	"/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/apiserver-etcd-client.crt", "/var/backups/etcd", "relative",
	"registry.example.com", "registry.example.com:5000/mirror", "docker.io", "bad registry",
	"$(reboot)", "'q'", "\"dq\"", "a;b", "`x`", "~", "é", strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("b", 254),
}

var fillProviders = []Provider{ProviderAWS, ProviderGCP, ProviderAzure, "minio", ""}

var durations = []time.Duration{0, -time.Hour, time.Second, 1500 * time.Millisecond, time.Minute, time.Hour, 24 * time.Hour,
	720 * time.Hour, 25 * time.Hour, 1 << 62}

// newFiller returns a randfill.Filler seeded by fuzz input that draws from
// the vocabulary.
func newFiller(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.2).NumElements(0, 3).MaxDepth(4).Funcs(
		func(s *string, c randfill.Continue) {
			if c.Intn(10) == 0 {
				*s = c.String(8)
				return
			}
			*s = vocabulary[c.Intn(len(vocabulary))]
		},
		func(p *Provider, c randfill.Continue) { *p = fillProviders[c.Intn(len(fillProviders))] },
		func(d *time.Duration, c randfill.Continue) { *d = durations[c.Intn(len(durations))] },
	)
}

// fillFrom returns base with some of its fields replaced by filled values:
// the fuzz input decides which fields (about one in four) and their new
// values. Starting from a valid spec keeps a good share of the inputs
// valid, so the fuzz targets test the result path as well as the errors.
func fillFrom[T any](data []byte, base T) T {
	f := newFiller(data)
	var mask uint64
	var patch T
	f.Fill(&mask)
	f.Fill(&patch)
	mixFields(reflect.ValueOf(&base).Elem(), reflect.ValueOf(patch), &mask)
	return base
}

func mixFields(dst, src reflect.Value, mask *uint64) {
	for i := 0; i < dst.NumField(); i++ {
		if dst.Type().Field(i).Anonymous && dst.Field(i).Kind() == reflect.Struct {
			mixFields(dst.Field(i), src.Field(i), mask)
			continue
		}
		if *mask&3 == 3 {
			dst.Field(i).Set(src.Field(i))
		}
		*mask = *mask>>2 | *mask<<62
	}
}
