package sandbox

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Scenarios as files: every scenarios/NAME.json embedded in the binary is a
// scenario called NAME whose state is that document (see
// scenarios/README.md). They join the scenarios built in Go, which win a
// clash (a test refuses one).

//go:embed scenarios
var scenarioFiles embed.FS

// scenarioFileClashes are embedded files named like a Go scenario (ignored).
var scenarioFileClashes []string

func init() {
	sub, err := fs.Sub(scenarioFiles, "scenarios")
	if err != nil {
		panic(err)
	}
	fileScenarios, err := loadScenarioFiles(sub)
	if err != nil {
		panic(err) // caught by the tests: an embedded file is broken
	}
	for name, sc := range fileScenarios {
		if _, ok := scenarios[name]; ok {
			scenarioFileClashes = append(scenarioFileClashes, name)
			continue
		}
		scenarios[name] = sc
	}
}

// loadScenarioFiles reads every NAME.json of fsys as scenario NAME.
func loadScenarioFiles(fsys fs.FS) (map[string]Scenario, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]Scenario{}
	for _, file := range names {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		sc, err := scenarioFromDocument(strings.TrimSuffix(path.Base(file), ".json"), b)
		if err != nil {
			return nil, fmt.Errorf("sandbox scenario file %s: %w", file, err)
		}
		out[sc.Name] = sc
	}
	return out, nil
}

// scenarioFromDocument makes scenario name from a state document.
func scenarioFromDocument(name string, b []byte) (Scenario, error) {
	doc, err := DecodeState(b)
	if err != nil {
		return Scenario{}, err
	}
	if doc.Description == "" {
		return Scenario{}, fmt.Errorf(`the document has no "description"`)
	}
	doc.Scenario = name
	return Scenario{Name: name, Description: doc.Description, Setup: func(a *Account) {
		doc := doc
		if a.env.endpoint != "" {
			var err error
			if doc, err = rehost(doc, a.env.endpoint); err != nil {
				a.setupFailed(err)
				return
			}
		}
		if err := a.restoreState(doc); err != nil {
			a.setupFailed(err)
		}
	}}, nil
}
