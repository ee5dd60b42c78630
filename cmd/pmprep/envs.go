package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmprep/pmprep/clientkey"
	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/config"
	"github.com/pmprep/pmprep/script"
	"github.com/urfave/cli/v2"
)

func envsCommand() *cli.Command {
	return &cli.Command{
		Name:  "envs",
		Usage: "write one Postman environment file per environment in pmprep.yaml",
		Description: "Writes DIR/<name>.postman_environment.json for every environment in the config. Secret variables are\n" +
			"typed secret and written empty; with --secrets-from-env their values come from the OS variables the config\n" +
			"names (for CI: such files are written mode 0600 and must not be committed). An existing file keeps the\n" +
			"user's own variables. The script's input variables an environment does not set are declared empty.",
		Flags: []cli.Flag{
			configFlag,
			&cli.StringFlag{Name: "dir", Aliases: []string{"d"}, Value: ".", Usage: "write the files into `DIR` (created if missing)", EnvVars: envVar("dir")},
			&cli.BoolFlag{Name: "secrets-from-env", Usage: "fill secret values from the OS variables named by `from:` (CI only)", EnvVars: envVar("secrets-from-env")},
			&cli.StringFlag{Name: "format", Value: "json", Usage: "`json` (NAME.postman_environment.json) or v3 (NAME.environment.yaml, collection format v3)", EnvVars: envVar("format")},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("envs takes no arguments (got %q); the environments come from the config", c.Args().First())
			}
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			if cfg == nil {
				return usagef("envs needs a config: give --config FILE or put pmprep.yaml in the working directory")
			}
			if f := c.String("format"); f != "json" && f != "v3" {
				return usagef("--format is json or v3, not %q", f)
			}
			return envs(cfg, c.String("dir"), c.Bool("secrets-from-env"), os.LookupEnv, c.App.ErrWriter, c.String("format"))
		},
	}
}

func envs(cfg *config.Config, dir string, fromEnv bool, lookup func(string) (string, bool), stderr io.Writer, format string) error {
	if len(cfg.Environments) == 0 {
		return &config.Error{File: cfg.File, Msg: "no environments: add an environments: section (see docs/config.md)"}
	}
	// Every token's inputs, when the config has tokens:.
	inputs := cfg.AllInputs(script.Defaults())
	isKey := map[string]bool{}
	keyAlgs := map[string][]string{}
	for _, in := range inputs {
		isKey[in.Name] = in.PrivateKey
		keyAlgs[in.Name] = in.KeyAlgs
	}
	seed := ""
	if p := cfg.CollectionPath(); p != "" {
		data, err := readInput(p, nil)
		if err != nil {
			return fmt.Errorf("%w (named by collection: in %s)", err, cfg.File)
		}
		doc, err := collection.Parse(p, data)
		if err != nil {
			return err
		}
		seed = doc.Root().Get("info.name").String() + "/"
	}
	if err := checkOutputDir(dir); err != nil {
		return err
	}
	type planned struct {
		path  string
		data  []byte
		mode  fs.FileMode
		names []string
	}
	var plans []planned
	// Plan every file first: a missing secret fails the run before any file is written.
	for _, env := range cfg.Environments {
		var vars []collection.EnvVar
		var names []string
		hasSecretValue := false
		for _, v := range env.Vars {
			ev := collection.EnvVar{Key: v.Key, Value: v.Value, Secret: v.Secret}
			desc := v.Key
			if v.Secret {
				desc += " (secret)"
				if fromEnv && v.From != "" {
					// An empty secret in CI is a misconfigured secret, not a value.
					val, _ := lookup(v.From)
					if val == "" {
						return &config.Error{File: cfg.File, Line: v.Line, Col: v.Col,
							Msg: fmt.Sprintf("environments.%s.%s: OS variable %s is empty or not set (set it, or run without --secrets-from-env)", env.Name, v.Key, v.From)}
					}
					if isKey[v.Key] {
						// Refused now rather than when the runner's script first signs.
						for _, alg := range append([]string{""}, keyAlgs[v.Key]...) {
							if err := clientkey.CheckAlg(val, alg); err != nil {
								return &config.Error{File: cfg.File, Line: v.Line, Col: v.Col,
									Msg: fmt.Sprintf("environments.%s.%s: the private key in OS variable %s cannot sign client assertions: %v", env.Name, v.Key, v.From, err)}
							}
						}
					}
					ev.Value = val
					hasSecretValue = true
					desc = v.Key + " (secret, from " + v.From + ")"
				}
			}
			vars = append(vars, ev)
			names = append(names, desc)
		}
		for _, in := range env.MissingInputs(inputs) {
			vars = append(vars, collection.EnvVar{Key: in.Name, Secret: in.Secret})
			names = append(names, in.Name+" (empty)")
		}
		path := filepath.Join(dir, env.Name+".postman_environment.json")
		render := renderEnvironment
		if format == "v3" {
			path, render = filepath.Join(dir, env.Name+".environment.yaml"), renderEnvironmentV3
		}
		data, err := render(path, collection.EnvironmentID(seed+env.Name), env.Name, vars)
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if hasSecretValue {
			mode = 0o600
		}
		plans = append(plans, planned{path, data, mode, names})
	}
	// Created only now: a refused run leaves no trace.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: cannot create the output directory: %v", dir, unwrapPath(err))
	}
	for _, p := range plans {
		if err := writeFile(p.path, p.data, p.mode, p.mode == 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "pmprep envs: wrote %s: %s\n", p.path, strings.Join(p.names, ", "))
	}
	if fromEnv {
		fmt.Fprintf(stderr, "pmprep envs: warning: these files hold secret values (mode 0600); do not commit them\n")
	}
	return nil
}

// checkOutputDir refuses an output directory that could never be created
// (it or an ancestor is a file) before anything is planned; MkdirAll makes
// the rest once every file is ready to write.
func checkOutputDir(dir string) error {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s: cannot create the output directory: %s is not a directory", dir, d)
			}
			return nil
		}
		if parent := filepath.Dir(d); parent == d {
			return nil
		}
	}
}

// renderEnvironment creates a new file's bytes, or updates an existing one.
func renderEnvironment(path, id, name string, vars []collection.EnvVar) ([]byte, error) {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return collection.NewEnvironment(id, name, vars), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", path, unwrapPath(err))
	}
	doc, err := collection.Parse(path, old)
	if err != nil {
		return nil, err
	}
	return collection.UpdateEnvironment(doc, vars)
}
