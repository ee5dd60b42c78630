package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/collectionv3"
)

// renderEnvironmentV3 is renderEnvironment for collection format v3
// (*.environment.yaml): v3 environments carry no id.
func renderEnvironmentV3(path, _, name string, vars []collection.EnvVar) ([]byte, error) {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return collectionv3.NewEnvironment(name, vars), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", path, unwrapPath(err))
	}
	return collectionv3.UpdateEnvironment(path, old, vars)
}
