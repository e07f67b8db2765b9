package backup

import (
	"net"

	"github.com/prodkube/prodkube/baseline"
)

// EtcdClientPort is the client port kubeadm's stacked etcd listens on.
const EtcdClientPort = "2379"

// EtcdSnapshotFromHA returns the snapshot spec for the etcd cluster of a
// baseline HA control plane: for external etcd its endpoints and client
// certificate (with baseline's defaults filled in); for stacked etcd one
// endpoint per control plane node (https://<address>:2379) and the
// certificate kubeadm gives the API server for etcd, signed by the etcd CA.
// Dir, Prefix and the binaries are left empty (their defaults); set them on
// the result if needed. The HA spec must be valid.
func EtcdSnapshotFromHA(h baseline.HA) (EtcdSnapshot, error) {
	if errs := h.Validate(); len(errs) > 0 {
		return EtcdSnapshot{}, errs.ToAggregate()
	}
	if ext := h.Etcd.External; ext != nil {
		s := EtcdSnapshot{
			Endpoints: append([]string(nil), ext.Endpoints...),
			CACert:    orDefault(ext.CAFile, baseline.DefaultEtcdCAFile),
			Cert:      orDefault(ext.CertFile, baseline.DefaultEtcdCertFile),
			Key:       orDefault(ext.KeyFile, baseline.DefaultEtcdKeyFile),
		}
		if errs := s.Validate(); len(errs) > 0 {
			return EtcdSnapshot{}, errs.ToAggregate()
		}
		return s, nil
	}
	s := EtcdSnapshot{
		CACert: baseline.DefaultEtcdCAFile,
		Cert:   baseline.DefaultEtcdCertFile,
		Key:    baseline.DefaultEtcdKeyFile,
	}
	for _, n := range h.ControlPlaneNodes {
		s.Endpoints = append(s.Endpoints, "https://"+net.JoinHostPort(n.Address, EtcdClientPort))
	}
	if errs := s.Validate(); len(errs) > 0 {
		return EtcdSnapshot{}, errs.ToAggregate()
	}
	return s, nil
}
