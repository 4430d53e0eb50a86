package web

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// errPattern says the errors its re matches with the text of key, whose
// placeholders its named groups fill.
type errPattern struct {
	re  *regexp.Regexp
	key string
}

// errPatterns say, in the viewer's language, the errors a command may
// meet (the engine words them in English, for scripts and the CLI). Each
// pattern's named groups fill the key's placeholders.
var errPatterns = []errPattern{
	// A live session takes no expect line: say so before any of its
	// parse errors.
	{regexp.MustCompile(`^(?P<what>expect)( [a-z_]+)?: `), "cmderr.not_live"},
	// Forms whose usage line is itself English prose come first.
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): usage: [a-z]+ SEL \(.*then b=, s=, id=, v=\)$`), "cmderr.usage_sel_mp"},
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): usage: [a-z]+ SEL \(.*then t=TERM\)$`), "cmderr.usage_sel_raft"},
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): usage: [a-z]+ SEL \(`), "cmderr.usage_sel"},
	{regexp.MustCompile(`^partition: usage: partition G`), "cmderr.usage_partition"},
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): usage: (?P<usage>.+)$`), "cmderr.usage"},
	{regexp.MustCompile(`^usage: (?P<usage>.+)$`), "cmderr.usage"},
	{regexp.MustCompile(`unknown (node|server) "(?P<node>[^"]*)" \(this cluster has (?P<nodes>[^)]*)\)`), "cmderr.unknown_node"},
	{regexp.MustCompile(`^unknown command "(?P<cmd>[^"]*)" \(commands: (?P<cmds>put, [^)]*)\)`), "cmderr.unknown_command_list"},
	{regexp.MustCompile(`^unknown command "(?P<cmd>[^"]*)"`), "cmderr.unknown_command"},
	{regexp.MustCompile(`unknown message type "(?P<type>[^"]*)" \((?P<types>[^)]*)\)`), "cmderr.unknown_type"},
	{regexp.MustCompile(`no such step (?P<step>-?\d+) \(this branch has steps 0\.\.(?P<end>\d+)\)`), "cmderr.no_step"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is down \(restart it first\)$`), "cmderr.node_down"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is down$`), "cmderr.node_down"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is already down$`), "cmderr.already_down"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is up \(crash it first\)$`), "cmderr.node_up"},
	{regexp.MustCompile(`^[a-z]+: no in-flight message matches "(?P<sel>[^"]*)"$`), "cmderr.no_match"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) has no value to propose`), "cmderr.no_value"},
	{regexp.MustCompile(`^nothing to do`), "cmderr.nothing"},
	{regexp.MustCompile(`^lesson: this is the last step$`), "cmderr.last_step"},
	{regexp.MustCompile(`^lesson: this is the first step$`), "cmderr.first_step"},
	// Session verbs.
	{regexp.MustCompile(`^goto: "(?P<arg>[^"]*)" is not a step$`), "cmderr.not_step"},
	{regexp.MustCompile(`^branch: "(?P<arg>[^"]*)" is not a branch id$`), "cmderr.not_branch"},
	{regexp.MustCompile(`^no branch (?P<n>-?\d+)$`), "cmderr.no_branch"},
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): "(?P<arg>[^"]*)" is not key=value \((?P<usage>[^)]*)\)$`), "cmderr.not_kv"},
	{regexp.MustCompile(`^play: ms must be (?P<lo>\d+)\.\.(?P<hi>\d+)$`), "cmderr.play_ms"},
	{regexp.MustCompile(`^replay: this is the end of the branch`), "cmderr.replay_end"},
	{regexp.MustCompile(`^[a-z]+: (?P<kv>[a-z]+=\S*): a rate is a number`), "cmderr.rate"},
	{regexp.MustCompile(`^play: stop must be chosen or never$`), "cmderr.play_stop"},
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): unknown key "(?P<key>[^"]*)"`), "cmderr.unknown_key"},
	{regexp.MustCompile(`drop and dup (add up to more than 1|rates must be 0\.\.1)`), "cmderr.rates_sum"},
	{regexp.MustCompile(`^log: `), "cmderr.log"},
	{regexp.MustCompile(`^(?P<what>expect|cluster) lines cannot be sent to a live session$`), "cmderr.not_live"},
	{regexp.MustCompile(`^empty command$`), "cmderr.empty"},
	{regexp.MustCompile(`^command longer than (?P<n>\d+) bytes$`), "cmderr.too_long"},
	// Lessons.
	{regexp.MustCompile(`^lesson: this session is not a lesson$`), "cmderr.not_lesson"},
	{regexp.MustCompile(`^lesson: no step (?P<step>-?\d+) \(the lesson has steps 1\.\.(?P<n>\d+)\)$`), "cmderr.lesson_no_step"},
	{regexp.MustCompile(`^lesson goto: "(?P<arg>[^"]*)" is not a step number$`), "cmderr.not_step"},
	{regexp.MustCompile(`^lesson: this step asks no question$`), "cmderr.no_question"},
	{regexp.MustCompile(`^lesson answer: choose 1\.\.(?P<n>\d+)$`), "cmderr.choose"},
	{regexp.MustCompile(`^lesson: there is nothing to reveal in this step$`), "cmderr.nothing_to_reveal"},
	{regexp.MustCompile(`^lesson: already revealed$`), "cmderr.already_revealed"},
	{regexp.MustCompile(`^lesson: this step has no goal$`), "cmderr.no_goal"},
	// The script's words.
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is not (?P<role>a proposer|an acceptor|a learner|a server|a client)$`), "cmderr.not_role"},
	{regexp.MustCompile(`^[a-z]+: none is not a value`), "cmderr.none_value"},
	{regexp.MustCompile(`^[a-z]+: bad value "(?P<v>[^"]*)"`), "cmderr.bad_value"},
	{regexp.MustCompile(`^[a-z]+: nothing may follow a message id (?P<id>#\d+)$`), "cmderr.after_id"},
	{regexp.MustCompile(`^[a-z]+: FROM->TO needs a node or \* on each side$`), "cmderr.from_to"},
	{regexp.MustCompile(`^[a-z]+: unexpected "(?P<w>[^"]*)" in selector`), "cmderr.sel_word"},
	{regexp.MustCompile(`^[a-z]+: bad message id "(?P<id>[^"]*)"`), "cmderr.bad_id"},
	{regexp.MustCompile(`^tick: ticks must be (a whole number )?1\.\.(?P<max>\d+), not "?(?P<n>[^"]*)"?$`), "cmderr.ticks"},
	{regexp.MustCompile(`^run: max must be (a whole number )?1\.\.(?P<max>\d+), not "?(?P<n>[^"]*)"?$`), "cmderr.run_max"},
	{regexp.MustCompile(`^run: until must be chosen or quiet`), "cmderr.until"},
	{regexp.MustCompile(`^[a-z]+: (?P<k>[a-z]+)= given twice$`), "cmderr.twice"},
	{regexp.MustCompile(`^partition: (empty group|group \d+ is empty)`), "cmderr.empty_group"},
	{regexp.MustCompile(`^partition: \* appears in more than one group$`), "cmderr.star_twice"},
	{regexp.MustCompile(`^partition: (?P<node>\S+) is in more than one group$`), "cmderr.node_twice"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) has used every ballot round \((?P<n>\d+)\)$`), "cmderr.rounds"},
	{regexp.MustCompile(`^[a-z]+: the network would hold more than (?P<n>\d+) messages$`), "cmderr.network_full"},
	{regexp.MustCompile(`^[a-z]+: no such node$`), "cmderr.no_node"},
	// Multi-Paxos and Raft (the errors of their script languages and
	// clusters; a runtime error starts with the command line).
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is crashed$`), "cmderr.node_down"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: (the server is crashed|the node is down)$`), "cmderr.node_down"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: (the server is not crashed|the node is up)$`), "cmderr.node_up"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: clients do not crash$`), "cmderr.client_crash"},
	{regexp.MustCompile(`^[a-z]+: multipaxos: malformed operation\n(?P<op>[a-z]+) takes (?P<n>\d+) arguments$`), "cmderr.op_args"},
	{regexp.MustCompile(`^[a-z]+: multipaxos: malformed operation\n"(?P<w>[^"]*)": keys and values are words`), "cmderr.op_word"},
	{regexp.MustCompile(`^[a-z]+: multipaxos: malformed operation\nnil is not a value$`), "cmderr.op_nil"},
	{regexp.MustCompile(`^[a-z]+: multipaxos: malformed operation\n"(?P<w>[^"]*)": a token is a slot number$`), "cmderr.bad_token"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: the client already has a request outstanding$`), "cmderr.outstanding"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: the client has no request outstanding$`), "cmderr.not_outstanding"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: the client has used every request number$`), "cmderr.request_numbers"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: the client holds no token for that lock$`), "cmderr.no_token"},
	{regexp.MustCompile(`^[a-z]+ (?P<node>\S+)[^:]*: the client does not believe it holds that lock$`), "cmderr.no_belief"},
	{regexp.MustCompile(`(the lock service needs app=lock in the cluster line|not a lock service cluster \(app=lock\))$`), "cmderr.need_lock"},
	{regexp.MustCompile(`^[a-z]+[^:]*: (?P<node>\S+) is paused$`), "cmderr.paused"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is already paused$`), "cmderr.already_paused"},
	{regexp.MustCompile(`^[a-z]+: (?P<node>\S+) is not paused$`), "cmderr.not_paused"},
	{regexp.MustCompile(`^[a-z]+: via= is for get only$`), "cmderr.via_get"},
	{regexp.MustCompile(`via=(?P<v>\S*): the read paths are log, index and lease$`), "cmderr.via"},
	{regexp.MustCompile(`^clock: rate=(?P<r>\S*): the rate must be a whole number within drift=(?P<d>\d+) of 100 \((?P<lo>\d+)\.\.(?P<hi>\d+)\)$`), "cmderr.clock_rate"},
	{regexp.MustCompile(`^[a-z]+: bad ballot "(?P<v>[^"]*)"`), "cmderr.bad_ballot"},
	{regexp.MustCompile(`^[a-z]+: bad slot "(?P<v>[^"]*)"`), "cmderr.bad_slot"},
	{regexp.MustCompile(`^[a-z]+: bad request id "(?P<v>[^"]*)"`), "cmderr.bad_req"},
	{regexp.MustCompile(`^[a-z]+: bad token "(?P<w>[^"]*)"`), "cmderr.bad_token"},
	{regexp.MustCompile(`^[a-z]+: bad term "t=(?P<v>[^"]*)"`), "cmderr.bad_term"},
	{regexp.MustCompile(`^[a-z]+: (?P<v>\S+): noop is reserved`), "cmderr.noop_reserved"},
	{regexp.MustCompile(`^[a-z]+: (?P<v>\S+): a value is 1\.\.64 letters`), "cmderr.bad_value"},
	{regexp.MustCompile(`: the leader's log is full$`), "cmderr.log_full"},
	{regexp.MustCompile(`: (the node has )?no such timer$`), "cmderr.no_timer"},
	{regexp.MustCompile(`^lesson: this session plays no lesson$`), "cmderr.not_lesson"},
}

