package main

import (
	"strings"

	"github.com/pmprep/pmprep/internal/completion"
	"github.com/pmprep/pmprep/script"
	"github.com/urfave/cli/v2"
)

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in your shell's start-up file:\n" +
			"  bash:  source <(pmprep completion bash)\n" +
			"  zsh:   source <(pmprep completion zsh)   (after compinit)\n" +
			"  fish:  pmprep completion fish > ~/.config/fish/completions/pmprep.fish",
		Action: func(c *cli.Context) error {
			shells := strings.Join(completion.Shells, ", ")
			if c.NArg() != 1 {
				return usagef("completion takes one shell: %s", shells)
			}
			shell := c.Args().First()
			known := false
			for _, s := range completion.Shells {
				known = known || s == shell
			}
			if !known {
				return usagef("unknown shell %q (shells: %s)", shell, shells)
			}
			return completion.Write(c.App.Writer, shell, completionProgram(c.App))
		},
	}
}

// flagValues says what each value-taking flag's value is, for completion;
// a value flag not named here is free text.
var flagValues = map[string]completion.Value{
	"output":        {Kind: completion.KindFile, Name: "FILE"},
	"config":        {Kind: completion.KindFile, Name: "FILE"},
	"dir":           {Kind: completion.KindDir, Name: "DIR"},
	"grant":         {Kind: completion.KindChoice, Name: "GRANT", Choices: []string{script.GrantClientCredentials, script.GrantRefreshToken, script.GrantPassword}},
	"client-auth":   {Kind: completion.KindChoice, Name: "METHOD", Choices: script.ClientAuthMethods},
	"assertion-alg": {Kind: completion.KindChoice, Name: "ALG", Choices: script.AssertionAlgs},
	"format":        {Kind: completion.KindChoice, Name: "FORMAT", Choices: []string{"json", "v3"}},
	"auth":          {Kind: completion.KindChoice, Name: "TYPE", Choices: []string{"bearer", "oauth2"}},
}

// commandArgs says what each command's arguments are.
var commandArgs = map[string]completion.Value{
	"inject":     {Kind: completion.KindFile, Name: "COLLECTION"},
	"strip":      {Kind: completion.KindFile, Name: "FILE"},
	"convert":    {Kind: completion.KindDir, Name: "DIR"},
	"completion": {Kind: completion.KindChoice, Name: "SHELL", Choices: completion.Shells},
}

// completionProgram describes app's commands and flags for completion.
func completionProgram(app *cli.App) completion.Program {
	p := completion.Program{
		Name: app.Name,
		Flags: []completion.Flag{
			completionFlag(cli.HelpFlag),
			completionFlag(cli.VersionFlag),
		},
	}
	for _, c := range app.Commands {
		cc := completion.Command{Name: c.Name, Usage: c.Usage, Args: commandArgs[c.Name]}
		help := false
		for _, f := range c.Flags {
			cc.Flags = append(cc.Flags, completionFlag(f))
			help = help || f.Names()[0] == cli.HelpFlag.Names()[0]
		}
		if !help { // cli.App.Setup adds it to commands that ran
			cc.Flags = append(cc.Flags, completionFlag(cli.HelpFlag))
		}
		p.Commands = append(p.Commands, cc)
	}
	return p
}

func completionFlag(f cli.Flag) completion.Flag {
	cf := completion.Flag{Names: f.Names()}
	if d, ok := f.(cli.DocGenerationFlag); ok {
		cf.Usage = d.GetUsage()
		if d.TakesValue() {
			v, ok := flagValues[cf.Names[0]]
			if !ok {
				v = completion.Value{Kind: completion.KindText, Name: strings.ToUpper(cf.Names[0])}
			}
			cf.Value = &v
		}
	}
	_, cf.Repeatable = f.(*cli.StringSliceFlag)
	return cf
}
