// Package config reads pmprep's config file, pmprep.yaml (or pmprep.yml, or
// JSON), which drives inject, envs and strip.
//
// It promises: unknown keys, wrong types, bad values and duplicate keys are
// refused with an *Error whose one-line message is
// FILE:LINE:COL: what is wrong (what to do); a plain value under a key that
// looks secret is refused without the value appearing in the message,
// because the file is meant for git; every setting records whether the
// file set it, so the caller can merge flags > PMPREP_* variables > config
// > defaults (ScriptSettings does the config step, TokenSettings the same
// for each token domain of tokens:); order is kept for tokens,
// environments, their variables and params.
//
// It does not read secrets from the OS environment, check that files
// exist, or print anything: that is the command line's job.
package config
