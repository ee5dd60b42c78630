package main

import (
	"os"
	"path/filepath"
)

// directoryHint says what to do when a command that takes a file is given
// a directory: a collection format v3 directory can be converted first.
func directoryHint(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ".resources", "definition.yaml")); err == nil {
		return "a collection format v3 directory, which this command does not read: " +
			"run pmprep convert " + dir + " -o FILE.postman_collection.json and give FILE"
	}
	return "give the collection's .json file"
}
