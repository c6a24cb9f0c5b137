package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Bare runs cmd under bubblewrap with the flags Run gives it (namespaces,
// mounts, users, the seccomp filter) but none of Run's own work: no
// cgroups, no rlimits, no supervision, no collecting. It is the floor a
// benchmark measures Run against, never a way to run untrusted code. It
// returns the wall time from starting bwrap to its end.
func (b *Box) Bare(ctx context.Context, cmd Command) (time.Duration, []byte, error) {
	l := cmd.Limits.withDefaults()
	files, err := validate(cmd, l)
	if err != nil {
		return 0, nil, err
	}
	fds := newFDLayout(len(cmd.ExtraFiles), b.seccomp != nil)
	extra := append([]*os.File(nil), cmd.ExtraFiles...)
	defer closeFiles(extra)
	// bwrap's info goes nowhere, and its block is a pipe already written to.
	infoW, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return 0, nil, err
	}
	blockR, blockW, err := os.Pipe()
	if err != nil {
		infoW.Close()
		return 0, nil, err
	}
	blockW.Write([]byte{1})
	blockW.Close()
	extra = append(extra, infoW, blockR)
	start := time.Now()
	data := fileData(files)
	if b.seccomp != nil {
		data = append([][]byte{b.seccomp}, data...)
	}
	for _, d := range data {
		mf, err := memfd(d)
		if err != nil {
			return 0, nil, err
		}
		extra = append(extra, mf)
	}
	c := exec.CommandContext(ctx, b.bwrap, b.bwrapArgs(cmd, l, files, fds)...)
	c.Env = []string{}
	c.Dir = "/"
	c.Stdin = bytes.NewReader(cmd.Stdin)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	c.ExtraFiles = extra
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: b.cred}
	if cmd.Peer {
		c.SysProcAttr.Credential = b.peerCred
	}
	err = c.Run()
	wall := time.Since(start)
	if err != nil {
		return wall, out.Bytes(), fmt.Errorf("sandbox: bare bwrap: %w: %s", err, out.Bytes())
	}
	return wall, out.Bytes(), nil
}

func fileData(files []File) [][]byte {
	out := make([][]byte, len(files))
	for i, f := range files {
		out[i] = f.Data
	}
	return out
}
