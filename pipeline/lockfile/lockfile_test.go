package lockfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTakeTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	a, err := Take(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Take(path); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "process") {
		t.Fatalf("second Take: %v, want ErrBusy naming the process", err)
	}
	a.Release()
	b, err := Take(path)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	b.Release()
}

// TestStaleLockTakenOver: a lock file left by a process that was killed
// (here: one that held it and exited without releasing) is taken over.
func TestStaleLockTakenOver(t *testing.T) {
	flockBin, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("SKIPPED: flock(1) is not installed (util-linux)")
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	// flock(1) takes the same kind of lock, writes a pid, and is killed.
	cmd := exec.Command(flockBin, path, "sh", "-c", "echo 999999 > "+path+"; kill -9 $$")
	_ = cmd.Run()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	l, err := Take(path)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	l.Release()
}
