// Package collectionv3 reads Postman collection format v3 — Postman 12's
// git-native layout: a collection directory with .resources/definition.yaml
// (the collection's, and one per folder), one *.request.yaml per request
// and environments as *.environment.yaml — and turns it into what the rest
// of pmprep works with.
//
// It promises:
//
//   - Read walks a collection directory into a tree of folders and
//     requests, each file parsed once with yaml.v3 so every node keeps its
//     line and column. Errors are *collection.InputError values that say
//     file:line:col, what is wrong and what to do: a directory that is not
//     a v3 collection, broken YAML, a $kind or script type pmprep does not
//     know, a request file that leads outside the directory.
//   - Convert writes the tree as a v2.1 collection (schema-valid, with
//     UUID v5 ids derived from the collection's name and each file's path,
//     so the same directory always gives the same bytes) that newman runs
//     as the Postman CLI runs the directory. It is a new file, built as new
//     JSON, not an edit of the user's.
//   - EditScalars replaces the bytes of chosen scalar nodes in a YAML file
//     by "" and keeps every other byte (comments, quoting, key order,
//     indentation, line ends): the v3 counterpart of the JSON splice.
//
// It does not write files, print, or decide exit codes; cmd/pmprep does.
// Examples (*.example.yaml) are read by neither Read nor Convert: they do
// not change what a run sends.
package collectionv3
