package unsubscribe

import (
	"errors"
	"strings"
	"testing"
)

const secret = "0123456789abcdef-test-secret"

func TestTokenRoundTrip(t *testing.T) {
	for _, addr := range []string{"ann@paper.example", "Ann@PAPER.example", " o'brien+news@mission.example "} {
		tok, err := Token(secret, addr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Verify(secret, tok)
		want := strings.TrimSpace(addr)
		want = want[:strings.LastIndexByte(want, '@')] + strings.ToLower(want[strings.LastIndexByte(want, '@'):])
		if err != nil || got != want {
			t.Errorf("Verify(Token(%q)) = %q, %v; want %q", addr, got, err, want)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	tok, _ := Token(secret, "ann@paper.example")
	other, _ := Token(secret, "bob@paper.example")
	a, _, _ := strings.Cut(other, ".")
	_, m, _ := strings.Cut(tok, ".")
	for name, bad := range map[string]string{
		"other secret":     mustToken(t, "another-secret-0123456789", "ann@paper.example"),
		"swapped address":  a + "." + m,
		"truncated":        tok[:len(tok)-2],
		"no dot":           strings.ReplaceAll(tok, ".", ""),
		"empty":            "",
		"garbage":          "%%%.###",
		"flipped mac byte": tok[:len(tok)-1] + string(tok[len(tok)-1]^1),
	} {
		if addr, err := Verify(secret, bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: Verify = %q, %v; want ErrBadToken", name, addr, err)
		}
	}
}

func mustToken(t *testing.T, s, addr string) string {
	tok, err := Token(s, addr)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestURL(t *testing.T) {
	for _, tt := range []struct{ base, want string }{
		{"https://embassy.example/unsubscribe", "https://embassy.example/unsubscribe?token=T.x"},
		{"https://embassy.example/u?list=press", "https://embassy.example/u?list=press&token=T.x"},
	} {
		if got, err := URL(tt.base, "T.x"); err != nil || got != tt.want {
			t.Errorf("URL(%q) = %q, %v; want %q", tt.base, got, err, tt.want)
		}
	}
	for _, bad := range []string{"http://embassy.example/u", "/u", "mailto:a@b", "https://embassy.example/u#x"} {
		if CheckURL(bad) == nil {
			t.Errorf("CheckURL(%q) accepted it", bad)
		}
	}
	if CheckSecret("short") == nil || CheckSecret(secret) != nil {
		t.Error("CheckSecret")
	}
}
