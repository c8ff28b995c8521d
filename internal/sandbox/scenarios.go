package sandbox

import (
	"fmt"
	"sort"
	"strings"
)

// Scenario is a named starting state for the sandbox account.
type Scenario struct {
	Name        string
	Description string
	// Setup fills in a new account (region and empty collections are already
	// set); it must at least set the identity (ID, CallerARN, UserID).
	Setup func(*Account)
}

// DefaultScenario is the scenario used when Options.Scenario is empty.
const DefaultScenario = "fresh"

// scenarios is the registry, keyed by name. Later services extend the Setup
// functions below with their resources, or add scenarios here.
var scenarios = map[string]Scenario{
	"fresh": {
		Name:        "fresh",
		Description: "A registered AWS Marketplace seller with nothing launched yet.",
		Setup: func(a *Account) {
			a.setIAMUser("111122223333", "sandbox-seller")
			a.Seller = true
		},
	},
	"rollback": {
		Name: "rollback",
		Description: "The fresh seller account (111122223333), but S3 bucket names are taken by another account " +
			"(sellerdesk-reports among them): creating any bucket fails with \"<name> already exists\", so the onboarding " +
			"stack rolls back to ROLLBACK_COMPLETE.",
		Setup: func(a *Account) {
			a.setIAMUser("111122223333", "sandbox-seller")
			a.Seller = true
			a.foreignBuckets["sellerdesk-reports"] = "999988887777"
			a.bucketNamesTaken = true
		},
	},
	"not-seller": {
		Name:        "not-seller",
		Description: "An AWS account that has not registered as an AWS Marketplace seller.",
		Setup: func(a *Account) {
			a.setIAMUser("444455556666", "sandbox-user")
			a.Seller = false
		},
	},
}

// Scenarios returns every known scenario, sorted by name.
func Scenarios() []Scenario {
	out := make([]Scenario, 0, len(scenarios))
	for _, s := range scenarios {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ScenarioNames returns the names of every known scenario, sorted.
func ScenarioNames() []string {
	var names []string
	for _, s := range Scenarios() {
		names = append(names, s.Name)
	}
	return names
}

// LookupScenario returns the scenario called name; for an unknown name the
// error lists the known ones.
func LookupScenario(name string) (Scenario, error) {
	if s, ok := scenarios[name]; ok {
		return s, nil
	}
	return Scenario{}, fmt.Errorf("unknown sandbox scenario %q (known scenarios: %s)",
		name, strings.Join(ScenarioNames(), ", "))
}

// build makes a fresh account in the state the scenario describes, outside
// any server (tests).
func (sc Scenario) build() (*Account, error) { return sc.buildWith(accountEnv{}) }

// buildWith makes a fresh account for a server described by env.
func (sc Scenario) buildWith(env accountEnv) (*Account, error) {
	a := newAccount(sc.Name, env)
	if sc.Setup != nil {
		sc.Setup(a)
	}
	if err := a.validate(); err != nil {
		a.cancel()
		return nil, fmt.Errorf("sandbox scenario %q: %w", sc.Name, err)
	}
	return a, nil
}
