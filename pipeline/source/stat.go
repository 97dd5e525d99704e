package source

import (
	"io/fs"
	"time"
)

// Stat is what a file's stat says about its bytes without reading them:
// the fields git's index and Go's build cache compare to trust a file
// unchanged. When every field is as recorded, the bytes are taken to be
// those recorded too; a file edited without its size, times or inode
// changing is not seen, the same rule as make's and git's. The zero Stat
// is never trusted.
type Stat struct {
	Size  int64  `json:"size"`
	Mtime int64  `json:"mtime"`           // nanoseconds since 1970
	Ctime int64  `json:"ctime,omitempty"` // nanoseconds; 0 where the system does not say
	Ino   uint64 `json:"ino,omitempty"`   // 0 where the system does not say
	Mode  uint32 `json:"mode"`
}

// StatOf is fi's Stat. The inode and change time come from the system's
// own record (fi.Sys()) where it has one; an fs.FS that gives none (such
// as fstest.MapFS) is compared on size, modification time and mode.
func StatOf(fi fs.FileInfo) Stat {
	st := Stat{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}
	st.Ino, st.Ctime = sysStat(fi.Sys())
	return st
}

// RacyMargin is how much older than the moment its stat was taken a file's
// last change must be for the stat to be recorded, and later trusted. A
// file changed twice within its file system's timestamp granularity keeps
// the same times, so a stat taken between the two changes would vouch for
// bytes that are no longer there (git's "racily clean" entries). The
// margin covers the coarsest common granularity (FAT's 2 s) and some
// clock skew between the machine and a network file system.
const RacyMargin = 2 * time.Second

// Trustworthy reports whether st may be recorded as vouching for the
// bytes read after it was taken, when the stat was taken at or after
// since: its file was last modified clearly before since. Any later write
// then gives the file another modification time. (The change time need
// not be old: a write sets both times, and the modification time alone
// already tells it apart.)
func (st Stat) Trustworthy(since time.Time) bool {
	if st == (Stat{}) {
		return false
	}
	return st.Mtime < since.Add(-RacyMargin).UnixNano()
}
