package config

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pmprep/pmprep/script"
)

// Config is a parsed config file. Every setting records whether the file set
// it, so the caller can merge: flags > PMPREP_* variables > config > defaults.
type Config struct {
	File         string // the name given to Load or Parse; used in messages
	Collection   Setting[string]
	Auth         Auth
	Tokens       []Token // in file order; empty when the file has no tokens:
	Variables    Variables
	Environments []Environment // in file order
	Strip        Strip
}

// Setting is one optional value. Set tells whether the file wrote it; Line
// and Col locate the value for messages (see Config.Errorf).
type Setting[T any] struct {
	Value T
	Set   bool
	Line  int
	Col   int
}

// Collection auth block types (auth.type).
const (
	TypeBearer = "bearer"
	TypeOAuth2 = "oauth2"
)

// Auth is the auth section: how the generated script gets its token. It has
// no field for a secret; secrets live in environments.
type Auth struct {
	Grant           Setting[string] // script.GrantClientCredentials, GrantRefreshToken, GrantPassword
	TokenURL        Setting[string] // literal URL or {{vars}}; never empty when set
	ClientAuth      Setting[string] // script.ClientAuthBasic or ClientAuthBody
	Scope           Setting[string]
	Audience        Setting[string]
	Params          Setting[[]script.Param] // in file order
	Skew            Setting[time.Duration]  // >= 0
	DefaultLifetime Setting[time.Duration]  // > 0
	Retry401        Setting[bool]
	// PersistRefreshToken writes the newest refresh token back to the
	// environment, so --export-environment carries it to the next run.
	PersistRefreshToken Setting[bool]
	Type                Setting[string] // TypeBearer or TypeOAuth2
	// Issuer turns on discovery of the token endpoint (literal URL or
	// {{vars}}); AssertionAlg and AssertionAudience shape signed client
	// assertions (see script.Settings).
	Issuer            Setting[string]
	AssertionAlg      Setting[string]
	AssertionAudience Setting[string]
}

// Variables renames the Postman variables the generated script reads (and,
// for AccessToken, publishes). Each set value is a valid, distinct name.
type Variables struct {
	TokenURL     Setting[string]
	ClientID     Setting[string]
	ClientSecret Setting[string]
	Scope        Setting[string]
	Audience     Setting[string]
	Username     Setting[string]
	Password     Setting[string]
	RefreshToken Setting[string]
	AccessToken  Setting[string]

	ClientPrivateKey Setting[string]
	ClientKeyID      Setting[string]
	ClientAssertion  Setting[string]
	Issuer           Setting[string]
}

// Token is one entry of the tokens section: a token domain, whose requests
// send {{Variable}}. Its settings inherit from auth: and the top-level
// variables: (see Config.TokenSettings).
type Token struct {
	Name      string
	Line, Col int             // of the name
	Variable  Setting[string] // the access-token variable; always set in a parsed Config
	Auth      Auth            // only the keys this token set (Retry401 never set)
	Variables Variables       // only the names this token set (AccessToken never set)
}

// Environment is one entry of the environments section; pmprep envs writes
// it to <Name>.postman_environment.json. Name is a safe file name.
type Environment struct {
	Name string
	Line int // of the name
	Col  int
	Vars []Var // in file order
}

// Var is one variable of an environment. A secret has no Value; From, when
// set, names the OS environment variable that holds it.
type Var struct {
	Key    string
	Value  string // as written, also for numbers and booleans
	Secret bool
	From   string
	Line   int // of the key
	Col    int
}

// Strip is the strip section.
type Strip struct {
	// Allow lists JSON paths or variable keys that strip leaves alone. A key
	// listed here may also hold a plain value in environments.
	Allow []string
}

// names are the file names Find looks for, in order of preference.
var names = []string{"pmprep.yaml", "pmprep.yml", "pmprep.json"}

// Find returns the config file in dir: pmprep.yaml, pmprep.yml or
// pmprep.json, the first that exists as a regular file.
func Find(dir string) (path string, ok bool) {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// maxSize bounds what Load reads; a config file is a few kilobytes.
const maxSize = 4 << 20

// Load reads and parses the config file at path. Every error is an *Error.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, "cannot open the config file", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fileError(path, "cannot read the config file", err)
	}
	if len(data) > maxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("config file larger than %d MiB (is this the right file?)", maxSize>>20)}
	}
	return Parse(path, data)
}

func fileError(path, what string, err error) *Error {
	cause := err
	if pe, ok := err.(*fs.PathError); ok {
		cause = pe.Err
	}
	return &Error{File: path, Msg: fmt.Sprintf("%s: %v", what, cause), Err: err}
}

// Parse parses a config file's contents; name is used in messages. YAML and
// JSON are accepted. Every error is an *Error with a position.
func Parse(name string, data []byte) (*Config, error) {
	doc, err := parseDocument(name, data)
	if err != nil {
		return nil, err
	}
	c := &Config{File: name}
	d := &decoder{file: name}
	if doc != nil && len(doc.Content) > 0 {
		d.config(c, doc.Content[0])
	}
	if err := firstError(d.errs); err != nil {
		return nil, err
	}
	return c, nil
}

// CollectionPath returns the collection the file names, a relative path
// taken from the config file's directory, or "" when it names none.
func (c *Config) CollectionPath() string {
	if c == nil || !c.Collection.Set {
		return ""
	}
	p := c.Collection.Value
	if filepath.IsAbs(p) || c.File == "" || c.File == "-" {
		return p
	}
	return filepath.Join(filepath.Dir(c.File), p)
}

// Environment returns the environment called name, or nil.
func (c *Config) Environment(name string) *Environment {
	if c == nil {
		return nil
	}
	for i := range c.Environments {
		if c.Environments[i].Name == name {
			return &c.Environments[i]
		}
	}
	return nil
}
