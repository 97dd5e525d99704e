package pipeline

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestExecutableID checks that the ID the caches' keys take from the
// test's own executable is its Go build ID as `go tool buildid` prints it,
// and that a file without one is hashed instead.
func TestExecutableID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid %s: %v (no go command to check against)", exe, err)
	}
	want := "go:" + strings.TrimSpace(string(out))
	if got, err := executableID(exe); err != nil || got != want {
		t.Errorf("executableID(test binary) = %q, %v; want %q", got, err, want)
	}

	plain := t.TempDir() + "/plain"
	if err := os.WriteFile(plain, []byte("not an executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := executableID(plain)
	if err != nil || strings.HasPrefix(got, "go:") || len(got) != 24 {
		t.Errorf("executableID(plain file) = %q, %v; want 24 hex digits of its hash", got, err)
	}
	other := t.TempDir() + "/other"
	if err := os.WriteFile(other, []byte("not an executable either"), 0o644); err != nil {
		t.Fatal(err)
	}
	if o, _ := executableID(other); o == got {
		t.Errorf("two different files have the same ID %q", got)
	}
}
