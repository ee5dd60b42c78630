package script

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// wireFormat versions the settings object embedded in the script.
const wireFormat = 1

// wire is the settings as the generated script reads them, and their
// canonical encoding: json.Marshal of this struct is deterministic (fixed
// field order, durations in milliseconds, params always an array), and it
// is what Hash digests and what ParseBlock reads back.
type wire struct {
	Format              int         `json:"format"`
	Grant               string      `json:"grant"`
	ClientAuth          string      `json:"client_auth"`
	TokenURL            string      `json:"token_url"`
	Scope               string      `json:"scope"`
	Audience            string      `json:"audience"`
	Params              []wireParam `json:"params"`
	SkewMS              int64       `json:"skew_ms"`
	DefaultLifetimeMS   int64       `json:"default_lifetime_ms"`
	Retry401            bool        `json:"retry_401"`
	PersistRefreshToken bool        `json:"persist_refresh_token"`
	Vars                wireVars    `json:"vars"`
	Folders             []wireRule  `json:"folders"`
}

type wireRule struct {
	Path      []string `json:"path"`
	UsesToken bool     `json:"uses_token"`
}

type wireParam struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type wireVars struct {
	TokenURL     string `json:"token_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Scope        string `json:"scope"`
	Audience     string `json:"audience"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	RefreshToken string `json:"refresh_token"`
	AccessToken  string `json:"access_token"`
}

func toWire(s Settings) wire {
	params := make([]wireParam, 0, len(s.Params))
	for _, p := range s.Params {
		params = append(params, wireParam(p))
	}
	folders := make([]wireRule, 0, len(s.Folders))
	for _, f := range s.Folders {
		folders = append(folders, wireRule(f))
	}
	return wire{
		Folders:             folders,
		Format:              wireFormat,
		Grant:               s.Grant,
		ClientAuth:          s.ClientAuth,
		TokenURL:            s.TokenURL,
		Scope:               s.Scope,
		Audience:            s.Audience,
		Params:              params,
		SkewMS:              s.Skew.Milliseconds(),
		DefaultLifetimeMS:   s.DefaultLifetime.Milliseconds(),
		Retry401:            s.Retry401,
		PersistRefreshToken: s.PersistRefreshToken,
		Vars:                wireVars(s.Vars),
	}
}

func (w wire) settings() Settings {
	var params []Param
	for _, p := range w.Params {
		params = append(params, Param(p))
	}
	var folders []FolderRule
	for _, f := range w.Folders {
		folders = append(folders, FolderRule(f))
	}
	return Settings{
		Folders:             folders,
		Grant:               w.Grant,
		ClientAuth:          w.ClientAuth,
		TokenURL:            w.TokenURL,
		Scope:               w.Scope,
		Audience:            w.Audience,
		Params:              params,
		Skew:                time.Duration(w.SkewMS) * time.Millisecond,
		DefaultLifetime:     time.Duration(w.DefaultLifetimeMS) * time.Millisecond,
		Retry401:            w.Retry401,
		PersistRefreshToken: w.PersistRefreshToken,
		Vars:                VarNames(w.Vars),
	}
}

// canonical is the one encoding of valid settings: a single line of JSON
// that is also a safe JavaScript expression (json.Marshal escapes <, >, &,
// U+2028 and U+2029, and valid UTF-8 is required by Validate).
func canonical(s Settings) ([]byte, error) {
	return json.Marshal(toWire(s))
}

// hashOf is the first 12 hex digits of the SHA-256 of the canonical encoding.
func hashOf(canon []byte) string {
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])[:12]
}

// decodeWire reads a canonical encoding back, refusing unknown fields and
// formats so that a block from a newer pmprep is not half understood.
func decodeWire(b []byte) (Settings, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var w wire
	if err := dec.Decode(&w); err != nil || dec.More() || w.Format != wireFormat {
		return Settings{}, false
	}
	return w.settings(), true
}
