package baseline

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	cc "github.com/prodkube/prodkube/baseline/componentconfig"
)

// Defaults of EtcdCluster. The certificate paths are kubeadm's, so that
// "kubeadm init phase certs etcd-*" writes them where the members look.
const (
	DefaultEtcdClientPort        int32 = 2379
	DefaultEtcdPeerPort          int32 = 2380
	DefaultEtcdMetricsPort       int32 = 2381
	DefaultEtcdQuotaBackendBytes int64 = 8 << 30
	DefaultEtcdSnapshotCount           = 10000
	DefaultEtcdCompaction              = time.Hour
	DefaultEtcdPKIDir                  = "/etc/kubernetes/pki/etcd"
	DefaultEtcdClusterToken            = "prodkube-etcd"
	// EtcdConfigPath is where each member's configuration goes; run etcd
	// with --config-file=EtcdConfigPath (its only flag).
	EtcdConfigPath = "/etc/etcd/etcd.yaml"
)

// EtcdCluster is an external etcd cluster: a configuration file for each
// member and the certificates each needs. The stacked topology, kubeadm
// running one etcd member beside each API server, stays the default of HA
// and needs none of this; use EtcdCluster when etcd runs on hosts of its
// own and point HA.Etcd.External at Result.ClientURLs.
//
// Every connection uses TLS with client certificates: members verify each
// other (peer), and clients — the API servers — present a certificate
// signed by the etcd CA. Metrics are served without TLS on 127.0.0.1 only,
// as kubeadm does, for a node-local scraper.
type EtcdCluster struct {
	// Members are the etcd hosts: an odd number, at least 3, so that a
	// majority survives the loss of (n-1)/2 members.
	Members []EtcdMember
	// ClientPort, PeerPort and MetricsPort default to 2379, 2380 and 2381.
	ClientPort, PeerPort, MetricsPort int32
	// DataDir defaults to DefaultEtcdDataDir; put it on a fast local disk.
	DataDir string
	// PKIDir holds ca.crt, server.crt/key and peer.crt/key on every member;
	// default DefaultEtcdPKIDir.
	PKIDir string
	// ClusterToken keeps members of different clusters from joining each
	// other by mistake; default DefaultEtcdClusterToken. Use one per cluster.
	ClusterToken string
	// QuotaBackendBytes is the database size at which etcd raises an alarm
	// and refuses writes; default 8 GiB, etcd's recommended maximum.
	QuotaBackendBytes int64
	// SnapshotCount is the number of applied entries between snapshots;
	// default 10000.
	SnapshotCount uint64
	// CompactionRetention keeps this much history when etcd compacts
	// itself (periodic mode), default 1h. The API server also compacts
	// every 5 minutes; this bounds history for any other client.
	CompactionRetention time.Duration
}

// EtcdMember is one etcd host.
type EtcdMember struct {
	// Name is the member name (a DNS-1123 label), also a certificate SAN.
	Name string
	// Address is the IP address peers and clients reach it on.
	Address string
}

// EtcdCertificate describes one certificate signed by the etcd CA
// (DefaultEtcdPKIDir/ca.crt), as "kubeadm init phase certs etcd-server" and
// its siblings write them or any other CA tooling can.
type EtcdCertificate struct {
	// CertFile and KeyFile are where it goes on the host.
	CertFile, KeyFile string
	// CommonName is the subject CN.
	CommonName string
	// DNSNames and IPAddresses are the subject alternative names.
	DNSNames, IPAddresses []string
	// ServerAuth and ClientAuth are the extended key usages.
	ServerAuth, ClientAuth bool
}

// EtcdMemberResult is one member's configuration and certificates.
type EtcdMemberResult struct {
	// Name is the member name.
	Name string
	// Config is the member's configuration file.
	Config *cc.EtcdConfig
	// Server is the certificate of its client listener, Peer of its peer
	// listener and outgoing peer connections.
	Server, Peer EtcdCertificate
}

// EtcdClusterResult is every member's configuration.
type EtcdClusterResult struct {
	// Members are in the order of EtcdCluster.Members.
	Members []EtcdMemberResult
	// ClientURLs are the members' client URLs, for HA.Etcd.External.Endpoints.
	ClientURLs []string
	// APIServerClient is the certificate the API servers present to etcd,
	// at HA's default ExternalEtcd.CertFile and KeyFile.
	APIServerClient EtcdCertificate
	// CAFile is the etcd CA on every member and control plane node.
	CAFile string
}

