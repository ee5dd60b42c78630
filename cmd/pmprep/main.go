// Command pmprep prepares exported Postman collections for unattended use:
// it injects a token-fetching pre-request script (inject), writes
// per-environment Postman environment files (envs) and strips secrets
// (strip). See README.md.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
