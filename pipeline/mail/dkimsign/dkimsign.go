// Package dkimsign signs outgoing messages with DKIM (RFC 6376), so the
// receiving servers can check that the bulletin came from the sender's
// domain. Signing is done by github.com/emersion/go-msgauth, the
// maintained Go implementation; this package loads the key and chooses
// what to sign.
package dkimsign

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/emersion/go-msgauth/dkim"
)

// signed are the header fields the signature covers: those a reader
// sees and those RFC 8058 says one-click unsubscribe must have signed.
var signed = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
	"List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"}

// Signer signs messages for one domain and selector.
type Signer struct {
	domain, selector string
	key              crypto.Signer
}

// Load reads the private key at keyFile (PEM: PKCS #1 or PKCS #8 RSA of at
// least 2048 bits, or PKCS #8 Ed25519).
func Load(domain, selector, keyFile string) (*Signer, error) {
	data, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("mail.dkim.key_file: %w", err)
	}
	key, err := parseKey(data)
	if err != nil {
		return nil, fmt.Errorf("mail.dkim.key_file %s: %w", keyFile, err)
	}
	return &Signer{domain: domain, selector: selector, key: key}, nil
}

func parseKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("no PEM block; give the private key as PEM (-----BEGIN PRIVATE KEY-----)")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a %q PEM block is not a private key this signer reads; use PKCS #8 (openssl genpkey)", block.Type)
	}
	if err != nil {
		return nil, err
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("an RSA key of %d bits is too short: receivers ignore DKIM keys under 1024 bits and RFC 8301 asks for 2048; make one with openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048", k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("a %T key: use RSA (2048 bits or more) or Ed25519", key)
}

// Sign returns msg with a DKIM-Signature header field in front.
func (s *Signer) Sign(msg []byte) ([]byte, error) {
	var sig bytes.Buffer
	opts := &dkim.SignOptions{Domain: s.domain, Selector: s.selector, Signer: s.key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: present(msg)}
	if err := dkim.Sign(&sig, bytes.NewReader(msg), opts); err != nil {
		return nil, fmt.Errorf("dkim: sign: %w", err)
	}
	return sig.Bytes(), nil
}

// present is the signed fields that msg has: signing an absent field
// would be fine by RFC 6376, but it is clearer to sign what is there.
func present(msg []byte) []string {
	end := bytes.Index(msg, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(msg)
	}
	head := bytes.ToLower(append([]byte("\r\n"), msg[:end]...))
	var out []string
	for _, k := range signed {
		if bytes.Contains(head, []byte("\r\n"+string(bytes.ToLower([]byte(k)))+":")) {
			out = append(out, k)
		}
	}
	return out
}

// DNSRecord is the TXT record to publish at <selector>._domainkey.<domain>.
func (s *Signer) DNSRecord() (string, error) {
	switch k := s.key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return "", err
		}
		return "v=DKIM1; k=rsa; p=" + b64(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + b64(k), nil
	}
	return "", fmt.Errorf("dkim: unknown key type")
}

// Name is where DNSRecord goes.
func (s *Signer) Name() string { return s.selector + "._domainkey." + s.domain }
