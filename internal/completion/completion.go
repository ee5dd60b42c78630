// Package completion writes shell completion scripts (bash, zsh, fish)
// for a command line described as plain data: the program's commands,
// their flags, which flags take a value (a file, a directory or one of a
// few words) and what the arguments are.
//
// The scripts are static: completing a word never runs the program, so
// it costs nothing and works before the program is on PATH. They are
// generated from the same description the program parses its flags with,
// so a new flag is completed without anyone editing a script.
//
// It promises only the names, values and descriptions it is given;
// every name and choice must be a plain word (letters, digits, "_", "-",
// "."), which keeps them safe to embed in any shell unquoted. Descriptions
// may hold any text and are quoted for each shell.
package completion

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Program is the command line to complete.
type Program struct {
	Name     string
	Flags    []Flag // global flags, such as --help and --version: they take no value and end the line
	Commands []Command
}

// Command is one subcommand.
type Command struct {
	Name  string
	Usage string // one line
	Flags []Flag
	Args  Value // what the positional arguments are; Value{} when none
}

// Flag is one flag; Names[0] is its long name, the rest its aliases.
type Flag struct {
	Names      []string
	Usage      string
	Repeatable bool
	Value      *Value // nil: a boolean flag that takes no value
}

// Value says what a flag's value or a command's arguments are.
type Value struct {
	Kind    Kind
	Name    string   // shown by zsh: FILE, DIR, GRANT
	Choices []string // with KindChoice
}

// Kind is a kind of value.
type Kind int

const (
	KindNone   Kind = iota // no value (for Command.Args: no arguments)
	KindText               // any text: nothing to offer
	KindFile               // a file name
	KindDir                // a directory name
	KindChoice             // one of Choices
)

// Shells are the shells Write knows, in the order the docs name them.
var Shells = []string{"bash", "zsh", "fish"}

// Write writes the completion script of shell for p.
func Write(w io.Writer, shell string, p Program) error {
	if err := p.check(); err != nil {
		return err
	}
	var s string
	switch shell {
	case "bash":
		s = bash(p)
	case "zsh":
		s = zsh(p)
	case "fish":
		s = fish(p)
	default:
		return fmt.Errorf("unknown shell %q (shells: %s)", shell, strings.Join(Shells, ", "))
	}
	_, err := io.WriteString(w, s)
	return err
}

// word is what a name or choice may be: embedded unquoted in three shells'
// syntax (case patterns, compgen -W, zsh specs), it must hold no shell
// metacharacter.
var word = regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9_.-]*$`)

func (p Program) check() error {
	bad := func(what, s string) error {
		return fmt.Errorf("completion: %s %q is not a plain word", what, s)
	}
	if !word.MatchString(p.Name) {
		return bad("program name", p.Name)
	}
	checkFlags := func(flags []Flag) error {
		for _, f := range flags {
			if len(f.Names) == 0 {
				return fmt.Errorf("completion: a flag has no name")
			}
			for _, n := range f.Names {
				if !word.MatchString(n) {
					return bad("flag name", n)
				}
			}
			if f.Value != nil {
				if err := f.Value.check(bad); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := checkFlags(p.Flags); err != nil {
		return err
	}
	for _, c := range p.Commands {
		if !word.MatchString(c.Name) {
			return bad("command name", c.Name)
		}
		if err := checkFlags(c.Flags); err != nil {
			return err
		}
		if err := c.Args.check(bad); err != nil {
			return err
		}
	}
	return nil
}

func (v Value) check(bad func(what, s string) error) error {
	if v.Name != "" && !word.MatchString(v.Name) {
		return bad("value name", v.Name)
	}
	for _, c := range v.Choices {
		if !word.MatchString(c) {
			return bad("choice", c)
		}
	}
	return nil
}

// dashed is a flag name as typed: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagWords is every spelling of the flags, as typed.
func flagWords(flags []Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names {
			out = append(out, dashed(n))
		}
	}
	return out
}

// oneLine makes a description one line without the `placeholder`
// backquotes urfave/cli uses.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "`", "")
	return strings.Join(strings.Fields(s), " ")
}
