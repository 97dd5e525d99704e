package dkimsign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"bulletin/internal/testenv"
)

const message = "From: Press Office <press@embassy.example>\r\nTo: <a@paper.example>\r\nSubject: Press Bulletin\r\n" +
	"Date: Fri, 02 Jan 2026 03:04:05 +0000\r\nMessage-ID: <bulletin.1@embassy.example>\r\nMIME-Version: 1.0\r\n" +
	"List-Unsubscribe: <mailto:press@embassy.example?subject=unsubscribe>, <https://embassy.example/u?token=x>\r\n" +
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
	"June 2020: 6 items\r\n"

func writeKey(t *testing.T, typ string, der []byte) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func keys(t *testing.T) map[string]string {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, ek, _ := ed25519.GenerateKey(rand.Reader)
	rsa8, _ := x509.MarshalPKCS8PrivateKey(rk)
	ed8, _ := x509.MarshalPKCS8PrivateKey(ek)
	return map[string]string{
		"RSA-2048 PKCS#1": writeKey(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)),
		"RSA-2048 PKCS#8": writeKey(t, "PRIVATE KEY", rsa8),
		"Ed25519":         writeKey(t, "PRIVATE KEY", ed8),
	}
}

// TestSignVerifiedByDkimpy signs with each kind of key and has dkimpy
// (Debian's python3-dkim, independent of go-msgauth) verify the result
// with the public key given locally; an altered message must fail.
func TestSignVerifiedByDkimpy(t *testing.T) {
	python := testenv.PythonModules(t, "dkim", "nacl")
	dir := t.TempDir()
	var args []string
	want := map[string]string{}
	ks := keys(t)
	names := make([]string, 0, len(ks))
	for name := range ks {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		s, err := Load("embassy.example", "bulletin2026", ks[name])
		if err != nil {
			t.Fatal(err)
		}
		signed, err := s.Sign([]byte(message))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(signed, []byte("DKIM-Signature: ")) || !bytes.HasSuffix(signed, []byte(message)) {
			t.Fatalf("%s: signed message:\n%s", name, signed)
		}
		sig := strings.ToLower(string(signed[:bytes.Index(signed, []byte("\r\nFrom:"))]))
		for _, h := range []string{"list-unsubscribe", "list-unsubscribe-post", "from", "subject", "date"} {
			if !strings.Contains(sig, h) {
				t.Errorf("%s: the signature does not cover %s", name, h)
			}
		}
		rec, err := s.DNSRecord()
		if err != nil {
			t.Fatal(err)
		}
		good := filepath.Join(dir, fmt.Sprintf("%d-signed.eml", i))
		bad := filepath.Join(dir, fmt.Sprintf("%d-altered.eml", i))
		os.WriteFile(good, signed, 0o644)
		os.WriteFile(bad, bytes.Replace(signed, []byte("6 items"), []byte("7 items"), 1), 0o644)
		args = append(args, s.Name(), rec, good, s.Name(), rec, bad)
		want[good+": signature ok"] = name
		want[bad+": signature verification failed"] = name + " altered"
	}
	out, _ := exec.Command(python, append([]string{"testdata/dkimverify-local.py"}, args...)...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		if _, ok := want[l]; !ok {
			t.Errorf("dkimpy: unexpected %q", l)
		}
		delete(want, l)
	}
	for l, name := range want {
		t.Errorf("%s: dkimpy did not say %q:\n%s", name, l, out)
	}
	t.Logf("dkimpy:\n%s", out)
}

func TestLoadRefuses(t *testing.T) {
	short, _ := rsa.GenerateKey(rand.Reader, 1024)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	os.WriteFile(garbage, []byte("not a key"), 0o600)
	for name, tt := range map[string]struct{ file, want string }{
		"RSA-1024":    {writeKey(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(short)), "1024 bits"},
		"not PEM":     {garbage, "no PEM block"},
		"certificate": {writeKey(t, "CERTIFICATE", []byte{1, 2, 3}), "CERTIFICATE"},
		"missing":     {filepath.Join(dir, "absent.pem"), "key_file"},
	} {
		if _, err := Load("embassy.example", "s", tt.file); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one naming %q", name, err, tt.want)
		}
	}
}