// usageKeys say in the viewer's language the usage lines that hold words
// of English (the others are the script's own words).
var usageKeys = map[string]string{
	"put C K V | get C K | cas C K OLD NEW, each with [to=S]":      "usage.mp_request",
	"clock NODE rate=R (R in percent of true time)":                "usage.clock",
	"write C K V (K names the lock whose token the store carries)": "usage.write",
	"partition G | G ... (e.g. partition p1 a1 | *)":               "usage.partition",
}

// roleKeys name a role in the viewer's language (the engine says "a
// proposer").
var roleKeys = map[string]string{"a proposer": "role.proposer", "an acceptor": "role.acceptor", "a learner": "role.learner", "a server": "role.server", "a client": "role.client"}

// saidError is an error already worded in the viewer's language (a
// budget the session ran into): errorText passes it on as it is.
type saidError string

func (e saidError) Error() string { return string(e) }

// errorText is err said for a viewer in lang: a known error in words of
// the viewer's language, any other without the engine's internal prefix
// ("sim: "). Its examples name a cluster of roles (p1, a1).
func errorText(lang i18n.Lang, err error) string {
	return errorTextFor(lang, false, err)
}

// errorTextFor is errorText for a cluster whose nodes are servers (s1, s2,
// ...) when servers is true: its examples name those.
func errorTextFor(lang i18n.Lang, servers bool, err error) string {
	var said saidError
	if errors.As(err, &said) {
		return string(said)
	}
	msg := err.Error()
	var ae *sim.ActionError
	if errors.As(err, &ae) {
		msg = ae.Error()
	}
	msg = strings.TrimPrefix(msg, "sim: ")
	if said, ok := sayPattern(lang, servers, msg, errPatterns); ok {
		return said
	}
	return i18n.Format(lang, "cmderr.other", map[string]string{"detail": msg})
}

