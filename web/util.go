package web

import (
	"encoding/json"
	"strconv"
	"strings"
)

func join(xs []string, sep string) string { return strings.Join(xs, sep) }

func itoa(n int) string { return strconv.Itoa(n) }

// jsonRaw embeds pre-rendered JSON (nil becomes null).
func jsonRaw(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return json.RawMessage(b)
}

// shortcut is one keyboard shortcut listed by "?".
type shortcut struct{ Keys, Key string }

var shortcuts = []shortcut{
	{"n", "keys.step"},
	{"p / Space", "keys.play"},
	{"Shift+P", "keys.replay"},
	{"← / →", "keys.undo_redo"},
	{"Home / End", "keys.first_last"},
	{"j / k / ↓ / ↑", "keys.select_msg"},
	{"d / Enter", "keys.deliver"},
	{"x", "keys.drop"},
	{"c", "keys.dup"},
	{"1 … 9", "keys.node"},
	{":", "keys.command"},
	{"g / PageDown", "keys.lesson_next"},
	{"b / PageUp", "keys.lesson_back"},
	{"r", "keys.reveal"},
	{"+ / −", "keys.size"},
	{"l", "keys.lang"},
	{"i", "keys.projector"},
	{"?", "keys.help"},
	{"Esc", "keys.escape"},
}

// Example is a ready-made scenario on the home page.
type Example struct {
	TitleKey string
	URL      string
}
