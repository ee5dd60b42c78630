package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pmprep/pmprep/internal/version"
	"github.com/urfave/cli/v2"
)

// run is the whole program: the only place that sees the process streams,
// so tests drive the real command line in memory.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var command string
	defer func() {
		// A panic is a bug in pmprep, not bad input: exit 3, one line
		// (Go's own crash exits 2, the code of bad input).
		if r := recover(); r != nil {
			code = exitCode(&internalError{value: r}, stderr, command)
		}
	}()
	if len(args) < 2 {
		// No command: the usage, on stderr, as a usage error.
		newApp(stdin, stderr, stderr).Run([]string{"pmprep", "--help"})
		return exitBad
	}
	app := newApp(stdin, stdout, stderr)
	command = args[1]
	if command == "help" && len(args) > 2 {
		// "pmprep help inject" is "pmprep inject --help".
		if cmd := app.Command(args[2]); cmd != nil {
			args = []string{args[0], cmd.Name, "--help"}
		} else {
			return exitCode(usagef("unknown command %q (commands: %s)", args[2], commandNames(app)), stderr, "")
		}
		command = args[1]
	}
	switch cmd := app.Command(command); {
	case cmd != nil:
		command = cmd.Name
		var err error
		if args, err = permute(args, cmd); err != nil {
			return exitCode(err, stderr, command)
		}
	case command == "help":
		args = []string{args[0], "--help"}
		command = ""
	case !strings.HasPrefix(command, "-"):
		return exitCode(usagef("unknown command %q (commands: %s)", command, commandNames(app)), stderr, "")
	default:
		command = ""
	}
	err := app.Run(args)
	return exitCode(err, stderr, command)
}

// testHookAction, when set (by tests only), runs at the start of every
// command's action.
var testHookAction func(command string)

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	build := version.Get()
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, build) }
	app := &cli.App{
		Name:    "pmprep",
		Usage:   "make exported Postman collections run unattended: OAuth 2.0 tokens, environments, no secrets in git",
		Version: build.Version,
		Description: "Every flag can also be set with its PMPREP_* environment variable. Precedence: " +
			"command-line flag > PMPREP_* variable > pmprep.yaml > what the collection already says > built-in default.\n\n" +
			"Exit codes: 0 success (strip: nothing found), 1 strip changed or found something, 2 usage error or bad input, " +
			"3 internal error (a bug in pmprep: please report it at " + reportURL + ").",
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		// Exit codes are decided in one place (exitCode); the library must
		// never call os.Exit itself.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		},
		Commands: []*cli.Command{injectCommand(), envsCommand(), stripCommand(), convertCommand(), completionCommand()},
	}
	for _, c := range app.Commands {
		c.OnUsageError = app.OnUsageError
		if action := c.Action; action != nil {
			name := c.Name
			c.Action = func(ctx *cli.Context) error {
				if testHookAction != nil {
					testHookAction(name)
				}
				return action(ctx)
			}
		}
	}
	return app
}

// commandNames lists the commands for an "unknown command" message.
func commandNames(app *cli.App) string {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// permute moves a command's flags before its arguments, because urfave/cli
// v2 stops reading flags at the first argument and users write both
// `pmprep inject api.json -o out.json` and `pmprep inject -o out.json api.json`.
// "--" ends the flags; "-" is an argument (stdin).
func permute(args []string, cmd *cli.Command) ([]string, error) {
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	flags := []string{}
	var positional []string
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] {
				// A value flag takes the next word, even one starting with "-"
				// ("-o -" is stdout); one at the very end has no value.
				if i+1 >= len(rest) || rest[i+1] == "--" {
					return nil, usagef("flag %s needs a value", a)
				}
				i++
				flags = append(flags, rest[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out, nil
}

// envVar is the PMPREP_* variable of a flag.
func envVar(flag string) []string {
	return []string{"PMPREP_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))}
}