// EtcdHostDir is the directory of an etcd host's files in the output tree,
// "etcd/<member>": its contents mirror the host's root file system.
func EtcdHostDir(member string) string { return "etcd/" + member }

// Files returns each member's configuration at EtcdConfigPath under
// EtcdHostDir(member).
func (r *EtcdClusterResult) Files() []prodkube.File {
	var files []prodkube.File
	for _, m := range r.Members {
		p := EtcdHostDir(m.Name) + EtcdConfigPath
		f, err := prodkube.YAMLFile(p, m.Config)
		if err != nil {
			f = prodkube.File{Path: p, Content: []byte("# encoding failed: " + oneLine(err.Error()) + "\n")}
		}
		files = append(files, f)
	}
	return files
}

func (e EtcdCluster) withDefaults() EtcdCluster {
	if e.ClientPort == 0 {
		e.ClientPort = DefaultEtcdClientPort
	}
	if e.PeerPort == 0 {
		e.PeerPort = DefaultEtcdPeerPort
	}
	if e.MetricsPort == 0 {
		e.MetricsPort = DefaultEtcdMetricsPort
	}
	if e.DataDir == "" {
		e.DataDir = DefaultEtcdDataDir
	}
	if e.PKIDir == "" {
		e.PKIDir = DefaultEtcdPKIDir
	}
	if e.ClusterToken == "" {
		e.ClusterToken = DefaultEtcdClusterToken
	}
	if e.QuotaBackendBytes == 0 {
		e.QuotaBackendBytes = DefaultEtcdQuotaBackendBytes
	}
	if e.SnapshotCount == 0 {
		e.SnapshotCount = DefaultEtcdSnapshotCount
	}
	if e.CompactionRetention == 0 {
		e.CompactionRetention = DefaultEtcdCompaction
	}
	return e
}

// Validate reports every problem of the spec, each with its field path.
func (e EtcdCluster) Validate() field.ErrorList {
	e = e.withDefaults()
	var errs field.ErrorList
	mp := field.NewPath("members")
	switch n := len(e.Members); {
	case n < 3:
		errs = append(errs, field.Invalid(mp, n, fmt.Sprintf("an HA etcd cluster needs at least 3 members; got %d", n)))
	case n%2 == 0:
		errs = append(errs, field.Invalid(mp, n, fmt.Sprintf("must be an odd number of etcd members (quorum): %d members tolerate no more failures than %d; got %d", n, n-1, n)))
	}
	names := map[string]bool{}
	addrs := map[netip.Addr]bool{}
	for i, m := range e.Members {
		p := mp.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "the member name"))
		} else {
			for _, msg := range validation.IsDNS1123Label(m.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), m.Name, msg))
			}
			if names[m.Name] {
				errs = append(errs, field.Duplicate(p.Child("name"), m.Name))
			}
			names[m.Name] = true
		}
		a, err := netip.ParseAddr(m.Address)
		switch {
		case m.Address == "":
			errs = append(errs, field.Required(p.Child("address"), "the IP address peers and clients reach the member on"))
		case err != nil || a.Zone() != "" || a.IsUnspecified() || a.IsLoopback() || a.IsMulticast():
			errs = append(errs, field.Invalid(p.Child("address"), m.Address, "must be a unicast IP address other hosts can reach"))
		case addrs[a]:
			errs = append(errs, field.Duplicate(p.Child("address"), m.Address))
		default:
			addrs[a] = true
		}
	}
	ports := map[int32]string{}
	for _, pp := range []struct {
		name string
		v    int32
	}{{"clientPort", e.ClientPort}, {"peerPort", e.PeerPort}, {"metricsPort", e.MetricsPort}} {
		switch {
		case pp.v < 1 || pp.v > 65535:
			errs = append(errs, field.Invalid(field.NewPath(pp.name), pp.v, "must be between 1 and 65535"))
		case ports[pp.v] != "":
			errs = append(errs, field.Invalid(field.NewPath(pp.name), pp.v, "must differ from "+ports[pp.v]))
		default:
			ports[pp.v] = pp.name
		}
	}
	errs = append(errs, validateNodePath(e.DataDir, field.NewPath("dataDir"))...)
	errs = append(errs, validateNodePath(e.PKIDir, field.NewPath("pkiDir"))...)
	for _, msg := range validation.IsDNS1123Label(e.ClusterToken) {
		errs = append(errs, field.Invalid(field.NewPath("clusterToken"), e.ClusterToken, msg))
	}
	if e.QuotaBackendBytes < 1<<30 || e.QuotaBackendBytes > 100<<30 {
		errs = append(errs, field.Invalid(field.NewPath("quotaBackendBytes"), e.QuotaBackendBytes, "must be between 1 GiB and 100 GiB (etcd suggests at most 8 GiB)"))
	}
	if e.SnapshotCount < 1000 || e.SnapshotCount > 1000000 {
		errs = append(errs, field.Invalid(field.NewPath("snapshotCount"), e.SnapshotCount, "must be between 1000 and 1000000"))
	}
	if e.CompactionRetention < time.Minute || e.CompactionRetention > 30*24*time.Hour || e.CompactionRetention%time.Minute != 0 {
		errs = append(errs, field.Invalid(field.NewPath("compactionRetention"), e.CompactionRetention.String(), "must be whole minutes between 1m and 720h"))
	}
	return errs
}

