package main

import "github.com/pmprep/pmprep/collectionv3"

// directoryHint says what to do when a command that takes a file is given
// a directory: a collection format v3 directory can be converted first.
func directoryHint(dir string) string {
	if collectionv3.IsCollectionDir(dir) {
		return "a collection format v3 directory, which this command does not read: " +
			"run pmprep convert " + dir + " -o FILE.postman_collection.json and give FILE"
	}
	return "give the collection's .json file; a collection format v3 directory has .resources/definition.yaml"
}
