//go:build !race

package sandbox

// raceSlowdown: see race_on_test.go.
const raceSlowdown = 1
