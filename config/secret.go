package config

import "github.com/pmprep/pmprep/internal/secretlike"

// LooksSecret reports whether a variable or parameter key names a secret,
// by secretlike.Name: pmprep's one rule, shared with strip and inject.
func LooksSecret(key string) bool { return secretlike.Name(key) }

// NameWords splits a key into lower-case words, as LooksSecret reads it:
// "X-API-Key" -> x api key.
func NameWords(key string) []string { return secretlike.Words(key) }

// roleIsSecret reports whether a script variable role holds a secret.
func roleIsSecret(role string) bool {
	switch role {
	case "client_secret", "password", "refresh_token", "access_token":
		return true
	}
	return false
}
