// Package collection reads Postman collection, environment and globals
// files and edits them surgically.
//
// It promises that an edit changes exactly the bytes it means to change:
// every byte outside the edited spans — key order, unknown fields,
// indentation, CRLF line ends, number spelling, a UTF-8 BOM — is kept. It
// never decodes a whole document into Go values and re-encodes it. Instead
// it validates the bytes once (Parse), locates what it needs with gjson's
// byte offsets (Walk), collects edits on the original bytes (Editor) and
// splices them in one pass (Editor.Apply), so k edits on n bytes cost
// O(n + k).
//
// It does not know how the generated script works (package script does) and
// it never touches the file system beyond what its callers hand it.
package collection
