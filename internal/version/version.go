// Package version says which pmprep this is: the version, the commit it
// was built from and the Go that built it.
//
// A release build (make dist) stamps Stamped and Commit with -ldflags -X.
// Other builds answer from the Go build information: `go install
// module@v1.2.3` records the module version (a pseudo-version names the
// commit), and a build in a git checkout records vcs.revision.
package version

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/pmprep/pmprep"
)

// Set by the release build: -ldflags "-X github.com/pmprep/pmprep/internal/version.Stamped=1.2.3
// -X github.com/pmprep/pmprep/internal/version.Commit=<sha>".
var (
	Stamped string
	Commit  string
)

// Info describes one pmprep binary.
type Info struct {
	Version string // without a leading "v": 1.2.3, 0.1.0-devel
	Commit  string // the full commit SHA when known (a pseudo-version gives 12 hex digits), "-dirty" when built from a modified tree; "unknown" otherwise
	Go      string // runtime.Version()
	// Platform is GOOS/GOARCH.
	Platform string
}

// String is the --version line.
func (i Info) String() string {
	return fmt.Sprintf("pmprep %s (commit %s, %s, %s)", i.Version, i.Commit, i.Go, i.Platform)
}

// Get returns this binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuild(Stamped, Commit, bi)
}

// pseudo matches the tail of a Go pseudo-version: -yyyymmddhhmmss-<12 hex>,
// optionally followed by a build suffix (+dirty, +incompatible).
var pseudo = regexp.MustCompile(`\d{14}-([0-9a-f]{12})(\+.*)?$`)

// FromBuild decides the Info: stamped values first, then the build
// information bi (nil when the binary has none), then pmprep.Version.
func FromBuild(stamped, commit string, bi *debug.BuildInfo) Info {
	info := Info{Version: stamped, Commit: commit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if info.Commit == "" {
			info.Commit = vcsCommit(bi)
		}
		if info.Commit == "" {
			if m := pseudo.FindStringSubmatch(bi.Main.Version); m != nil {
				info.Commit = m[1]
			}
		}
	}
	if info.Version == "" {
		info.Version = pmprep.Version + "-devel"
	}
	info.Version = strings.TrimPrefix(info.Version, "v")
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// vcsCommit is the vcs.revision a build in a checkout records, with
// "-dirty" when the tree had changes.
func vcsCommit(bi *debug.BuildInfo) string {
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && modified == "true" {
		rev += "-dirty"
	}
	return rev
}
