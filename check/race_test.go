//go:build race

package check

// raceEnabled reports that the tests run with the race detector, which
// makes searches about ten times slower; the largest searches are then
// left to runs without it.
const raceEnabled = true
