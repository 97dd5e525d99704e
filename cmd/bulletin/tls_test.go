package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a certificate authority the test makes, and server
// certificates it signs.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bulletin test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue writes a server certificate for the given names (IP literals or
// DNS names) and its key into dir; it returns their paths.
func (ca *testCA) issue(t *testing.T, dir string, names ...string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	write(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	write(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	return certFile, keyFile
}

// TestMailTLS sends through Mailpit with a certificate the test makes:
// STARTTLS on a submission-style port, implicit TLS, and the refusals — a
// server that offers no STARTTLS, a certificate from a CA the
// configuration does not name, a certificate for another name.
func TestMailTLS(t *testing.T) {
	ca := newTestCA(t)
	good := t.TempDir()
	goodCert, goodKey := ca.issue(t, good, "127.0.0.1", "localhost")
	wrong := t.TempDir()
	wrongCert, wrongKey := ca.issue(t, wrong, "mail.other.example")

	tests := []struct {
		name      string
		mailpit   []string
		caFile    bool     // name the test CA in mail.tls_ca_file
		extra     []string // bulletin flags
		delivered bool
		want      string // in stderr when refused
	}{
		{"STARTTLS", []string{"--smtp-tls-cert", goodCert, "--smtp-tls-key", goodKey, "--smtp-require-starttls"}, true, nil, true, ""},
		{"implicit TLS", []string{"--smtp-tls-cert", goodCert, "--smtp-tls-key", goodKey, "--smtp-require-tls"}, true, []string{"--tls", "implicit"}, true, ""},
		{"no STARTTLS offered", nil, true, nil, false, "STARTTLS"},
		{"CA not named", []string{"--smtp-tls-cert", goodCert, "--smtp-tls-key", goodKey, "--smtp-require-starttls"}, false, nil, false, "mail.tls_ca_file"},
		{"certificate for another name", []string{"--smtp-tls-cert", wrongCert, "--smtp-tls-key", wrongKey, "--smtp-require-starttls"}, true, nil, false, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp := startMailpit(t, tt.mailpit...)
			extraCfg := ""
			if tt.caFile {
				extraCfg = "  tls_ca_file: ca.pem\n"
			}
			dir := mailProject(t, extraCfg)
			write(t, filepath.Join(dir, "ca.pem"), ca.pem)
			args := append([]string{"mail", "--month", "2020-06", "--date", "2020-07-06", "--smtp", mp.smtp, "--to", "a@paper.example"}, tt.extra...)
			r := runMailCLI(t, dir, nil, args...)
			got := len(mp.messages(t))
			if tt.delivered {
				if r.code != 0 || got != 1 {
					t.Fatalf("exit %d, %d delivered: %s%s", r.code, got, r.stdout, r.stderr)
				}
				return
			}
			t.Logf("refused: %s", strings.TrimSpace(r.stderr))
			if r.code == 0 || got != 0 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, %d delivered, stderr %q; want a refusal naming %q", r.code, got, r.stderr, tt.want)
			}
		})
	}
}
