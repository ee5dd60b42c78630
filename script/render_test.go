package script

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCases are scripts worth reading the output of; each renders to
// testdata/NAME.prerequest.js (and NAME.test.js with Retry401).
func goldenCases() map[string]Script {
	refresh := Defaults()
	refresh.Grant = GrantRefreshToken
	refresh.ClientAuth = ClientAuthBody
	refresh.Audience = "https://api.example.com/"
	refresh.Params = []Param{{Key: "resource", Value: "{{resource}}"}, {Key: "tenant", Value: "acme"}}
	refresh.Skew = 0

	password := Defaults()
	password.Grant = GrantPassword
	password.Scope = "openid profile api:read"
	password.PersistRefreshToken = true
	password.DefaultLifetime = 90 * time.Second
	password.Skew = 1500 * time.Millisecond
	password.Vars.Username = "user"
	password.Vars.Password = "user_password"
	password.Vars.AccessToken = "access_token"

	withRetry := one(password)
	withRetry.Retry401 = true

	// Two domains: an app token the collection sends, and a user token that
	// the requests under Users (except Users/Public) and requests
	// referencing {{UserAccessToken}} get.
	app := Defaults()
	app.Name = "app"
	app.Vars.AccessToken = "AppAccessToken"
	user := Defaults()
	user.Name = "user"
	user.Grant = GrantPassword
	user.ClientAuth = ClientAuthBody
	user.TokenURL = "{{user_token_url}}"
	user.Scope = ""
	user.Vars.ClientID = "user_client_id"
	user.Vars.ClientSecret = "user_client_secret"
	user.Vars.AccessToken = "UserAccessToken"
	two := Script{
		Tokens:  []Settings{app, user},
		Inherit: []int{0},
		Folders: []FolderRule{{Path: []string{"Users"}, Tokens: []int{1}}, {Path: []string{"Users", "Public"}}},
	}

	v3 := one(Defaults())
	v3.Header = true
	for _, loc := range [][]string{{"Top"}, {"Team & <Ops>", "List"}, {"Team & <Ops>", `Get "x"`}, {"A", "B", "C"}} {
		v3.SetManaged(loc, 0)
	}

	return map[string]Script{
		"v3_header":                v3,
		"defaults":                 one(Defaults()),
		"refresh_token_body":       one(refresh),
		"password_retry401_rename": withRetry,
		"two_domains":              two,
	}
}

func TestGolden(t *testing.T) {
	for name, s := range goldenCases() {
		t.Run(name, func(t *testing.T) {
			r, err := Render(s)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", name+".prerequest.js"), r.PreRequest)
			if s.Retry401 {
				golden(t, filepath.Join("testdata", name+".test.js"), r.Test)
			} else if r.Test != nil {
				t.Errorf("Test = %d lines, want nil without Retry401", len(r.Test))
			}
		})
	}
}

func golden(t *testing.T, path string, lines []string) {
	t.Helper()
	got := joinLines(lines)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./script -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-golden +rendered; go test ./script -update accepts):\n%s", path, diff)
	}
	// The golden files are what users run: node --check them as they are.
	node := needNode(t)
	if out, err := exec.Command(node, "--check", path).CombinedOutput(); err != nil {
		t.Errorf("node --check %s: %v\n%s", path, err, out)
	}
}

func TestRenderDeterministic(t *testing.T) {
	for name, s := range goldenCases() {
		a, err := Render(s)
		if err != nil {
			t.Fatal(err)
		}
		// A copy with fresh backing arrays renders the same bytes.
		c := s
		c.Tokens = append([]Settings(nil), s.Tokens...)
		for i := range c.Tokens {
			c.Tokens[i].Params = append([]Param(nil), s.Tokens[i].Params...)
		}
		c.Inherit = append([]int(nil), s.Inherit...)
		b, err := Render(c)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s: two renders differ:\n%s", name, diff)
		}
	}
	// Params keep the user's order: a different order is a different block.
	s := Defaults()
	s.Params = []Param{{"a", "1"}, {"b", "2"}}
	a, _ := Render(one(s))
	s.Params = []Param{{"b", "2"}, {"a", "1"}}
	b, _ := Render(one(s))
	if a.Hash == b.Hash {
		t.Errorf("reordered params give the same hash %s", a.Hash)
	}
}

