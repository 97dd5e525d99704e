package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"bulletin/internal/testenv"
	"bulletin/pipeline/mail/dkimsign"
)

// TestMailDKIM sends the June bulletin signed with an RSA-2048 key and has
// dkimpy (Debian's python3-dkim) verify the message as Mailpit received it,
// with the public key given locally instead of through DNS.
func TestMailDKIM(t *testing.T) {
	python := testenv.PythonModules(t, "dkim", "nacl")
	script := filepath.Join(repoRoot(t), "pipeline", "mail", "dkimsign", "testdata", "dkimverify-local.py")
	mp := startMailpit(t)
	dir := mailProject(t, "  unsubscribe_url: https://embassy.example/unsubscribe\n  dkim: {domain: embassy.example, selector: bulletin2026, key_file: dkim.pem}\n")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "dkim.pem"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	r := runMailCLI(t, dir, map[string]string{"BULLETIN_UNSUBSCRIBE_SECRET": testSecret},
		"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--insecure", "--to", "a@paper.example")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	msgs := mp.messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	raw := getBytes(t, mp.api+"/api/v1/message/"+msgs[0].ID+"/raw")
	if !bytes.Contains(raw, []byte("DKIM-Signature:")) {
		t.Fatal("the sent message has no DKIM-Signature")
	}
	s, err := dkimsign.Load("embassy.example", "bulletin2026", filepath.Join(dir, "dkim.pem"))
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := s.DNSRecord()
	cmd := exec.Command(python, script, s.Name(), rec)
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "signature ok" {
		t.Fatalf("dkimpy: %v: %s", err, out)
	}
	t.Logf("dkimpy on the message Mailpit received: %s", strings.TrimSpace(string(out)))
	head := string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))])
	t.Logf("headers of the sent message:\n%s", head)
}
