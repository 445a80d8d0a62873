package cat

import (
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// A Config is a parsed herd7 configuration file (linux-kernel.cfg): lines
// "key value" or "key = value", which herd7 reads as if each were the
// command-line option -key value, in order, so a later line overrides an
// earlier one.
type Config struct {
	Filename string
	Lines    *syntax.Lines
	Entries  []*ConfigEntry // in source order
	Comments []*Comment     // "#" lines
}

// A ConfigEntry is one "key value" line.
type ConfigEntry struct {
	Span      Span // the line, without its newline
	Key       string
	KeySpan   Span
	Value     string // the rest of the line, without surrounding blanks
	ValueSpan Span
}

// Values splits the value at commas, as herd7 does for keys that take
// lists ("edgeattr hb,color,indigo", "skipchecks a,b").
func (e *ConfigEntry) Values() []string {
	parts := strings.Split(e.Value, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// Get returns the last entry with the key (the one in force), or nil.
func (c *Config) Get(key string) *ConfigEntry {
	for i := len(c.Entries) - 1; i >= 0; i-- {
		if c.Entries[i].Key == key {
			return c.Entries[i]
		}
	}
	return nil
}

// All returns every entry with the key, in order (for keys that
// accumulate, such as edgeattr).
func (c *Config) All(key string) []*ConfigEntry {
	var out []*ConfigEntry
	for _, e := range c.Entries {
		if e.Key == key {
			out = append(out, e)
		}
	}
	return out
}

// configKeys are the keys herd7's configuration reader knows
// (herd/lexConf_herd.mll); any other key is an error there.
var configKeys = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`conf local-conf verbose suffix include
		timeout debug names oknames excl nonames rename kinds conds model cat
		bell macros variant machsize endian through skipchecks strictskip
		unroll optace archcheck initwrites speedcheck badexecs badflag
		dumpallfaults show showflag nshow restrict showkind shortlegend
		texmacros hexa outcomereads dotmode dotcom view showevents graph mono
		fontname fontsize edgefontsizedelta penwidth arrowsize splines overlap
		sep margin pad scale xscale yscale dsiy siwidth boxscale ptscale
		squished showpo relabel withbox labelbox showfinalrf showinitrf
		finalrfpos initrfpos oneinit labelinit initpos threadposy
		showinitwrites showthread showlegend brackets showobserved movelabel
		fixedsize extrachars dotheader doshow unshow noid symetric classes
		showraw edgeattr shift edgemerge`) {
		configKeys[k] = true
	}
}

// ParseConfig reads a .cfg file. Like Parse, it never fails and never
// panics. Blank lines and lines starting with '#' are skipped; a key is
// letters, with at most one inner '-'; the value follows after blanks or
// '=' and runs to the end of the line. Keys herd7 does not know are
// errors, as they are for herd7.
func ParseConfig(filename string, src []byte) (*Config, syntax.ErrorList) {
	c := &Config{Filename: filename, Lines: syntax.NewLines(filename, src)}
	var errs syntax.ErrorList
	for start := 0; start < len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		next := end + 1
		if end > start && src[end-1] == '\r' {
			end--
		}
		parseConfigLine(c, &errs, src, start, end)
		start = next
	}
	if len(errs) == 0 {
		return c, nil
	}
	return c, errs
}

// parseConfigLine reads the line src[start:end] (without its line end).
func parseConfigLine(c *Config, errs *syntax.ErrorList, src []byte, start, end int) {
	line := src[start:end]
	if len(line) > 0 && line[0] == '#' {
		c.Comments = append(c.Comments, &Comment{Span: Span{Start: start, End: end}, Text: string(line)})
		return
	}
	if strings.TrimSpace(string(line)) == "" {
		return
	}
	i := start
	for i < end && isAlpha(src[i]) {
		i++
	}
	if i < end && src[i] == '-' && i+1 < end && isAlpha(src[i+1]) && i > start {
		i++
		for i < end && isAlpha(src[i]) {
			i++
		}
	}
	keyEnd := i
	if keyEnd == start {
		addError(errs, Span{Start: start, End: start + 1}, "expected a key at the start of the line")
		return
	}
	key := string(src[start:keyEnd])
	j := keyEnd
	for j < end && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
		j++
	}
	sep := j > keyEnd
	if j < end && src[j] == '=' {
		sep = true
		j++
		for j < end && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
			j++
		}
	}
	if !sep || j == end {
		addError(errs, at(keyEnd), "expected a value after the key %s", key)
		return
	}
	vEnd := end
	for vEnd > j && (src[vEnd-1] == ' ' || src[vEnd-1] == '\t' || src[vEnd-1] == '\r') {
		vEnd--
	}
	e := &ConfigEntry{
		Span:      Span{Start: start, End: end},
		Key:       key,
		KeySpan:   Span{Start: start, End: keyEnd},
		Value:     string(src[j:vEnd]),
		ValueSpan: Span{Start: j, End: vEnd},
	}
	if !configKeys[key] {
		addError(errs, e.KeySpan, "unknown key %s", key)
	}
	c.Entries = append(c.Entries, e)
}
