package e2e

import "syscall"

// childAttr puts a control-plane process in its own process group (a terminal's
// Ctrl-C reaches only the test, which then stops it in order) and has the kernel
// kill it if the test process dies without stopping it.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
