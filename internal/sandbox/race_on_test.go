//go:build race

package sandbox

// raceSlowdown is how much slower the race detector makes CPU-bound code;
// tests that measure time allow for it (make test runs go test -race).
const raceSlowdown = 10
