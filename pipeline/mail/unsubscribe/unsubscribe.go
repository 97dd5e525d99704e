// Package unsubscribe makes and checks the per-recipient unsubscribe tokens
// of a mailing's List-Unsubscribe link (RFC 2369, one-click per RFC 8058).
//
// A token carries its address and proves it: base64url(address) "." then
// base64url of the first 16 bytes of HMAC-SHA256(secret, "bulletin-unsubscribe\x00" + key),
// where key is the address as suppress.Key compares it. Whoever runs the
// unsubscribe page checks a token with Verify (or `bulletin unsubscribe
// --token`) and the same secret; nobody can make a token for an address
// without it, so a stranger cannot unsubscribe others.
package unsubscribe

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"bulletin/pipeline/mail/suppress"
)

// SecretEnv is the environment variable holding the secret; it is never a
// flag or a configuration key, so it stays out of shell history and files
// checked into version control.
const SecretEnv = "BULLETIN_UNSUBSCRIBE_SECRET"

// MinSecret is the shortest secret accepted, in bytes.
const MinSecret = 16

// ErrBadToken means a token was not made with this secret, or was altered.
var ErrBadToken = errors.New("unsubscribe token does not verify")

// CheckSecret says what is wrong with a secret, if anything.
func CheckSecret(secret string) error {
	if len(secret) < MinSecret {
		return fmt.Errorf("%s must hold a secret of at least %d characters (e.g. the output of `openssl rand -hex 32`); it signs the unsubscribe links", SecretEnv, MinSecret)
	}
	return nil
}

func mac(secret, key string) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte("bulletin-unsubscribe\x00"))
	h.Write([]byte(key))
	return h.Sum(nil)[:16]
}

// Token is addr's unsubscribe token under secret.
func Token(secret, addr string) (string, error) {
	key, err := suppress.Key(addr)
	if err != nil {
		return "", fmt.Errorf("unsubscribe token: %w", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(key)) + "." + enc.EncodeToString(mac(secret, key)), nil
}

// Verify checks token under secret and returns the address it was made
// for.
func Verify(secret, token string) (string, error) {
	enc := base64.RawURLEncoding
	a, m, ok := strings.Cut(strings.TrimSpace(token), ".")
	if !ok {
		return "", ErrBadToken
	}
	addr, err1 := enc.DecodeString(a)
	sum, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil {
		return "", ErrBadToken
	}
	key, err := suppress.Key(string(addr))
	if err != nil || key != string(addr) || !hmac.Equal(sum, mac(secret, key)) {
		return "", ErrBadToken
	}
	return key, nil
}

// URL is the unsubscribe link for token: base with token=… added to its
// query.
func URL(base, token string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("unsubscribe URL %q: %w", base, err)
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// CheckURL says what is wrong with a configured unsubscribe URL: RFC 8058
// one-click needs HTTPS and an absolute URL.
func CheckURL(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("mail.unsubscribe_url %q: %w", base, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("mail.unsubscribe_url %q: write an absolute https:// address (one-click unsubscribe, RFC 8058, needs HTTPS)", base)
	}
	if u.Fragment != "" {
		return fmt.Errorf("mail.unsubscribe_url %q: remove the #fragment", base)
	}
	return nil
}
