package componentconfig

// EtcdConfig is etcd's configuration file (etcd --config-file), with the
// key names of etcd's embed.Config. URL lists are comma-separated, as etcd
// reads them.
type EtcdConfig struct {
	Name                     string        `json:"name"`
	DataDir                  string        `json:"data-dir"`
	ListenPeerURLs           string        `json:"listen-peer-urls"`
	ListenClientURLs         string        `json:"listen-client-urls"`
	ListenMetricsURLs        string        `json:"listen-metrics-urls,omitempty"`
	InitialAdvertisePeerURLs string        `json:"initial-advertise-peer-urls"`
	AdvertiseClientURLs      string        `json:"advertise-client-urls"`
	InitialCluster           string        `json:"initial-cluster"`
	InitialClusterState      string        `json:"initial-cluster-state"`
	InitialClusterToken      string        `json:"initial-cluster-token"`
	ClientTransportSecurity  EtcdTransport `json:"client-transport-security"`
	PeerTransportSecurity    EtcdTransport `json:"peer-transport-security"`
	TLSMinVersion            string        `json:"tls-min-version,omitempty"`
	SnapshotCount            uint64        `json:"snapshot-count"`
	QuotaBackendBytes        int64         `json:"quota-backend-bytes"`
	AutoCompactionMode       string        `json:"auto-compaction-mode"`
	AutoCompactionRetention  string        `json:"auto-compaction-retention"`
	Metrics                  string        `json:"metrics,omitempty"`
	Logger                   string        `json:"logger,omitempty"`
	LogLevel                 string        `json:"log-level,omitempty"`
	LogOutputs               []string      `json:"log-outputs,omitempty"`
	StrictReconfigCheck      bool          `json:"strict-reconfig-check"`
}

// EtcdTransport is the TLS of etcd's client or peer listener.
type EtcdTransport struct {
	CertFile       string `json:"cert-file"`
	KeyFile        string `json:"key-file"`
	ClientCertAuth bool   `json:"client-cert-auth"`
	TrustedCAFile  string `json:"trusted-ca-file"`
}
