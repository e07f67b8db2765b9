package backup

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// The fuzz targets fill a spec from the fuzz input with randfill (see
// newFiller) and check the invariants every builder of this package keeps:
// no panic; an error or a result, never both; a result only for a spec that
// validates; the command and the object agree (agree_test.go); and the
// object survives a YAML round trip unchanged.

var fuzzSeeds = [][]byte{
	nil, []byte("a"), []byte("production"), []byte("\x00\x01\x02\x03\x04\x05\x06\x07"),
	[]byte("0123456789abcdef0123456789abcdef"), []byte("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4"),
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

// roundTrip marshals obj to YAML and back into a fresh value of its type,
// and requires the two to be equal.
func roundTrip[T any](t *testing.T, obj *T) {
	t.Helper()
	data, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	back := new(T)
	if err := yaml.UnmarshalStrict(data, back); err != nil {
		t.Fatalf("unmarshal %s: %v", data, err)
	}
	if diff := cmp.Diff(obj, back, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("YAML round trip changed the object (-built +read):\n%s", diff)
	}
}

func checkValidity(t *testing.T, errs field.ErrorList, err error) {
	t.Helper()
	if (len(errs) == 0) != (err == nil) {
		t.Fatalf("Validate found %v but the builder returned %v", errs, err)
	}
}

func FuzzInstall(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fillFrom(data, exampleInstall())
		locs, err := in.Build()
		checkValidity(t, in.Validate(), err)
		if (locs == nil) == (err == nil) {
			t.Fatalf("Build returned %v and %v", locs, err)
		}
		checkInstallAgrees(t, in)
		if err == nil {
			roundTrip(t, locs.BackupStorageLocation)
			if locs.VolumeSnapshotLocation != nil {
				roundTrip(t, locs.VolumeSnapshotLocation)
			}
		}
	})
}

func FuzzBackup(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		b := fillFrom(data, dailyProduction())
		obj, err := b.Build()
		checkValidity(t, b.Validate(), err)
		if (obj == nil) == (err == nil) {
			t.Fatalf("Build returned %v and %v", obj, err)
		}
		checkBackupAgrees(t, b)
		if err == nil {
			roundTrip(t, obj)
		}
	})
}

func FuzzSchedule(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := fillFrom(data, weeklyProduction())
		obj, err := s.Build()
		checkValidity(t, s.Validate(), err)
		if (obj == nil) == (err == nil) {
			t.Fatalf("Build returned %v and %v", obj, err)
		}
		checkScheduleAgrees(t, s)
		if err == nil {
			roundTrip(t, obj)
		}
	})
}

func exampleRestore() Restore {
	return Restore{Name: "drill", FromSchedule: "production-daily", IncludeNamespaces: []string{"production"},
		NamespaceMappings: map[string]string{"production": "production-restore-test"}, RestoreVolumes: ptr(true), Wait: true}
}

func FuzzRestore(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fillFrom(data, exampleRestore())
		obj, err := r.Build()
		checkValidity(t, r.Validate(), err)
		if (obj == nil) == (err == nil) {
			t.Fatalf("Build returned %v and %v", obj, err)
		}
		checkRestoreAgrees(t, r)
		if err == nil {
			roundTrip(t, obj)
		}
	})
}

func FuzzEtcdSnapshot(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := fillFrom(data, exampleEtcd())
		script, err := s.script()
		checkValidity(t, s.Validate(), err)
		if (script == nil) == (err == nil) {
			t.Fatalf("Script returned %d bytes and %v", len(script), err)
		}
		outline, oerr := s.restoreOutline()
		if (oerr == nil) != (err == nil) || (outline == nil) == (oerr == nil) {
			t.Fatalf("RestoreOutline returned %d bytes and %v; Script error %v", len(outline), oerr, err)
		}
		if err == nil {
			for _, ep := range s.Endpoints {
				if _, err := s.SaveArgv(ep, "/var/backups/etcd/x.db"); err != nil {
					t.Fatalf("SaveArgv(%q) of a valid spec: %v", ep, err)
				}
			}
		}
	})
}

func FuzzRestoreDrill(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fillFrom(data, exampleDrill())
		p, err := d.Plan()
		checkValidity(t, d.Validate(), err)
		if (p == nil) == (err == nil) {
			t.Fatalf("Plan returned %v and %v", p, err)
		}
		if err == nil {
			// The drill's restore is a valid Restore of its own.
			if errs := d.restore().Validate(); len(errs) > 0 {
				t.Fatalf("valid drill, invalid restore: %v", errs)
			}
			if len(p.markdown()) == 0 || len(p.script()) == 0 {
				t.Fatal("empty rendering")
			}
		}
	})
}

func FuzzValidateCron(f *testing.F) {
	for _, s := range []string{"0 1 * * *", "*/15 0-6 1,15 jan-jun mon-fri", "@every 24h", "", "0 1 * *", "1-2-3 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		for _, e := range ValidateCron(expr, field.NewPath("cron")) {
			if e.Field != "cron" {
				t.Fatalf("error at %q", e.Field)
			}
		}
	})
}
