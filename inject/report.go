package inject

// Report says what inject decided, for the summary. It holds paths, names
// and variable names only, never a value.
type Report struct {
	// Requests is how many requests the collection has.
	Requests int
	// Domains has one entry per token domain, in Script.Tokens order.
	Domains []DomainReport
	// Left groups the requests that send what they sent before and fetch
	// no token, by what they send (in order of first appearance).
	Left []LeftGroup
	// Pinned are requests and folders that sent credentials of their own
	// (an Authorization header, URL userinfo, a script that sets the
	// header) under no auth: they get noauth, so the new collection auth
	// does not override them.
	Pinned []string
	// Removed counts the bearer/oauth2 blocks removed so they inherit the
	// same token from above.
	Removed int
	// AmbiguousFolders are name paths ("A / B") that several folders share
	// while they send different tokens: the script tells folders apart by
	// name, so their requests fetch every token any of them sends.
	AmbiguousFolders []string
	// TokenScripts are scripts that look like hand-written token fetches
	// (pm.sendRequest for a grant or an access token): they now duplicate
	// pmprep's work.
	TokenScripts []string
	// ZeroConfig is the oauth2 block settings were read from, or nil.
	ZeroConfig *ZeroConfig
	// LiteralSecrets are the JSON paths of literal secrets in oauth2 blocks
	// inject leaves alone (another token URL): for pmprep strip.
	LiteralSecrets []string
	// Notes are the settings inject assumed, each with its reason.
	Notes []string
	// Warnings are things the user should act on.
	Warnings []string
}

// DomainReport is one token domain in the report.
type DomainReport struct {
	Name     string // "" for the single default domain
	Variable string // the token variable its requests send
	Grant    string
	Requests int      // requests that send its token after inject
	Newly    []string // paths of requests that sent no credentials before
}

// LeftGroup is requests left alone for one reason.
type LeftGroup struct {
	Why   string
	Paths []string
}
