// Package suppress keeps the suppression list: the addresses a mailing
// never sends to again (unsubscribed, bounced, refused by their server).
//
// The file has one address a line, with the date and the reason after tabs:
//
//	editor@paper.example	2026-12-02	unsubscribed
//
// Lines starting with # are comments; a line with only an address is
// accepted, so a person can add one by hand. Add rewrites the file through
// a temporary file renamed into place, under a lock, keeping every existing
// line byte for byte: a crash leaves the old file or the new one, never
// fewer lines.
package suppress

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bulletin/pipeline/lockfile"
)

// Entry is one suppressed address.
type Entry struct {
	Address string // as written
	Date    string // YYYY-MM-DD
	Reason  string // "unsubscribed", "bounce 5.1.1: user unknown", …
}

// List is a suppression list read from a file.
type List struct {
	entries map[string]Entry // by Key
}

// Key is how addresses are compared: surrounding space trimmed, the domain
// lower-cased, the local part exact (RFC 5321 lets a server tell
// Ann@x from ann@x, and some do).
func Key(addr string) (string, error) {
	a := strings.TrimSpace(addr)
	if p, err := mail.ParseAddress(a); err == nil {
		a = p.Address
	}
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || strings.ContainsAny(a, " \t\r\n") {
		return "", fmt.Errorf("%q is not an e-mail address", addr)
	}
	return a[:at] + "@" + strings.ToLower(a[at+1:]), nil
}

// Load reads the list at path; a missing file is an empty list.
func Load(path string) (*List, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &List{entries: map[string]Entry{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("suppression list: %w", err)
	}
	return parse(path, data)
}

func parse(path string, data []byte) (*List, error) {
	l := &List{entries: map[string]Entry{}}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		k, err := Key(f[0])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w; write one address a line (then, after tabs, the date and the reason), or start the line with # to keep it as a note", path, i+1, err)
		}
		e := Entry{Address: strings.TrimSpace(f[0])}
		if len(f) > 1 {
			e.Date = strings.TrimSpace(f[1])
		}
		if len(f) > 2 {
			e.Reason = strings.TrimSpace(strings.Join(f[2:], " "))
		}
		if _, dup := l.entries[k]; !dup {
			l.entries[k] = e
		}
	}
	return l, nil
}

// Lookup says whether addr is on the list, and why.
func (l *List) Lookup(addr string) (Entry, bool) {
	k, err := Key(addr)
	if err != nil {
		return Entry{}, false
	}
	e, ok := l.entries[k]
	return e, ok
}

// Len is the number of addresses on the list.
func (l *List) Len() int { return len(l.entries) }

// Add puts entries on the list at path, skipping addresses already there,
// and returns those it added. It holds path+".lock" while it reads and
// rewrites the file, so two commands adding at once lose nothing.
func Add(path string, entries []Entry) ([]Entry, error) {
	for _, e := range entries {
		if _, err := Key(e.Address); err != nil {
			return nil, fmt.Errorf("suppression list: %w", err)
		}
		if strings.ContainsAny(e.Date+e.Reason, "\t\r\n") {
			return nil, fmt.Errorf("suppression list: the date and reason of %s must be one line without tabs", e.Address)
		}
	}
	lock, err := takeWaiting(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("suppression list: %w", err)
	}
	defer lock.Release()
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("suppression list: %w", err)
	}
	l, err := parse(path, old)
	if err != nil {
		return nil, err
	}
	var added []Entry
	var buf bytes.Buffer
	buf.Write(old)
	if len(old) > 0 && old[len(old)-1] != '\n' {
		buf.WriteByte('\n')
	}
	for _, e := range entries {
		k, _ := Key(e.Address)
		if _, ok := l.entries[k]; ok {
			continue
		}
		e.Address = strings.TrimSpace(e.Address)
		l.entries[k] = e
		added = append(added, e)
		fmt.Fprintf(&buf, "%s\t%s\t%s\n", e.Address, e.Date, e.Reason)
	}
	if len(added) == 0 {
		return nil, nil
	}
	if err := replace(path, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("suppression list: %w", err)
	}
	return added, nil
}

// takeWaiting takes the list's lock, waiting up to ten seconds for another
// command to finish its own update (they take milliseconds).
func takeWaiting(path string) (*lockfile.Lock, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		l, err := lockfile.Take(path)
		if !errors.Is(err, lockfile.ErrBusy) || time.Now().After(deadline) {
			return l, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// replace writes data to path through a synced temporary file renamed into
// place, then syncs the folder so the rename itself survives a crash.
func replace(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Soft is one temporary failure (a 4.x.x bounce) of an address.
type Soft struct {
	Address, Date, Status string
	Report                string // the report's Message-ID or place, so reading it twice counts once
}

// SoftBounces is how many temporary failures make an address suppressed.
const SoftBounces = 3

// CountSoft records temporary failures in path+".soft" (address, date,
// status, report; one a line) and returns, for each address in soft, how
// many distinct reports the file now holds for it. A report already
// recorded is not counted again.
func CountSoft(path string, soft []Soft) (map[string]int, error) {
	name := path + ".soft"
	lock, err := takeWaiting(name + ".lock")
	if err != nil {
		return nil, fmt.Errorf("soft bounces: %w", err)
	}
	defer lock.Release()
	old, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("soft bounces: %w", err)
	}
	seen := map[string]bool{}
	count := map[string]int{}
	for i, line := range strings.Split(string(old), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		k, err := Key(f[0])
		if err != nil || len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: not a soft-bounce line (address, date, status, report separated by tabs); fix or remove it", name, i+1)
		}
		if !seen[k+"\t"+f[3]] {
			seen[k+"\t"+f[3]] = true
			count[k]++
		}
	}
	var buf bytes.Buffer
	buf.Write(old)
	if len(old) > 0 && old[len(old)-1] != '\n' {
		buf.WriteByte('\n')
	}
	added := false
	out := map[string]int{}
	for _, s := range soft {
		k, err := Key(s.Address)
		if err != nil {
			return nil, fmt.Errorf("soft bounces: %w", err)
		}
		rep := strings.Join(strings.Fields(s.Report), " ")
		if !seen[k+"\t"+rep] {
			seen[k+"\t"+rep] = true
			count[k]++
			fmt.Fprintf(&buf, "%s\t%s\t%s\t%s\n", k, s.Date, strings.Join(strings.Fields(s.Status), " "), rep)
			added = true
		}
		out[s.Address] = count[k]
	}
	if added {
		if err := replace(name, buf.Bytes()); err != nil {
			return nil, fmt.Errorf("soft bounces: %w", err)
		}
	}
	return out, nil
}