func TestHashTracksEverySetting(t *testing.T) {
	base, err := Render(one(Defaults()))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(base.Hash) {
		t.Fatalf("Hash = %q, want 12 hex digits", base.Hash)
	}
	changes := map[string]func(*Settings){
		"grant":       func(s *Settings) { s.Grant = GrantPassword },
		"client auth": func(s *Settings) { s.ClientAuth = ClientAuthBody },
		"token url":   func(s *Settings) { s.TokenURL = "https://x/token" },
		"scope":       func(s *Settings) { s.Scope = "" },
		"audience":    func(s *Settings) { s.Audience = "a" },
		"params":      func(s *Settings) { s.Params = []Param{{"k", "v"}} },
		"skew":        func(s *Settings) { s.Skew = time.Second },
		"lifetime":    func(s *Settings) { s.DefaultLifetime = time.Hour },
		"persist":     func(s *Settings) { s.PersistRefreshToken = true },
		"a var name":  func(s *Settings) { s.Vars.RefreshToken = "rt" },
		"name":        func(s *Settings) { s.Name = "app" },
	}
	scriptChanges := map[string]func(*Script){
		"retry":      func(s *Script) { s.Retry401 = true },
		"no inherit": func(s *Script) { s.Inherit = nil },
		"folders":    func(s *Script) { s.Folders = []FolderRule{{Path: []string{"f"}}} },
		"folder tokens": func(s *Script) {
			s.Folders = []FolderRule{{Path: []string{"f"}, Tokens: []int{0}}}
		},
	}
	for name, change := range changes {
		change := change
		scriptChanges[name] = func(s *Script) { change(&s.Tokens[0]) }
	}
	for name, change := range scriptChanges {
		s := one(Defaults())
		change(&s)
		r, err := Render(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Hash == base.Hash {
			t.Errorf("changing %s keeps hash %s", name, r.Hash)
		}
		if !strings.Contains(r.PreRequest[0], "settings:"+r.Hash) {
			t.Errorf("%s: begin marker %q lacks the hash", name, r.PreRequest[0])
		}
	}
}

func TestMarkers(t *testing.T) {
	s := one(Defaults())
	s.Retry401 = true
	r, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	wantBegin := "// >>> pmprep v" + pmprep.Version + " settings:" + r.Hash + " - generated by pmprep inject; edit the settings, not these lines"
	for name, lines := range map[string][]string{"pre-request": r.PreRequest, "test": r.Test} {
		if lines[0] != wantBegin {
			t.Errorf("%s begin = %q, want %q", name, lines[0], wantBegin)
		}
		if last := lines[len(lines)-1]; last != "// <<< pmprep end" {
			t.Errorf("%s end = %q", name, last)
		}
		for i, l := range lines {
			if strings.ContainsAny(l, "\r\n") {
				t.Errorf("%s line %d contains a line break", name, i)
			}
			if inner := i > 0 && i < len(lines)-1; inner && (IsBegin(l) || IsEnd(l)) {
				t.Errorf("%s line %d looks like a marker: %q", name, i, l)
			}
		}
	}

	for _, l := range []string{
		wantBegin,
		"// >>> pmprep v9.9.9-rc.1 settings:000000000000 - anything",
		"  // >>> pmprep v0.0.1 settings:abc\r",
		"\t// >>> pmprep v1",
	} {
		if !IsBegin(l) {
			t.Errorf("IsBegin(%q) = false", l)
		}
	}
	for _, l := range []string{"// <<< pmprep end", "  // <<< pmprep end\r", "// <<< pmprep end v2"} {
		if !IsEnd(l) {
			t.Errorf("IsEnd(%q) = false", l)
		}
	}
	for _, l := range []string{"", "// pmprep", "console.log('// >>> pmprep ')", "//>>> pmprep v1", "// <<< pmprep", "// >>> pmprepx"} {
		if IsBegin(l) || IsEnd(l) {
			t.Errorf("%q taken for a marker", l)
		}
	}
}

func TestFindAndParseBlock(t *testing.T) {
	for name, s := range goldenCases() {
		r, err := Render(s)
		if err != nil {
			t.Fatal(err)
		}
		// A user's lines around the block, as in a collection's exec array;
		// Windows line ends and indentation from an editor.
		exec := append([]string{"// my own setup", "pm.variables.set('x', 1);"}, r.PreRequest...)
		exec = append(exec, "console.log('after');")
		begin, end, ok := FindBlock(exec)
		if !ok || begin != 2 || end != 2+len(r.PreRequest)-1 {
			t.Errorf("%s: FindBlock = %d, %d, %v", name, begin, end, ok)
		}
		got, ok := ParseBlock(exec)
		if !ok {
			t.Fatalf("%s: ParseBlock found nothing", name)
		}
		want := s
		want.Tokens = append([]Settings(nil), s.Tokens...)
		for i := range want.Tokens {
			if len(want.Tokens[i].Params) == 0 {
				want.Tokens[i].Params = nil
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: ParseBlock round trip (-want +got):\n%s", name, diff)
		}
		crlf := make([]string, len(r.PreRequest))
		for i, l := range r.PreRequest {
			crlf[i] = "    " + l + "\r"
		}
		if got, ok := ParseBlock(crlf); !ok || !sameSettings(got, s) {
			t.Errorf("%s: ParseBlock of an indented CRLF block = %v", name, ok)
		}
	}

	r, _ := Render(one(Defaults()))
	settingsAt := -1
	for i, l := range r.PreRequest {
		if strings.HasPrefix(strings.TrimSpace(l), settingsPrefix) {
			settingsAt = i
		}
	}
	if settingsAt < 0 {
		t.Fatal("no settings line")
	}
	with := func(i int, l string) []string {
		c := append([]string(nil), r.PreRequest...)
		c[i] = l
		return c
	}
	broken := map[string][]string{
		"no block":           {"console.log(1);"},
		"no end":             r.PreRequest[:len(r.PreRequest)-1],
		"no settings":        with(settingsAt, "  // gone"),
		"bad json":           with(settingsAt, `  var pmprepSettings = {"format":2,;`),
		"unknown field":      with(settingsAt, strings.Replace(r.PreRequest[settingsAt], `"format":2,`, `"format":2,"new":1,`, 1)),
		"unknown v1 field":   with(settingsAt, `  var pmprepSettings = {"format":1,"grant":"client_credentials","new":1};`),
		"future format":      with(settingsAt, strings.Replace(r.PreRequest[settingsAt], `"format":2`, `"format":3`, 1)),
		"no tokens":          with(settingsAt, `  var pmprepSettings = {"format":2,"tokens":[],"inherit":[],"folders":[],"retry_401":false};`),
		"index out of range": with(settingsAt, strings.Replace(r.PreRequest[settingsAt], `"inherit":[0]`, `"inherit":[1]`, 1)),
		"invalid settings":   with(settingsAt, strings.Replace(r.PreRequest[settingsAt], `"client_credentials"`, `"implicit"`, 1)),
		"trailing garbage":   with(settingsAt, strings.TrimSuffix(r.PreRequest[settingsAt], ";")+" {};"),
		"test block no data": {r.PreRequest[0], "(function () {})();", "// <<< pmprep end"},
	}
	for name, lines := range broken {
		if _, ok := ParseBlock(lines); ok {
			t.Errorf("ParseBlock(%s) = ok", name)
		}
	}
	// A hand edit that still validates is taken: the script runs on it.
	edited := with(settingsAt, strings.Replace(r.PreRequest[settingsAt], `"skew_ms":30000`, `"skew_ms":5000`, 1))
	if got, ok := ParseBlock(edited); !ok || got.Tokens[0].Skew != 5*time.Second {
		t.Errorf("ParseBlock(hand-edited skew) = %v, %v", got, ok)
	}
}

// A block written by the previous pmprep (format 1, one token) still
// parses: one token, inherited by the collection, folder rules converted.
func TestParseBlockFormat1(t *testing.T) {
	block := []string{
		"// >>> pmprep v0.1.0 settings:0123456789ab - generated by pmprep inject; edit the settings, not these lines",
		"(function () {",
		`  var pmprepSettings = {"format":1,"grant":"password","client_auth":"basic","token_url":"{{token_url}}","scope":"openid profile api:read","audience":"","params":[{"key":"resource","value":"{{res}}"}],"skew_ms":1500,"default_lifetime_ms":90000,"retry_401":true,"persist_refresh_token":true,"vars":{"token_url":"token_url","client_id":"client_id","client_secret":"client_secret","scope":"scope","audience":"audience","username":"user","password":"user_password","refresh_token":"refresh_token","access_token":"access_token"},"folders":[{"path":["Public"],"uses_token":false},{"path":["Public","Private"],"uses_token":true}]};`,
		"})();",
		"// <<< pmprep end",
	}
	got, ok := ParseBlock(block)
	if !ok {
		t.Fatal("ParseBlock(format 1) = not ok")
	}
	tok := Defaults()
	tok.Grant = GrantPassword
	tok.Scope = "openid profile api:read"
	tok.Params = []Param{{"resource", "{{res}}"}}
	tok.Skew = 1500 * time.Millisecond
	tok.DefaultLifetime = 90 * time.Second
	tok.PersistRefreshToken = true
	tok.Vars.Username = "user"
	tok.Vars.Password = "user_password"
	tok.Vars.AccessToken = "access_token"
	want := Script{
		Tokens:   []Settings{tok},
		Inherit:  []int{0},
		Folders:  []FolderRule{{Path: []string{"Public"}}, {Path: []string{"Public", "Private"}, Tokens: []int{0}}},
		Retry401: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("format 1 (-want +got):\n%s", diff)
	}
	if _, err := Render(got); err != nil {
		t.Errorf("Render(format 1 script): %v", err)
	}
}

func TestDefaults(t *testing.T) {
	s := Defaults()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Settings{
		Grant: "client_credentials", ClientAuth: "basic", TokenURL: "{{token_url}}", Scope: "{{scope}}",
		Skew: 30 * time.Second, DefaultLifetime: 300 * time.Second,
		Vars: VarNames{"token_url", "client_id", "client_secret", "scope", "audience", "username", "password", "refresh_token", "pmprep_access_token",
			"client_private_key", "client_key_id", "client_assertion", "issuer"},
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("Defaults (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Settings)
		want   string // a substring of the error; "" means valid
	}{
		{"defaults", func(s *Settings) {}, ""},
		{"refresh grant", func(s *Settings) { s.Grant = GrantRefreshToken }, ""},
		{"zero skew", func(s *Settings) { s.Skew = 0 }, ""},
		{"literal url", func(s *Settings) { s.TokenURL = "https://auth.example.com/token?x=\"'</script>" }, ""},
		{"unknown grant", func(s *Settings) { s.Grant = "implicit" }, `grant "implicit" is not one of client_credentials, refresh_token, password`},
		{"postman grant name", func(s *Settings) { s.Grant = "password_credentials" }, `grant "password_credentials"`},
		{"empty grant", func(s *Settings) { s.Grant = "" }, `grant ""`},
		{"unknown client auth", func(s *Settings) { s.ClientAuth = "header" }, `client_auth "header" is not one of basic, body`},
		{"empty token url", func(s *Settings) { s.TokenURL = "" }, "token_url is empty"},
		{"negative skew", func(s *Settings) { s.Skew = -time.Second }, "skew -1s is negative"},
		{"sub-ms skew", func(s *Settings) { s.Skew = 1500 * time.Microsecond }, "skew 1.5ms is not a whole number of milliseconds"},
		{"zero lifetime", func(s *Settings) { s.DefaultLifetime = 0 }, "default lifetime 0s must be positive"},
		{"empty param key", func(s *Settings) { s.Params = []Param{{"", "v"}} }, "params[0] has an empty key"},
		{"reserved param", func(s *Settings) { s.Params = []Param{{"ok", "1"}, {"grant_type", "x"}} }, `params[1]: parameter "grant_type" is set by pmprep`},
		{"secret as param", func(s *Settings) { s.Params = []Param{{"client_secret", "x"}} }, `parameter "client_secret"`},
		{"scope twice", func(s *Settings) { s.Params = []Param{{"scope", "x"}} }, `parameter "scope" is set by pmprep (use scope instead)`},
		{"scope param without scope", func(s *Settings) { s.Scope = ""; s.Params = []Param{{"scope", "x"}} }, ""},
		{"audience param", func(s *Settings) { s.Params = []Param{{"audience", "x"}} }, ""},
		{"password param with password grant", func(s *Settings) { s.Grant = GrantPassword; s.Params = []Param{{"password", "x"}} }, `parameter "password"`},
		{"invalid utf-8 scope", func(s *Settings) { s.Scope = "a\xffb" }, "scope is not valid UTF-8"},
		{"invalid utf-8 param", func(s *Settings) { s.Params = []Param{{"k", "\xc3"}} }, "params[0].value is not valid UTF-8"},
		{"empty var", func(s *Settings) { s.Vars.ClientID = "" }, "variables.client_id: empty variable name"},
		{"braces in var", func(s *Settings) { s.Vars.AccessToken = "{{token}}" }, "variables.access_token: variable name \"{{token}}\" contains { or }"},
		{"closing braces in var", func(s *Settings) { s.Vars.Password = "p}}" }, "contains { or }"},
		{"dollar var", func(s *Settings) { s.Vars.ClientID = "$guid" }, "starts with $"},
		{"spaced var", func(s *Settings) { s.Vars.ClientID = "client_id " }, "leading or trailing space"},
		{"newline var", func(s *Settings) { s.Vars.ClientID = "client\nid" }, "control character"},
		{"invalid utf-8 var", func(s *Settings) { s.Vars.Scope = "\xff" }, "not valid UTF-8"},
		{"inner space var ok", func(s *Settings) { s.Vars.ClientID = "my client id" }, ""},
		{"shadowing var", func(s *Settings) { s.Vars.AccessToken = "client_secret" }, `variables.access_token: "client_secret" is already the name of variables.client_secret`},
		{"cache var", func(s *Settings) { s.Vars.AccessToken = CacheVar }, "pmprep's token cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Defaults()
			tt.change(&s)
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
			if _, rerr := Render(one(s)); (rerr == nil) != (err == nil) {
				t.Errorf("Render error %v disagrees with Validate %v", rerr, err)
			}
		})
	}

	// Every problem is reported, each as its own error.
	s := Defaults()
	s.Grant, s.ClientAuth, s.Skew = "x", "y", -1
	err := s.Validate()
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Errorf("Validate() = %v, want 3 joined errors", err)
	}
}

func TestScriptValidate(t *testing.T) {
	app := Defaults()
	app.Name = "app"
	app.Vars.AccessToken = "AppAccessToken"
	user := Defaults()
	user.Name = "user"
	user.Vars.AccessToken = "UserAccessToken"
	tests := []struct {
		name   string
		change func(*Script)
		want   []string // substrings of the error; none means valid
	}{
		{"two domains", func(s *Script) {}, nil},
		{"no inherit", func(s *Script) { s.Inherit = nil }, nil},
		{"no tokens", func(s *Script) { s.Tokens = nil; s.Inherit = nil }, []string{"tokens: at least one token is needed"}},
		{"token error named", func(s *Script) { s.Tokens[1].Grant = "implicit" }, []string{`tokens.user: grant "implicit" is not one of`}},
		{"token error unnamed", func(s *Script) { s.Tokens[1].Name = ""; s.Tokens[1].Skew = -1 }, []string{"skew -1ns is negative"}},
		{"same access token variable", func(s *Script) { s.Tokens[1].Vars.AccessToken = "AppAccessToken" },
			[]string{`tokens.user: variables.access_token "AppAccessToken" is already the access token variable of tokens.app`}},
		{"publishes into another's input", func(s *Script) { s.Tokens[1].Vars.AccessToken = "client_id" },
			[]string{`tokens.user: variables.access_token "client_id" is the client_id variable of tokens.app`}},
		{"inherit out of range", func(s *Script) { s.Inherit = []int{2} }, []string{"inherit[0]: token index 2 is out of range (there are 2 tokens)"}},
		{"negative folder index", func(s *Script) { s.Folders = []FolderRule{{Path: []string{"a"}, Tokens: []int{0, -1}}} },
			[]string{"folders[0].tokens[1]: token index -1 is out of range"}},
		{"folder name not UTF-8", func(s *Script) { s.Folders = []FolderRule{{Path: []string{"ok", "a\xff"}}} }, []string{"folders[0].path[1] is not valid UTF-8"}},
		{"name not UTF-8", func(s *Script) { s.Tokens[0].Name = "\xff" }, []string{"name is not valid UTF-8"}},
		{"several", func(s *Script) { s.Inherit = []int{5}; s.Tokens[0].ClientAuth = "x" }, []string{"inherit[0]", `tokens.app: client_auth "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Script{Tokens: []Settings{app, user}, Inherit: []int{0}}
			tt.change(&s)
			err := s.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
			}
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v, want an error containing %q", err, w)
				}
			}
			if _, rerr := Render(s); (rerr == nil) != (err == nil) {
				t.Errorf("Render error %v disagrees with Validate %v", rerr, err)
			}
		})
	}
}