// sayPattern says msg in lang by the first of patterns that matches it;
// false if none does.
func sayPattern(lang i18n.Lang, servers bool, msg string, patterns []errPattern) (string, bool) {
	for _, p := range patterns {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := map[string]string{}
		for i, name := range p.re.SubexpNames() {
			if name != "" {
				args[name] = m[i]
			}
		}
		if k, ok := roleKeys[args["role"]]; ok {
			args["role"] = i18n.T(lang, k)
		}
		if k, ok := usageKeys[args["usage"]]; ok {
			args["usage"] = i18n.T(lang, k)
		}
		if cmds, ok := args["cmds"]; ok {
			// The sandbox's own commands, then the session's verbs.
			var list []string
			for _, w := range strings.Split(cmds+", undo, redo, goto, play, pause", ", ") {
				if w != "expect" && !slices.Contains(list, w) {
					list = append(list, w)
				}
			}
			sep := ", "
			if lang == i18n.ZH {
				sep = "、"
			}
			args["cmds"] = strings.Join(list, sep)
		}
		if ty, ok := args["types"]; ok {
			args["types"] = strings.ReplaceAll(ty, ", or ", ", ")
		}
		key := p.key
		if servers && key == "cmderr.usage_partition" {
			key = "cmderr.usage_partition_servers"
		}
		return i18n.Format(lang, key, args), true
	}
	return "", false
}
