package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/e2e/internal/binaries"
)

// testCA is a throwaway CA that issues certificates from prodkube's
// EtcdCertificate descriptions.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	k, _, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	sn, err := serial()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: "prodkube-e2e-etcd-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: c, key: k, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue writes the certificate that spec describes, with extraIPs added (the
// addresses the test maps the hosts to), to certFile and keyFile.
func (ca *testCA) issue(t *testing.T, spec baseline.EtcdCertificate, certFile, keyFile string, extraIPs ...string) {
	t.Helper()
	k, kder, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	sn, err := serial()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: spec.CommonName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, DNSNames: spec.DNSNames,
	}
	if spec.ServerAuth {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	if spec.ClientAuth {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	for _, s := range append(append([]string(nil), spec.IPAddresses...), extraIPs...) {
		ip := net.ParseIP(s)
		if ip == nil {
			t.Fatalf("certificate %s: bad IP %q", spec.CommonName, s)
		}
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &k.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(certFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// etcdClient talks to etcd's JSON gateway over TLS with a client certificate.
type etcdClient struct {
	http *http.Client
}

func (c etcdClient) health(url string) bool {
	resp, err := c.http.Get(url + "/health")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && strings.Contains(string(b), `"health":"true"`)
}

func (c etcdClient) post(ctx context.Context, url, path string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("%s: %s: %s", path, resp.Status, out)
	}
	return out, nil
}

func (c etcdClient) put(url, key, value string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	b64 := base64.StdEncoding.EncodeToString
	_, err := c.post(ctx, url, "/v3/kv/put", map[string]string{"key": b64([]byte(key)), "value": b64([]byte(value))})
	return err
}

// TestEtcdClusterQuorum starts three real etcd members (the suite's etcd)
// from the configuration files prodkube wrote, each member's addresses
// mapped to its own 127.0.0.1 ports and its PKI directory to a throwaway
// PKI issued from prodkube's certificate descriptions. The cluster must
// become healthy over TLS, keep accepting writes with one member killed, and
// refuse them with two killed.
func TestEtcdClusterQuorum(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three etcd members; not run with -short")
	}
	bin, err := binaries.Find("etcd", binaries.EtcdVersion)
	if err != nil {
		t.Fatal(err)
	}
	spec := baseline.EtcdCluster{Members: []baseline.EtcdMember{
		{Name: "etcd-1", Address: "10.0.1.20"},
		{Name: "etcd-2", Address: "10.0.2.20"},
		{Name: "etcd-3", Address: "10.0.3.20"},
	}}
	r, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := prodkube.WriteDir(out, r.Files()...); err != nil {
		t.Fatal(err)
	}

	// Ports: per member client, peer, loopback client and metrics.
	type ports struct{ client, peer, loop, metrics int }
	ps := make([]ports, len(r.Members))
	for i := range ps {
		var p [4]int
		for j := range p {
			if p[j], err = freePort(); err != nil {
				t.Fatal(err)
			}
		}
		ps[i] = ports{p[0], p[1], p[2], p[3]}
	}
	ca := newTestCA(t)
	work := t.TempDir()
	var replacements []string
	for i, m := range spec.Members {
		replacements = append(replacements,
			"https://"+m.Address+":2379", "https://127.0.0.1:"+strconv.Itoa(ps[i].client),
			"https://"+m.Address+":2380", "https://127.0.0.1:"+strconv.Itoa(ps[i].peer))
	}
	var procs []*process
	defer func() {
		for _, p := range procs {
			_ = p.stop(10 * time.Second)
		}
	}()
	clientURLs := make([]string, len(r.Members))
	for i, m := range r.Members {
		home := filepath.Join(work, m.Name)
		pki := filepath.Join(home, "pki")
		if err := os.MkdirAll(pki, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pki, "ca.crt"), ca.certPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		mapPKI := func(p string) string {
			return filepath.Join(pki, strings.TrimPrefix(p, baseline.DefaultEtcdPKIDir+"/"))
		}
		ca.issue(t, m.Server, mapPKI(m.Server.CertFile), mapPKI(m.Server.KeyFile), "127.0.0.1")
		ca.issue(t, m.Peer, mapPKI(m.Peer.CertFile), mapPKI(m.Peer.KeyFile), "127.0.0.1")

		b, err := os.ReadFile(filepath.Join(out, baseline.EtcdHostDir(m.Name), baseline.EtcdConfigPath))
		if err != nil {
			t.Fatal(err)
		}
		// This member's own loopback and metrics listeners first, then
		// every member's node address, then the node paths.
		cfg := strings.NewReplacer(
			"https://127.0.0.1:2379", "https://127.0.0.1:"+strconv.Itoa(ps[i].loop),
			"http://127.0.0.1:2381", "http://127.0.0.1:"+strconv.Itoa(ps[i].metrics),
		).Replace(string(b))
		cfg = strings.NewReplacer(replacements...).Replace(cfg)
		cfg = strings.NewReplacer(
			baseline.DefaultEtcdPKIDir+"/", pki+"/",
			baseline.DefaultEtcdDataDir, filepath.Join(home, "data"),
		).Replace(cfg)
		if strings.Contains(cfg, "10.0.") || strings.Contains(cfg, "/etc/kubernetes") || strings.Contains(cfg, "/var/lib") {
			t.Fatalf("%s: an address or path was not mapped:\n%s", m.Name, cfg)
		}
		cfgFile := filepath.Join(home, "etcd.yaml")
		if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := startProcess(m.Name, bin, []string{"--config-file=" + cfgFile}, filepath.Join(home, "etcd.log"))
		if err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
		clientURLs[i] = "https://127.0.0.1:" + strconv.Itoa(ps[i].client)
	}

	// A client with the API server's certificate description.
	clientDir := filepath.Join(work, "client")
	ca.issue(t, r.APIServerClient, filepath.Join(clientDir, "client.crt"), filepath.Join(clientDir, "client.key"))
	pair, err := tls.LoadX509KeyPair(filepath.Join(clientDir, "client.crt"), filepath.Join(clientDir, "client.key"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	c := etcdClient{http: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12},
	}}}
	// Without a client certificate the members refuse the connection.
	noCert := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	ctx := context.Background()
	for i, u := range clientURLs {
		if err := waitFor(ctx, 60*time.Second, procs[i], func() bool { return c.health(u) }); err != nil {
			t.Fatalf("%s did not become healthy: %v\n%s", r.Members[i].Name, err, procs[i].logTail(20))
		}
	}
	if resp, err := noCert.Get(clientURLs[0] + "/health"); err == nil {
		resp.Body.Close()
		t.Errorf("a client without a certificate got %s", resp.Status)
	}
	list, err := c.post(ctx, clientURLs[0], "/v3/cluster/member/list", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Members {
		if !strings.Contains(string(list), `"name":"`+m.Name+`"`) {
			t.Errorf("member list lacks %s: %s", m.Name, list)
		}
	}
	// The quota prodkube set is the one etcd runs with.
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(ps[0].metrics) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "etcd_server_quota_backend_bytes 8.589934592e+09") {
		t.Errorf("metrics do not show the 8 GiB quota")
	}

	if err := c.put(clientURLs[0], "/prodkube/a", "1", 10*time.Second); err != nil {
		t.Fatalf("write with three members: %v", err)
	}
	if err := procs[2].stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.put(clientURLs[0], "/prodkube/b", "2", 15*time.Second); err != nil {
		t.Fatalf("write with one member of three down (quorum 2 of 3 holds): %v", err)
	}
	if err := c.put(clientURLs[1], "/prodkube/c", "3", 15*time.Second); err != nil {
		t.Fatalf("write through the other survivor: %v", err)
	}
	if err := procs[1].stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.put(clientURLs[0], "/prodkube/d", "4", 10*time.Second); err == nil {
		t.Fatal("a write succeeded with two of three members down: no quorum, it must not")
	} else {
		t.Logf("with two members down the write fails as it must: %v", err)
	}
}
