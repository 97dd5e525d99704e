package source

import "syscall"

// sysStat is the inode and change time (ns) of a file's system stat.
func sysStat(sys any) (ino uint64, ctime int64) {
	if s, ok := sys.(*syscall.Stat_t); ok {
		return s.Ino, s.Ctim.Nano()
	}
	return 0, 0
}
