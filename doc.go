// Package pmprep holds what every part of pmprep shares: its version.
//
// The work is done in the sub-packages: collection reads and surgically
// edits Postman JSON, script renders the generated JavaScript from
// templates, config reads pmprep.yaml, and cmd/pmprep is the command line.
package pmprep

// Version is the pmprep release. It is written into the marker comments of
// every generated script block, so a changed version re-renders the block.
const Version = "0.1.0"
