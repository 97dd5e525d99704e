package outdir

import "os"

// syncOneByOne is the most staged files synced one by one where a file
// system can be synced at once (Linux): a rebuild after an edit stages a
// few, and an fsync of each touches nothing else, while syncfs also
// writes out whatever other programs left unwritten on the file system.
const syncOneByOne = 16

// syncEach makes each file durable (fsync).
func syncEach(paths []string) error {
	for _, p := range paths {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
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
