//go:build !race

package check

// raceEnabled reports that the tests run with the race detector.
const raceEnabled = false
