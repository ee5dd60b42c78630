package main

import (
	"os"
	"syscall"
)

// mapFile maps f (size bytes, a regular file) read-only into memory, its
// pages populated up front: reading a 60 MB collection into the heap
// instead costs a page fault per 4 KiB, which on a virtual machine is most
// of the time inject takes. ok=false when the file cannot be mapped.
//
// The mapping lives until the process exits (values of the Document point
// into it, error messages included), or until the caller that copied out
// what it needs calls unmapFile (strip, which may map many files). A file truncated while mapped makes
// reads fault: run the reading code under onFault.
func mapFile(f *os.File, size int64) (data []byte, ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil, false
	}
	addMapping(data)
	return data, true
}

// unmapFile releases a mapping made by mapFile.
func unmapFile(data []byte) {
	removeMapping(data)
	syscall.Munmap(data)
}

// startWriteback asks the kernel to start writing f's bytes [off, off+n)
// to disk now, without waiting: the fsync at the end of a large write
// then has little left to do.
func startWriteback(f *os.File, off, n int64) {
	syscall.SyncFileRange(int(f.Fd()), off, n, 2) // SYNC_FILE_RANGE_WRITE
}

// hardLinks returns how many names the file has.
func hardLinks(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
