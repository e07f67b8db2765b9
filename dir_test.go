package prodkube

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tree is a small output tree: manifests, a kubeadm file, a script, a runbook.
func tree(t *testing.T) []File {
	t.Helper()
	files, err := Manifests("manifests", namespace("prod"))
	if err != nil {
		t.Fatal(err)
	}
	return append(files,
		File{Path: "kubeadm/init.yaml", Content: []byte("kind: InitConfiguration\n")},
		File{Path: "backup/velero.sh", Content: []byte("#!/usr/bin/env bash\nset -eu\n"), Mode: 0o755},
		File{Path: "upgrade/plan.md", Content: []byte("# Plan\n")},
		File{Path: "upgrade/plan.mmd", Content: []byte("flowchart TD\n")},
	)
}

func TestWriteDirTree(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, tree(t)...); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"manifests/010-namespace-prod.yaml": "# " + Marker + "\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n",
		"manifests/kustomization.yaml":      "# " + Marker + "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- 010-namespace-prod.yaml\n",
		"kubeadm/init.yaml":                 "# " + Marker + "\nkind: InitConfiguration\n",
		"backup/velero.sh":                  "#!/usr/bin/env bash\n# " + Marker + "\nset -eu\n",
		"upgrade/plan.md":                   "<!-- " + Marker + " -->\n# Plan\n",
		"upgrade/plan.mmd":                  "%% " + Marker + "\nflowchart TD\n",
	}
	if diff := cmp.Diff(want, readTree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	for p, mode := range map[string]fs.FileMode{"backup/velero.sh": 0o755, "kubeadm/init.yaml": 0o644} {
		info, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), mode)
		}
	}
	if changes, err := DiffDir(dir, tree(t)...); err != nil || len(changes) != 0 {
		t.Errorf("DiffDir right after WriteDir = %v, %v; want no changes", changes, err)
	}
}

func TestDiffDirSeesEverySubdirectory(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, tree(t)...); err != nil {
		t.Fatal(err)
	}
	// A stray generated file in a subdirectory (as an earlier run with one
	// more control-plane node would leave), a hand edit, a mode change, and
	// a person's own files, one of them in a directory of its own.
	write := func(p, data string, mode fs.FileMode) {
		t.Helper()
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(full, mode); err != nil {
			t.Fatal(err)
		}
	}
	write("kubeadm/join-control-plane-cp-9.yaml", "# "+Marker+"\nkind: JoinConfiguration\n", 0o644)
	write("reports/old/gone.md", "<!-- "+Marker+" -->\n", 0o644)
	write("upgrade/plan.md", "<!-- "+Marker+" -->\n# Edited\n", 0o644)
	write("backup/velero.sh", "#!/usr/bin/env bash\n# "+Marker+"\nset -eu\n", 0o644)
	write("kubeadm/notes.yaml", "mine: true\n", 0o644)
	write("ops/README", "mine", 0o600)
	changes, err := DiffDir(dir, tree(t)...)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Modify, "backup/velero.sh"},
		{Remove, "kubeadm/join-control-plane-cp-9.yaml"},
		{Remove, "reports/old/gone.md"},
		{Modify, "upgrade/plan.md"},
	}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Fatalf("DiffDir (-want +got):\n%s", diff)
	}
	if err := WriteDir(dir, tree(t)...); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	if got["kubeadm/notes.yaml"] != "mine: true\n" || got["ops/README"] != "mine" {
		t.Errorf("WriteDir touched a person's files: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "reports")); !os.IsNotExist(err) {
		t.Errorf("reports/ should be gone with its last generated file: %v", err)
	}
	if changes, err := DiffDir(dir, tree(t)...); err != nil || len(changes) != 0 {
		t.Errorf("DiffDir after WriteDir = %v, %v; want no changes", changes, err)
	}
}

