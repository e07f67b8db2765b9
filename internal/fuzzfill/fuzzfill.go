// Package fuzzfill fills prodkube specs from fuzz input.
//
// Purely random strings almost never make a valid name, label or version, so
// a fuzz target fed by plain randfill would only ever exercise the error
// path. The Filler built here draws strings from a vocabulary that mixes
// valid values (DNS names, label keys, levels, verbs, versions, CIDRs,
// quantities) with near misses and hostile ones (upper case, spaces, shell
// metacharacters, over-long strings), and numbers from a set around the
// usual boundaries, so both Build outcomes are reached.
package fuzzfill

import (
	"strings"

	"sigs.k8s.io/randfill"
)

// Vocabulary is the set of strings a Filler draws from. It is exported so a
// fuzz target can add the words of its own domain.
var Vocabulary = []string{
	"", "a", "web", "web-app", "production", "team-a", "kube-system", "default",
	"app", "app.kubernetes.io/name", "example.com/tier", "k8s-app", "kube-dns",
	"restricted", "baseline", "privileged", "latest", "v1.37", "v1.36",
	"v1.37.2", "1.37.2", "v1.35.4", "v1.31.0", "v1.30.9", "v2.0.0", "v1.37",
	"get", "list", "watch", "create", "update", "patch", "delete", "bind", "escalate", "*",
	"", "apps", "rbac.authorization.k8s.io", "pods", "pods/log", "pods/exec", "secrets", "deployments",
	"/metrics", "metrics", "http", "TCP", "UDP", "SCTP", "ICMP",
	"10.0.0.0/8", "10.20.0.0/16", "10.20.5.0/24", "192.168.1.1/24", "fd00::/48", "0.0.0.0/0",
	"100m", "250m", "1", "2Gi", "512Mi", "-1", "1e3", "0",
	"Role", "ClusterRole", "Ingress", "Egress",
	"Prod", "UPPER", "has space", "a_b", "-lead", "trail-", "a..b", "x:y",
	"$(reboot)", "'quote'", "\"dq\"", "semi;colon", "new\nline", "tab\tsep", "back\\slash", "`tick`",
	strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("b", 254),
	"kube-api.example.com", "https://10.0.0.1:2379", "http://10.0.0.1:2379", "/etc/kubernetes/pki/etcd/ca.crt", "relative/path",
}

// numbers are the int64 values a Filler draws from.
var numbers = []int64{-1, 0, 1, 2, 3, 5, 53, 443, 1000, 5432, 10001, 65534, 65535, 65536, 1 << 31, 1<<32 - 2, 1 << 40}

// New returns a Filler seeded from data.
func New(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).
		NilChance(0.2).
		NumElements(0, 4).
		MaxDepth(6).
		Funcs(
			func(s *string, c randfill.Continue) {
				if c.Intn(8) == 0 {
					*s = c.String(12)
					return
				}
				*s = Vocabulary[c.Intn(len(Vocabulary))]
			},
			func(n *int64, c randfill.Continue) { *n = numbers[c.Intn(len(numbers))] },
			func(n *int32, c randfill.Continue) { *n = int32(numbers[c.Intn(len(numbers))]) },
			func(n *int, c randfill.Continue) { *n = int(numbers[c.Intn(len(numbers))]) },
		)
}
