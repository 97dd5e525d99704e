//go:build !linux

package outdir

import "os"

// syncStaged makes the staged files durable before the journal names
// them: an fsync of each, where no call syncs a file system at once.
func syncStaged(_ string, temps []string) error {
	for _, t := range temps {
		f, err := os.OpenFile(t, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
