package main

import (
	"io"

	"github.com/pmprep/pmprep/collectionv3"
	"github.com/urfave/cli/v2"
)

func convertCommand() *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "write a collection format v3 directory (Postman 12's YAML) as a v2.1 collection newman can run",
		ArgsUsage: "DIR",
		Description: "Reads the v3 collection in DIR (.resources/definition.yaml, *.request.yaml) and writes it as one v2.1\n" +
			"collection: folders, requests, auth, scripts, variables and settings, in the order the Postman CLI runs\n" +
			"them. Ids are derived from the collection's name and each file's path, so the same directory always gives\n" +
			"the same bytes. Examples are not converted. See docs/v3.md.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (- or none: standard output)", EnvVars: envVar("output")},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("convert takes one v3 collection directory (got %d arguments)", c.NArg())
			}
			return convert(c.Args().First(), output{path: c.String("output"), stdout: c.App.Writer})
		},
	}
}

// convert reads and converts the whole directory before writing a byte, so
// a bad file leaves no output file behind.
func convert(dir string, out output) error {
	coll, err := collectionv3.Read(dir)
	if err != nil {
		return err
	}
	data, err := collectionv3.Convert(coll)
	if err != nil {
		return err
	}
	return out.writeFrom(func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
