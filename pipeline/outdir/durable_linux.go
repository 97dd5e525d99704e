package outdir

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncStaged makes the staged files durable before the journal names
// them. Many are made durable by one syncfs(2) of the folder's file
// system rather than an fsync of each: a full build of many months stages
// hundreds, and their fsyncs were a third of the wall time of 72
// one-item bulletins. Linux reports a writeback error of any of them.
func syncStaged(dir string, temps []string) error {
	if len(temps) <= syncOneByOne {
		return syncEach(temps)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}
