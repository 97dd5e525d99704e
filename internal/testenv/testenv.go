// Package testenv is for tests only: it finds what some tests need from
// outside the repository — the ../shared folder beside it and the external
// checkers (pdftotext, qpdf, EPUBCheck, …). When something is absent the
// test is skipped with a loud SKIPPED message, except under CI=true, where
// an absent file or checker fails the test instead.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// epubcheckJar is where the Debian/Ubuntu epubcheck package puts EPUBCheck.
const epubcheckJar = "/usr/share/java/epubcheck.jar"

// startDir is the working folder when the test binary started (the
// package's folder under go test), taken before any test's t.Chdir.
var startDir, startErr = os.Getwd()

// Shared returns the absolute path of ../shared/<elem...>: the folder
// named shared beside the repository root (the folder holding go.mod).
func Shared(tb testing.TB, elem ...string) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		absent(tb, "the shared folder cannot be found: %v; the test needs ../shared beside the repository", err)
		return ""
	}
	p := filepath.Join(append([]string{filepath.Dir(root), "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		absent(tb, "%s is absent; the test needs ../shared beside the repository (%v)", p, err)
	}
	return p
}

// NeedTool returns the path of the external checker name.
func NeedTool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		absent(tb, "%s is not installed; run `make checkers` (apt-get install poppler-utils qpdf unzip epubcheck): %v", name, err)
	}
	return p
}

// EPUBCheck returns the java command and the EPUBCheck jar to run it with.
func EPUBCheck(tb testing.TB) (java, jar string) {
	tb.Helper()
	java, err := exec.LookPath("java")
	_, statErr := os.Stat(epubcheckJar)
	if err != nil || statErr != nil {
		absent(tb, "EPUBCheck is not installed (java: %v; jar: %v); run `make checkers` (apt-get install epubcheck)", err, statErr)
	}
	return java, epubcheckJar
}

// repoRoot is the nearest folder holding go.mod, walking up from startDir.
func repoRoot() (string, error) {
	if startErr != nil {
		return "", startErr
	}
	for dir := startDir; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod in %s or any folder above it", startDir)
		}
		dir = parent
	}
}

// absent fails the test under CI=true and skips it loudly elsewhere.
func absent(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		tb.Fatalf("MISSING under CI=true: %s", msg)
	}
	tb.Skipf("SKIPPED: %s", msg)
}

// PythonModules returns Debian's python3 (/usr/bin/python3, not a python
// on PATH that another installer put first) after checking that it can
// import the given modules, e.g. "dkim" from python3-dkim.
func PythonModules(tb testing.TB, modules ...string) string {
	tb.Helper()
	const python = "/usr/bin/python3"
	for _, m := range modules {
		if out, err := exec.Command(python, "-c", "import "+m).CombinedOutput(); err != nil {
			absent(tb, "%s cannot import %s (%v: %s); run `make checkers` (apt-get install python3-dkim)", python, m, err, out)
		}
	}
	return python
}

// AceDir is where .ci/install-checkers installs Ace by DAISY from npm
// (under the user's cache, as Mailpit is): the project has no package.json
// of its own to carry it.
func AceDir() string {
	if d := os.Getenv("ACE_DIR"); d != "" {
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cache, "bulletin-test", "ace")
}

// Ace returns the ace-puppeteer command and the Chromium it drives
// (Debian's: no browser can be downloaded here).
func Ace(tb testing.TB) (ace, chromium string) {
	tb.Helper()
	ace = filepath.Join(AceDir(), "node_modules", ".bin", "ace-puppeteer")
	_, aceErr := os.Stat(ace)
	chromium, err := exec.LookPath("chromium")
	if aceErr != nil || err != nil {
		absent(tb, "Ace by DAISY is not installed (ace-puppeteer: %v; chromium: %v); run `make checkers` (npm install @daisy/ace into %s, apt-get install chromium)", aceErr, err, AceDir())
	}
	return ace, chromium
}

// Chromium returns Debian's chromium (the chromium package), the browser
// the browser tests drive through chromedp; tests never download one.
func Chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	absent(tb, "chromium is not installed; run `make checkers` (apt-get install chromium)")
	return ""
}

// AxeVersion is the axe-core release the accessibility tests inject;
// .ci/install-checkers installs the same one.
const AxeVersion = "4.14.1"

// AxeCore returns the path of axe.min.js, installed by .ci/install-checkers
// with npm into .cache/npm at the repository's root.
func AxeCore(tb testing.TB) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		absent(tb, "axe-core cannot be found: %v", err)
		return ""
	}
	p := filepath.Join(root, ".cache", "npm", "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(p); err != nil {
		absent(tb, "axe-core is not installed (%v); run `make checkers` (npm install --prefix .cache/npm axe-core@%s)", err, AxeVersion)
	}
	return p
}
