// Command onboard gives a team a namespace of its own, ready for its first
// deploy: restricted Pod Security, a quota and default container limits,
// default-deny networking with cluster DNS allowed, and a deploy identity
// that may manage Deployments there and nothing else. It is a small tool
// built on one prodkube package, the way platform teams write their own.
//
// Usage:
//
//	go run ./examples/onboard -namespace payments -cpu 8 -memory 16Gi             # YAML on stdout
//	go run ./examples/onboard -namespace payments -cpu 8 -memory 16Gi -out DIR    # a kustomize base in DIR
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/security"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "onboard:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("onboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := fs.String("namespace", "", "the team's `namespace` (a DNS-1123 label); required")
	cpu := fs.String("cpu", "4", "`cores` of CPU requests the namespace may hold in all")
	memory := fs.String("memory", "8Gi", "`bytes` of memory requests the namespace may hold in all")
	pods := fs.Int64("pods", 50, "the most `pods` the namespace may run")
	deployer := fs.String("deployer", "deployer", "the deploy pipeline's ServiceAccount `name`")
	out := fs.String("out", "", "write a kustomize base into `DIR` instead of YAML on stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch *ns {
	case "":
		return errors.New("-namespace is required")
	case "default", "kube-system", "kube-public", "kube-node-lease":
		return fmt.Errorf("-namespace %s belongs to the platform; give the team a namespace of its own", *ns)
	}
	objs, err := onboard(*ns, *cpu, *memory, *pods, *deployer)
	if err != nil {
		return err
	}
	if *out == "" {
		return prodkube.WriteYAML(stdout, objs...)
	}
	files, err := prodkube.Manifests("", objs...)
	if err != nil {
		return err
	}
	return prodkube.WriteDir(*out, files...)
}

// onboard builds the namespace's objects, or every problem with the flags'
// values at once.
func onboard(ns, cpu, memory string, pods int64, deployer string) ([]prodkube.Object, error) {
	var errs []error
	try := func(obj prodkube.Object, err error) prodkube.Object {
		if err != nil {
			errs = append(errs, err)
		}
		return obj
	}
	// Limits are twice the requests: room for bursts, bounded.
	limCPU, limMem := double(cpu), double(memory)
	role := security.DeploymentManager(ns)
	objs := []prodkube.Object{
		try(security.Namespace{Name: ns}.Build()),
		try(security.DefaultDeny{Namespace: ns}.Build()),
		try(security.AllowDNS{Namespace: ns}.Build()),
		try(baseline.Quota{Namespace: ns, Requests: baseline.Compute{CPU: cpu, Memory: memory}, Limits: baseline.Compute{CPU: limCPU, Memory: limMem}, Pods: &pods}.Build()),
		try(baseline.LimitRange{Namespace: ns,
			DefaultRequest: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "128Mi"},
			Default:        baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "1Gi"}}.Build()),
		try(security.ServiceAccount{Name: deployer, Namespace: ns}.Build()),
		try(role.Build()),
		try(security.RoleBinding{Name: role.Name, Namespace: ns, RoleName: role.Name,
			Subjects: []security.ServiceAccountRef{{Name: deployer, Namespace: ns}}}.Build()),
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return objs, nil
}

// double returns twice a quantity, or the quantity itself when it does not
// parse (the quota then reports it, with its field).
func double(q string) string {
	v, err := resource.ParseQuantity(q)
	if err != nil {
		return q
	}
	v.Add(v)
	return v.String()
}
