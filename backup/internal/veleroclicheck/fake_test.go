package veleroclicheck

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
)

// startFake serves just enough of the Kubernetes API for the velero CLI's
// pre-flight lookups: discovery for velero.io/v1, and GET/LIST of backups,
// backupstoragelocations and volumesnapshotlocations (every object exists).
func startFake(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{"backups": "Backup", "backupstoragelocations": "BackupStorageLocation",
		"volumesnapshotlocations": "VolumeSnapshotLocation", "restores": "Restore", "schedules": "Schedule"}
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"kind": "APIVersions", "versions": []string{"v1"}})
	})
	mux.HandleFunc("/apis", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{
			map[string]any{"name": "velero.io", "versions": []any{map[string]any{"groupVersion": "velero.io/v1", "version": "v1"}},
				"preferredVersion": map[string]any{"groupVersion": "velero.io/v1", "version": "v1"}}}})
	})
	mux.HandleFunc("/api/v1", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"kind": "APIResourceList", "groupVersion": "v1", "resources": []any{}})
	})
	mux.HandleFunc("/apis/velero.io/v1", func(w http.ResponseWriter, r *http.Request) {
		var res []any
		for plural, kind := range kinds {
			res = append(res, map[string]any{"name": plural, "namespaced": true, "kind": kind,
				"verbs": []string{"get", "list", "create", "watch"}, "singularName": strings.ToLower(kind)})
		}
		write(w, map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "velero.io/v1", "resources": res})
	})
	mux.HandleFunc("/apis/velero.io/v1/namespaces/", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/apis/velero.io/v1/namespaces/"), "/")
		if len(parts) < 2 {
			http.NotFound(w, r)
			return
		}
		ns, plural := parts[0], parts[1]
		kind, ok := kinds[plural]
		if !ok {
			http.NotFound(w, r)
			return
		}
		item := func(name string) map[string]any {
			return map[string]any{"apiVersion": "velero.io/v1", "kind": kind,
				"metadata": map[string]any{"name": name, "namespace": ns}}
		}
		if len(parts) == 3 {
			write(w, item(parts[2]))
			return
		}
		write(w, map[string]any{"apiVersion": "velero.io/v1", "kind": kind + "List", "metadata": map[string]any{},
			"items": []any{item("x-20260101000000")}})
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: http://%s
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
users:
- name: u
  user: {token: dummy}
`, ln.Addr())
	p := t.TempDir() + "/kubeconfig"
	if err := os.WriteFile(p, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
