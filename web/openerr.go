package web

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// scriptError is the error of a script that could not be opened, with
// whether its cluster's nodes are servers (s1, s2, ...), which the hints
// of its errors name.
type scriptError struct {
	err     error
	servers bool
}

func (e *scriptError) Error() string { return e.err.Error() }
func (e *scriptError) Unwrap() error { return e.err }

// withScript wraps err, an error of opening the script sc (nil if its
// cluster line was not read), as a scriptError; nil stays nil.
func withScript(sc *sim.Script, err error) error {
	if err == nil {
		return nil
	}
	servers := sc != nil && (sc.Protocol != "" || sc.Cluster.Servers > 0)
	return &scriptError{err: err, servers: servers}
}

// openPatterns say the errors only a script being opened meets (its
// cluster line, the line that must come first, a line the parser
// refuses) and those of the home form's cluster.
var openPatterns = []errPattern{
	{regexp.MustCompile(`^cluster: (?P<kv>[a-z]+=\S*): must be MIN-MAX with 1 <= MIN <= MAX <= (?P<hi>\d+)$`), "openerr.election"},
	{regexp.MustCompile(`^cluster: (?P<kv>[a-z]+=\S*): must be MIN-MAX$`), "openerr.election_form"},
	{regexp.MustCompile(`^cluster: (?P<kv>[a-z]+=\S*): must be (?P<lo>\d+)\.\.(?P<hi>\d+)$`), "openerr.range"},
	{regexp.MustCompile(`^cluster: (?P<kv>[a-z]+=\S*): must be 0 or 1$`), "openerr.bit"},
	{regexp.MustCompile(`^cluster: (?P<kv>[a-z]+=\S*) is not a whole number 0\.\.(?P<hi>\S+)$`), "openerr.not_number_range"},
	{regexp.MustCompile(`^cluster: (?P<kv>[a-z]+=\S*)(:| is) not a (whole )?number$`), "openerr.not_number"},
	{regexp.MustCompile(`^(?P<k>[a-z]+): "(?P<v>[^"]*)" is not a whole number$`), "openerr.form_not_number"},
	{regexp.MustCompile(`^cluster: "(?P<w>[^"]*)" is not key=value$`), "openerr.not_kv"},
	{regexp.MustCompile(`^cluster: unknown key "(?P<key>[^"]*)" \(known: (?P<keys>[^)]*)\)$`), "openerr.unknown_key"},
	{regexp.MustCompile(`^cluster: (?P<key>[a-z_]+): not a key of cluster raft \((?P<keys>[^)]*)\)$`), "openerr.unknown_key"},
	{regexp.MustCompile(`^cluster: (bugs: )?(multipaxos: )?unknown bug "(?P<bug>[^"]*)" \(known: (?P<bugs>[^)]*)\)$`), "openerr.unknown_bug"},
	{regexp.MustCompile(`^cluster: leader=(?P<node>\S+) is not a server \((?P<nodes>[^)]*)\)$`), "openerr.leader"},
	{regexp.MustCompile(`^cluster: app=(?P<v>\S*): the applications are kv and lock$`), "openerr.app"},
	{regexp.MustCompile(`^cluster: ttl= is the lock lease of app=lock$`), "openerr.ttl"},
	{regexp.MustCompile(`^cluster: reads=(?P<v>\S*): the read paths are log, index and lease$`), "openerr.reads"},
	{regexp.MustCompile(`^cluster: needs proposers=N and acceptors=N, or servers=N$`), "openerr.needs_roles"},
	{regexp.MustCompile(`^cluster: servers= cannot be combined with proposers=, acceptors= or learners=$`), "openerr.servers_roles"},
	{regexp.MustCompile(`^cluster: (?P<k>[a-z]+)= given twice$`), "cmderr.twice"},
	{regexp.MustCompile(`^cluster: the sandbox cannot run a (?P<p>\S+) cluster yet`), "openerr.cannot_run"},
	{regexp.MustCompile(`^the first command must be the cluster line \(.*\), not "(?P<w>[^"]*)"$`), "openerr.first"},
	{regexp.MustCompile(`^no cluster line`), "openerr.no_cluster"},
	{regexp.MustCompile(`^line has a control or non-ASCII character outside a comment$`), "openerr.char"},
	// A script's commands, not the live session's verbs (undo, goto...).
	{regexp.MustCompile(`^unknown command "(?P<cmd>[^"]*)" \(commands: (?P<list>[^)]*)\)`), "openerr.unknown_command"},
	{regexp.MustCompile(`^expect (?P<w>\S+): unknown expectation \(usage: (?P<usage>[^)]*)\)$`), "openerr.expectation"},
}

// openErrorText says in lang why a script could not be opened: in
// Chinese every error of each line in words of the table; in English the
// engine's own words (script:LINE: ...), as the CLI says them.
func openErrorText(lang i18n.Lang, err error) string {
	if lang == i18n.EN {
		return err.Error()
	}
	var se *scriptError
	servers := errors.As(err, &se) && se.servers
	var list sim.ErrorList
	var one *sim.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = sim.ErrorList{one}
	default:
		return openLineText(lang, servers, err.Error())
	}
	lines := make([]string, 0, len(list))
	for _, e := range list {
		lines = append(lines, i18n.Format(lang, "openerr.line", map[string]string{
			"line": strconv.Itoa(e.Line), "error": openLineText(lang, servers, e.Msg)}))
	}
	return strings.Join(lines, "\n")
}

// openLineText says one line's error in lang: by the patterns of opening,
// then by those of a command (but for the one that refuses expect lines
// in a live session), else as the engine said it.
func openLineText(lang i18n.Lang, servers bool, msg string) string {
	msg = strings.TrimPrefix(msg, "sim: ")
	if said, ok := sayPattern(lang, servers, msg, openPatterns); ok {
		return said
	}
	if said, ok := sayPattern(lang, servers, msg, commandPatterns); ok {
		return said
	}
	return msg
}

// commandPatterns are errPatterns without those for a live session only.
var commandPatterns = func() []errPattern {
	var ps []errPattern
	for _, p := range errPatterns {
		if p.key != "cmderr.not_live" {
			ps = append(ps, p)
		}
	}
	return ps
}()
