package backup

import (
	"encoding/json"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/backup/velerov1"
)

// handSchedule is the weekly production Schedule written out by hand as a
// struct literal: the floor that building it from a spec is measured
// against.
func handSchedule() *velerov1.Schedule {
	return &velerov1.Schedule{
		TypeMeta:   metav1.TypeMeta{APIVersion: "velero.io/v1", Kind: "Schedule"},
		ObjectMeta: metav1.ObjectMeta{Name: "production-weekly", Namespace: "velero"},
		Spec: velerov1.ScheduleSpec{
			Schedule: "0 3 * * 0",
			Template: velerov1.BackupSpec{
				IncludedNamespaces: []string{"production"},
				TTL:                &metav1.Duration{Duration: 90 * 24 * time.Hour},
			},
		},
	}
}

// BenchmarkScheduleBuildYAML builds the weekly Schedule from its spec and
// renders it with sigs.k8s.io/yaml; the baselines render the hand-written
// literal with encoding/json and with sigs.k8s.io/yaml.
func BenchmarkScheduleBuildYAML(b *testing.B) {
	s := weeklyProduction()
	b.ReportAllocs()
	for b.Loop() {
		obj, err := s.Build()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := yaml.Marshal(obj); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScheduleBaselineJSON(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(handSchedule()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScheduleBaselineYAML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := yaml.Marshal(handSchedule()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInstallArgv(b *testing.B) {
	in := exampleInstall()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := in.Shell(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInstallBuild(b *testing.B) {
	in := exampleInstall()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := in.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackupShell(b *testing.B) {
	bk := dailyProduction()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bk.Shell(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestoreBuild(b *testing.B) {
	r := exampleRestore()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEtcdScript(b *testing.B) {
	s := exampleEtcd()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.script(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestoreDrill(b *testing.B) {
	d := exampleDrill()
	b.ReportAllocs()
	for b.Loop() {
		p, err := d.Plan()
		if err != nil {
			b.Fatal(err)
		}
		_ = p.script()
		_ = p.markdown()
	}
}

func BenchmarkValidateCron(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if errs := ValidateCron("*/15 0-6 1,15 jan-jun *", nil); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
