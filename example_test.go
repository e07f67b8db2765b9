package prodkube_test

import (
	"fmt"
	"os"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
)

// A restricted namespace whose pods may not talk to anything until a policy
// allows it, rendered in apply order.
func Example() {
	ns, err := security.Namespace{Name: "payments"}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	deny, err := security.DefaultDeny{Namespace: "payments"}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	// The policy is given first, yet the namespace is written first.
	if err := prodkube.WriteYAML(os.Stdout, deny, ns); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ---
	// apiVersion: v1
	// kind: Namespace
	// metadata:
	//   labels:
	//     pod-security.kubernetes.io/audit: restricted
	//     pod-security.kubernetes.io/audit-version: latest
	//     pod-security.kubernetes.io/enforce: restricted
	//     pod-security.kubernetes.io/enforce-version: latest
	//     pod-security.kubernetes.io/warn: restricted
	//     pod-security.kubernetes.io/warn-version: latest
	//   name: payments
	// ---
	// apiVersion: networking.k8s.io/v1
	// kind: NetworkPolicy
	// metadata:
	//   name: default-deny
	//   namespace: payments
	// spec:
	//   podSelector: {}
	//   policyTypes:
	//   - Ingress
	//   - Egress
}

// Invalid intent is refused with the path of every offending field.
func Example_errors() {
	_, err := security.Namespace{Name: "Payments", Enforce: security.LevelRestricted, Warn: security.LevelBaseline}.Build()
	fmt.Println(err)
	// Output:
	// [name: Invalid value: "Payments": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), warn: Invalid value: "baseline": must not be looser than enforce ("restricted"): warn would hide violations the namespace already refuses]
}
