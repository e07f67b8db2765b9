//go:build !linux

package e2e

import "syscall"

// childAttr puts a control-plane process in its own process group. Only Linux can
// also have the kernel kill it when the test process dies.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
