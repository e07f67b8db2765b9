package security

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Level is a Pod Security Standards level.
type Level string

// The three Pod Security Standards levels, from most open to most locked down.
const (
	LevelPrivileged Level = "privileged"
	LevelBaseline   Level = "baseline"
	LevelRestricted Level = "restricted"
)

var levelNames = []string{string(LevelPrivileged), string(LevelBaseline), string(LevelRestricted)}

// strictness orders the levels; a higher number forbids more.
func (l Level) strictness() int {
	switch l {
	case LevelPrivileged:
		return 0
	case LevelBaseline:
		return 1
	case LevelRestricted:
		return 2
	}
	return -1
}

// Valid reports whether l is one of the three standard levels.
func (l Level) Valid() bool { return l.strictness() >= 0 }

func validateLevel(l Level, path *field.Path) field.ErrorList {
	if !l.Valid() {
		return field.ErrorList{field.NotSupported(path, l, levelNames)}
	}
	return nil
}
