package main

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
)

func init() { register(10, "security", addSecurity) }

// addSecurity adds the namespaces, the deploy pipeline's identity and the
// network policies of the production setup.
func addSecurity(out *output) error {
	for _, ns := range []security.Namespace{
		{Name: "production"},
		{Name: "team-a"},
	} {
		obj, err := ns.Build()
		if err != nil {
			return err
		}
		out.add(obj)
		deny, err := security.DefaultDeny{Namespace: ns.Name}.Build()
		if err != nil {
			return err
		}
		dns, err := security.AllowDNS{Namespace: ns.Name}.Build()
		if err != nil {
			return err
		}
		out.add(deny, dns)
	}

	// The deploy pipeline's identity: a ServiceAccount that may manage
	// Deployments in production and nothing else.
	sa, err := security.ServiceAccount{Name: "deployer", Namespace: "production"}.Build()
	if err != nil {
		return err
	}
	role, err := security.DeploymentManager("production").Build()
	if err != nil {
		return err
	}
	binding, err := security.RoleBinding{
		Name:      "deployment-manager",
		Namespace: "production",
		RoleName:  role.Name,
		Subjects:  []security.ServiceAccountRef{{Name: sa.Name, Namespace: sa.Namespace}},
	}.Build()
	if err != nil {
		return err
	}
	out.add(sa, role, binding)

	// Only the backend may reach the database, and only on PostgreSQL's port.
	db, err := security.Allow{
		Name:      "db-access-policy",
		Namespace: "production",
		From:      map[string]string{"app.kubernetes.io/name": "backend"},
		To:        map[string]string{"app.kubernetes.io/name": "database"},
		Ports:     []security.Port{{Protocol: "TCP", Port: intstr.FromInt32(5432)}},
	}.Build()
	if err != nil {
		return err
	}
	for _, np := range db.Objects() {
		out.add(prodkube.Object(np))
	}
	return nil
}
