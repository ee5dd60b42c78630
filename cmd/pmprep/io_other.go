//go:build !linux

package main

import "os"

// mapFile is Linux only; elsewhere the caller reads the file.
func mapFile(*os.File, int64) ([]byte, bool) { return nil, false }

func unmapFile([]byte) {}

// startWriteback is Linux only; elsewhere fsync does all the work.
func startWriteback(*os.File, int64, int64) {}

// hardLinks is Linux only; elsewhere a file counts as one name.
func hardLinks(os.FileInfo) uint64 { return 1 }