func TestWriteDirRefusesToOverwriteForeignFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "kubeadm"), 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "kubeadm", "init.yaml")
	if err := os.WriteFile(mine, []byte("hand written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err := DiffDir(dir, tree(t)...)
	if err != nil {
		t.Fatal(err)
	}
	if !containsChange(changes, Change{Modify, "kubeadm/init.yaml"}) {
		t.Errorf("DiffDir = %v, want kubeadm/init.yaml reported as modified", changes)
	}
	err = WriteDir(dir, tree(t)...)
	if err == nil || !strings.Contains(err.Error(), "refusing to overwrite kubeadm/init.yaml") {
		t.Fatalf("err = %v, want a refusal naming kubeadm/init.yaml", err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "hand written\n" {
		t.Errorf("foreign file changed to %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifests")); !os.IsNotExist(err) {
		t.Errorf("WriteDir wrote other files before refusing: %v", err)
	}
}

func TestWriteDirRefusesBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []File
		want  string
	}{
		{"empty path", []File{{Path: ""}}, "must not be empty"},
		{"absolute", []File{{Path: "/etc/passwd.yaml"}}, "clean relative path"},
		{"escapes", []File{{Path: "../x.yaml"}}, "clean relative path"},
		{"unclean", []File{{Path: "a/./b.yaml"}}, "clean relative path"},
		{"backslash", []File{{Path: `a\b.yaml`}}, "slash-separated"},
		{"dot", []File{{Path: "."}}, "clean relative path"},
		{"temp prefix", []File{{Path: "a/.prodkube-1.yaml"}}, "temporary-file prefix"},
		{"twice", []File{{Path: "a.yaml"}, {Path: "a.yaml"}}, "given twice"},
		{"file as directory", []File{{Path: "a.yaml"}, {Path: "a.yaml/b.yaml"}}, `"a.yaml" is a file, not a directory`},
		{"unknown comment syntax", []File{{Path: "dash.json"}}, `no comment syntax known for ".json" files`},
		{"special mode", []File{{Path: "a.sh", Mode: fs.ModeSetuid | 0o755}}, "plain permission bits"},
		{"owner cannot write", []File{{Path: "a.sh", Mode: 0o555}}, "owner may read and write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := WriteDir(dir, tc.files...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
			if _, derr := DiffDir(dir, tc.files...); derr == nil {
				t.Errorf("DiffDir accepted what WriteDir refused")
			}
			if got := readTree(t, dir); len(got) != 0 {
				t.Errorf("wrote files despite the error: %v", got)
			}
		})
	}
}

func TestWriteDirRefusesADirectoryInTheWay(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "kubeadm", "init.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, tree(t)...); err == nil || !strings.Contains(err.Error(), "kubeadm/init.yaml") {
		t.Fatalf("err = %v, want one naming kubeadm/init.yaml", err)
	}
	// A file standing where a directory is needed.
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kubeadm"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, tree(t)...); err == nil || !strings.Contains(err.Error(), "where a directory is needed") {
		t.Fatalf("err = %v, want a file in the way", err)
	}
}

func TestMarkerNeedsItsOwnLine(t *testing.T) {
	dir := t.TempDir()
	// A person's file that mentions the marker further down is not ours.
	p := filepath.Join(dir, "notes.md")
	if err := os.WriteFile(p, []byte("# Notes\n\nFiles say "+Marker+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err := DiffDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("DiffDir = %v, want the person's file left alone", changes)
	}
}

func TestYAMLFile(t *testing.T) {
	type doc struct {
		Kind  string            `json:"kind"`
		Name  string            `json:"name,omitempty"`
		Empty *string           `json:"empty"`
		Data  map[string]string `json:"data,omitempty"`
	}
	f, err := YAMLFile("kubeadm/init.yaml", doc{Kind: "A", Data: map[string]string{"on": "yes", "b": "1:20"}}, &doc{Kind: "B", Name: "0755"})
	if err != nil {
		t.Fatal(err)
	}
	want := "data:\n  b: \"1:20\"\n  \"on\": \"yes\"\nkind: A\n---\nkind: B\nname: \"0755\"\n"
	if f.Path != "kubeadm/init.yaml" || f.Mode != 0 {
		t.Errorf("file = %q mode %v", f.Path, f.Mode)
	}
	if diff := cmp.Diff(want, string(f.Content)); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
	if _, err := YAMLFile("x.yaml", make(chan int)); err == nil {
		t.Error("YAMLFile accepted a value YAML cannot hold")
	}
}

func containsChange(cs []Change, c Change) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// readTree returns every regular file under dir by slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