func urlFor(addr string, port int32) string { return "https://" + hostPort(addr, port) }

// Build validates the spec and renders every member's configuration.
func (e EtcdCluster) Build() (*EtcdClusterResult, error) {
	if errs := e.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	e = e.withDefaults()
	var initial []string
	r := &EtcdClusterResult{CAFile: e.PKIDir + "/ca.crt"}
	for _, m := range e.Members {
		initial = append(initial, m.Name+"="+urlFor(m.Address, e.PeerPort))
		r.ClientURLs = append(r.ClientURLs, urlFor(m.Address, e.ClientPort))
	}
	pki := func(f string) string { return e.PKIDir + "/" + f }
	retention := strconv.Itoa(int(e.CompactionRetention/time.Minute)) + "m"
	if e.CompactionRetention%time.Hour == 0 {
		retention = strconv.Itoa(int(e.CompactionRetention/time.Hour)) + "h"
	}
	for _, m := range e.Members {
		loop := loopbackFor(m.Address)
		cfg := &cc.EtcdConfig{
			Name:                     m.Name,
			DataDir:                  e.DataDir,
			ListenPeerURLs:           urlFor(m.Address, e.PeerPort),
			ListenClientURLs:         urlFor(m.Address, e.ClientPort) + "," + urlFor(loop, e.ClientPort),
			ListenMetricsURLs:        "http://" + hostPort(loop, e.MetricsPort),
			InitialAdvertisePeerURLs: urlFor(m.Address, e.PeerPort),
			AdvertiseClientURLs:      urlFor(m.Address, e.ClientPort),
			InitialCluster:           strings.Join(initial, ","),
			InitialClusterState:      "new",
			InitialClusterToken:      e.ClusterToken,
			ClientTransportSecurity:  cc.EtcdTransport{CertFile: pki("server.crt"), KeyFile: pki("server.key"), ClientCertAuth: true, TrustedCAFile: pki("ca.crt")},
			PeerTransportSecurity:    cc.EtcdTransport{CertFile: pki("peer.crt"), KeyFile: pki("peer.key"), ClientCertAuth: true, TrustedCAFile: pki("ca.crt")},
			TLSMinVersion:            "TLS1.2",
			SnapshotCount:            e.SnapshotCount,
			QuotaBackendBytes:        e.QuotaBackendBytes,
			AutoCompactionMode:       "periodic",
			AutoCompactionRetention:  retention,
			Metrics:                  "basic",
			Logger:                   "zap",
			LogLevel:                 "info",
			LogOutputs:               []string{"stderr"},
			StrictReconfigCheck:      true,
		}
		r.Members = append(r.Members, EtcdMemberResult{
			Name:   m.Name,
			Config: cfg,
			Server: EtcdCertificate{CertFile: pki("server.crt"), KeyFile: pki("server.key"), CommonName: m.Name,
				DNSNames: []string{m.Name, "localhost"}, IPAddresses: []string{m.Address, loop}, ServerAuth: true, ClientAuth: true},
			Peer: EtcdCertificate{CertFile: pki("peer.crt"), KeyFile: pki("peer.key"), CommonName: m.Name,
				DNSNames: []string{m.Name}, IPAddresses: []string{m.Address}, ServerAuth: true, ClientAuth: true},
		})
	}
	r.APIServerClient = EtcdCertificate{CertFile: DefaultEtcdCertFile, KeyFile: DefaultEtcdKeyFile, CommonName: "kube-apiserver-etcd-client", ClientAuth: true}
	return r, nil
}
