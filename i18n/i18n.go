// Package i18n is paxviz's one translation table. Every user-facing string
// (CLI trace, pages, the browser's event log, lesson chrome) is looked up
// here by key, in English ("en") or Simplified Chinese ("zh").
//
// Templates use named placeholders in braces ({node}, {b}, {v}, ...); Format
// fills them. The browser gets the same table as JSON and fills them the
// same way.
package i18n

import (
	"sort"
	"strings"
)

// Lang is a language code.
type Lang string

// The languages paxviz speaks.
const (
	EN Lang = "en"
	ZH Lang = "zh"
)

// Langs lists the supported languages.
var Langs = []Lang{EN, ZH}

// Parse returns the language for a code, defaulting to English.
func Parse(s string) Lang {
	if strings.HasPrefix(strings.ToLower(s), "zh") {
		return ZH
	}
	return EN
}

type entry struct{ en, zh string }

var table = map[string]entry{}

func add(m map[string]entry) {
	for k, v := range m {
		if _, dup := table[k]; dup {
			panic("i18n: duplicate key " + k)
		}
		table[k] = v
	}
}

// T returns the text for key in lang; an unknown key returns the key itself
// (so a missing entry shows up, and a test catches it).
func T(lang Lang, key string) string {
	e, ok := table[key]
	if !ok {
		return key
	}
	if lang == ZH && e.zh != "" {
		return e.zh
	}
	return e.en
}

// Has reports whether key is in the table.
func Has(key string) bool { _, ok := table[key]; return ok }

// Format returns T(lang, key) with each {name} replaced by args[name].
func Format(lang Lang, key string, args map[string]string) string {
	return Fill(T(lang, key), args)
}

// Fill replaces each {name} in tmpl by args[name]; unknown names stay.
func Fill(tmpl string, args map[string]string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var sb strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			sb.WriteString(tmpl)
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			sb.WriteString(tmpl)
			break
		}
		name := tmpl[i+1 : i+j]
		sb.WriteString(tmpl[:i])
		if v, ok := args[name]; ok {
			sb.WriteString(v)
		} else {
			sb.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
	return sb.String()
}

// Keys returns every key, sorted.
func Keys() []string {
	ks := make([]string, 0, len(table))
	for k := range table {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Table returns every key's text in lang (for the browser).
func Table(lang Lang) map[string]string {
	out := make(map[string]string, len(table))
	for k := range table {
		out[k] = T(lang, k)
	}
	return out
}

// Missing returns the keys that have no Chinese text.
func Missing() []string {
	var out []string
	for _, k := range Keys() {
		if table[k].zh == "" {
			out = append(out, k)
		}
	}
	return out
}
