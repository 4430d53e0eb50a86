package web

import (
	"errors"
	"regexp"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// errPatterns say, in the viewer's language, the errors a command may
// meet (the engine words them in English, for scripts and the CLI). Each
// pattern's named groups fill the key's placeholders.
var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^(?P<cmd>[a-z]+): usage: (?P<usage>.+)$`), "cmderr.usage"},
	{regexp.MustCompile(`^usage: (?P<usage>.+)$`), "cmderr.usage"},
	{regexp.MustCompile(`unknown node "(?P<node>[^"]*)" \(this cluster has (?P<nodes>[^)]*)\)`), "cmderr.unknown_node"},
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
}

// errorText is err said for a viewer in lang: a known error in words of
// the viewer's language, any other without the engine's internal prefix
// ("sim: ").
func errorText(lang i18n.Lang, err error) string {
	msg := err.Error()
	var ae *sim.ActionError
	if errors.As(err, &ae) {
		msg = ae.Error()
	}
	msg = strings.TrimPrefix(msg, "sim: ")
	for _, p := range errPatterns {
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
		return i18n.Format(lang, p.key, args)
	}
	return i18n.Format(lang, "cmderr.other", map[string]string{"detail": msg})
}
