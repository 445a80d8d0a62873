package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file reads herd7's configuration files (.cfg): their lexer, the
// keys litmusls honours, the display keys it accepts, and the defaults of
// those it refuses to change.

// herd7CfgKeys are the keys herd7's configuration files accept
// (herd/lexConf_herd.mll). honoured keys are read below; the display keys
// only change the graphs and are accepted as herd7 accepts them; the
// others change what herd7 computes in ways litmusls does not reproduce,
// and are an error unless they keep herd7's default.
var herd7DisplayKeys = map[string]bool{
	"showkind": true, "shortlegend": true, "texmacros": true, "dotmode": true,
	"dotcom": true, "view": true, "showevents": true, "graph": true, "mono": true,
	"fontname": true, "fontsize": true, "edgefontsizedelta": true, "penwidth": true,
	"arrowsize": true, "splines": true, "overlap": true, "sep": true, "margin": true,
	"pad": true, "scale": true, "xscale": true, "yscale": true, "dsiy": true,
	"siwidth": true, "boxscale": true, "ptscale": true, "squished": true,
	"showpo": true, "relabel": true, "withbox": true, "labelbox": true,
	"showfinalrf": true, "showinitrf": true, "finalrfpos": true, "initrfpos": true,
	"oneinit": true, "labelinit": true, "initpos": true, "threadposy": true,
	"showinitwrites": true, "showthread": true, "showlegend": true, "brackets": true,
	"showobserved": true, "movelabel": true, "fixedsize": true, "extrachars": true,
	"dotheader": true, "doshow": true, "unshow": true, "noid": true, "symetric": true,
	"classes": true, "showraw": true, "edgeattr": true, "shift": true, "edgemerge": true,
	"showflag": true, "suffix": true, "debug": true,
}

// herd7Defaults are keys litmusls does not implement, with herd7's
// default value, which a cfg may spell out.
var herd7Defaults = map[string]string{
	"strictskip": "false", "optace": "iico", "archcheck": "true",
	"initwrites": "", "badexecs": "true", "badflag": "none", "dumpallfaults": "false",
	"restrict": "none", "hexa": "false", "outcomereads": "false", "machsize": "",
	"endian": "", "names": "", "oknames": "", "excl": "", "nonames": "",
	"rename": "", "kinds": "", "conds": "",
}

// readConf reads a herd7 configuration file: found as herd7 finds it
// (libFinder) when lookup is set (the -conf option and the "conf" key),
// taken as it is for "local-conf". Its keys are herd7 options.
func (o *herd7Options) readConf(name string, lookup bool) error {
	path := name
	if lookup {
		p, lib, ok := o.finder.find(name)
		if !ok || lib {
			return &herd7Error{fmt.Sprintf("%s: Cannot find file %s", o.prog, name)}
		}
		path = p
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return &herd7Error{fmt.Sprintf("%s: Cannot find file %s", o.prog, name)}
	}
	dir := filepath.Dir(path)
	for _, e := range lexHerd7Config(src) {
		bad := func(msg string) error {
			return &herd7Error{fmt.Sprintf("File %q, line %d, character %d: %s", path, e.line, e.char, msg)}
		}
		if e.key == "" {
			return bad("Unknown key in configuration file")
		}
		v := e.value
		switch e.key {
		case "conf":
			if err := o.readConf(v, true); err != nil {
				return err
			}
		case "local-conf":
			if err := o.readConf(filepath.Join(dir, v), false); err != nil {
				return err
			}
		case "model", "cat":
			o.model = v
		case "bell":
			o.bell = v
		case "macros":
			o.macros = v
		case "variant":
			if err := o.addVariants(v); err != nil {
				return bad(fmt.Sprintf("bad tags for variant: %s", v))
			}
		case "include":
			o.finder.includes = append(o.finder.includes, v)
		case "verbose":
			n, err := strconv.Atoi(v)
			if err != nil {
				return bad("integer parameter expected")
			}
			o.verbose = n
		case "timeout":
			if v == "none" {
				o.timeout = 0
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return bad("float parameter expected")
			}
			o.timeout = f
		case "speedcheck", "show", "through":
			opt := herd7Opts["-"+e.key]
			if checkArg(o.prog, "-"+e.key, opt, v) != nil {
				return bad(fmt.Sprintf("bad tags for %s, allowed tag are %s", e.key, strings.Join(opt.tags, ",")))
			}
			opt.set(o, v)
		case "nshow", "unroll":
			n, err := strconv.Atoi(v)
			if err != nil {
				if e.key == "unroll" && v == "none" {
					o.unroll = 0
					continue
				}
				return bad("integer parameter expected")
			}
			herd7Opts["-"+e.key].set(o, strconv.Itoa(n))
		case "skipchecks":
			herd7Opts["-skipchecks"].set(o, v)
		default:
			if herd7DisplayKeys[e.key] {
				if err := o.displayKey(e.key, v); err != nil {
					return bad(err.Error())
				}
				continue
			}
			if def, ok := herd7Defaults[e.key]; ok {
				if def != "" && strings.EqualFold(v, def) {
					continue
				}
				return bad(fmt.Sprintf("key '%s' is not supported by litmusls (only herd7's default, %q)", e.key, def))
			}
			return bad(fmt.Sprintf("Unknown key '%s' in configuration file", e.key))
		}
	}
	return nil
}

// A herd7CfgLine is one key of a configuration file, with where herd7's
// lexer stands after reading it (line, and character in the line).
type herd7CfgLine struct {
	key, value string // key "" for a line herd7 cannot read
	line, char int
}

// lexHerd7Config reads a configuration file as herd7's lexer
// (herd/lexConf_herd.mll) does: lines "key value" or "key = value", the
// key letters with at most one inner "-"; blank lines and lines starting
// with "#" skipped. It stops at the first line it cannot read.
func lexHerd7Config(src []byte) []herd7CfgLine {
	var out []herd7CfgLine
	lines := strings.SplitAfter(string(src), "\n")
	for i, raw := range lines {
		l := strings.TrimSuffix(raw, "\n")
		if strings.TrimLeft(l, " \t\r") == "" || strings.HasPrefix(l, "#") {
			continue
		}
		n := 0
		for n < len(l) && (isAlpha(l[n]) || (l[n] == '-' && n > 0 && n+1 < len(l) && isAlpha(l[n+1]) && !strings.Contains(l[:n], "-"))) {
			n++
		}
		key, rest := l[:n], l[n:]
		sep := strings.TrimLeft(rest, " \t\r")
		if strings.HasPrefix(sep, "=") {
			sep = strings.TrimLeft(sep[1:], " \t\r")
		} else if len(sep) == len(rest) {
			sep = "" // no blank after the key: no value
		}
		value := strings.TrimRight(sep, " \t\r")
		if key == "" || value == "" {
			out = append(out, herd7CfgLine{line: i + 1, char: 0})
			return out
		}
		out = append(out, herd7CfgLine{key: key, value: value, line: i + 1, char: len(raw)})
	}
	return out
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
