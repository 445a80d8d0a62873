package main

//go:generate env LITMUSLS_WRITE_DIGESTS=1 go test -run TestHerd7ModelDigests .

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	"github.com/litmusls/litmusls/syntax"
	syncat "github.com/litmusls/litmusls/syntax/cat"
)

func init() {
	commands["herd7"] = command{"run as herd7: its options, .cfg files, model lookup and output (also when the binary is named herd7)", runHerd7Cmd}
}

// herd7Version is what -version prints: the herd7 whose output litmusls
// reproduces, then litmusls's own version.
func herd7Version() string {
	return fmt.Sprintf("7.58+1, Rev: 5feffe4e8f98d93b60144a3cda322eba92dd9723 (litmusls %s)", version)
}

func runHerd7Cmd(args []string, stdout, stderr io.Writer) int {
	return runHerd7("herd7", args, os.Stdin, stdout, stderr)
}

// herd7Options are herd7's options that litmusls honours, after the
// command line and the .cfg files it names.
type herd7Options struct {
	prog       string
	model      string // -model/-cat or the cfg's "model": a name to find, or ""
	bell       string
	macros     string
	finder     libFinder
	variants   []string
	timeout    float64 // seconds; 0: none
	speed      string  // "false", "true" or "fast"
	show       string
	nshow      int
	through    string
	skipchecks map[string]bool
	unroll     int
	verbose    int
	jobs       int
	graph      string // the graph option given (-gv, -o DIR, -view X), or ""
	files      []string
}

// A herd7Error is a problem with the command line or a file it names:
// printed as is, exit status 2, before any test.
type herd7Error struct{ msg string }

func (e *herd7Error) Error() string { return e.msg }

// herd7Usage is herd7's usage line, printed after an option error.
const herd7Usage = " Usage: herd7 [options] [test]*"

// optKind is how an option takes its argument.
type optKind int

const (
	optNone optKind = iota
	optString
	optInt
	optFloat
	optTag
)

type herd7Opt struct {
	kind optKind
	tags []string // optTag: the values allowed
	set  func(o *herd7Options, v string) error
}

// herd7Opts are the options "litmusls herd7" accepts: herd7's spelling and
// meaning, and -j as an extension.
var herd7Opts map[string]herd7Opt

func init() {
	herd7Opts = map[string]herd7Opt{
		"-conf":  {optString, nil, func(o *herd7Options, v string) error { return o.readConf(v, true) }},
		"-model": {optString, nil, func(o *herd7Options, v string) error { o.model = v; return nil }},
		"-cat":   {optString, nil, func(o *herd7Options, v string) error { o.model = v; return nil }},
		"-bell":  {optString, nil, func(o *herd7Options, v string) error { o.bell = v; return nil }},
		"-macros": {optString, nil, func(o *herd7Options, v string) error {
			o.macros = v
			return nil
		}},
		"-I": {optString, nil, func(o *herd7Options, v string) error {
			o.finder.includes = append(o.finder.includes, v)
			return nil
		}},
		"-variant": {optString, nil, func(o *herd7Options, v string) error { return o.addVariants(v) }},
		"-timeout": {optFloat, nil, func(o *herd7Options, v string) error {
			o.timeout, _ = strconv.ParseFloat(v, 64)
			return nil
		}},
		"-speedcheck": {optTag, []string{"false", "true", "fast"}, func(o *herd7Options, v string) error { o.speed = strings.ToLower(v); return nil }},
		"-show":       {optTag, []string{"prop", "all", "neg", "cond", "none", "wit"}, func(o *herd7Options, v string) error { o.show = strings.ToLower(v); return nil }},
		"-nshow": {optInt, nil, func(o *herd7Options, v string) error {
			o.nshow, _ = strconv.Atoi(v)
			return nil
		}},
		"-through": {optTag, []string{"all", "invalid", "none"}, func(o *herd7Options, v string) error { o.through = strings.ToLower(v); return nil }},
		"-skipchecks": {optString, nil, func(o *herd7Options, v string) error {
			for _, n := range strings.Split(v, ",") {
				if n = strings.TrimSpace(n); n != "" {
					o.skipchecks[n] = true
				}
			}
			return nil
		}},
		"-skipcheck": {optString, nil, func(o *herd7Options, v string) error { o.skipchecks[v] = true; return nil }},
		"-unroll": {optInt, nil, func(o *herd7Options, v string) error {
			o.unroll, _ = strconv.Atoi(v)
			return nil
		}},
		"-q": {optNone, nil, func(o *herd7Options, v string) error { o.verbose = -1; return nil }},
		"-v": {optNone, nil, func(o *herd7Options, v string) error { o.verbose = max(o.verbose, 0) + 1; return nil }},
		"-j": {optInt, nil, func(o *herd7Options, v string) error {
			n, _ := strconv.Atoi(v)
			if n < 1 {
				return &herd7Error{fmt.Sprintf("Error: %s: wrong argument '%s'; option '-j' expects a positive integer.\n%s", o.prog, v, herd7Usage)}
			}
			o.jobs = n
			return nil
		}},
		"-set-libdir": {optString, nil, func(o *herd7Options, v string) error { o.finder.libdir = v; return nil }},
		"-gv":         {optNone, nil, func(o *herd7Options, v string) error { o.graph = "-gv"; return nil }},
		"-o":          {optString, nil, func(o *herd7Options, v string) error { o.graph = "-o " + v; return nil }},
		"-view":       {optTag, []string{"gv", "evince", "preview"}, func(o *herd7Options, v string) error { o.graph = "-view " + v; return nil }},
	}
}

// runHerd7 runs "herd7 ARGS" as herd7 does: options first applied in
// order (a -conf file's keys where it stands), then each test named on
// the command line, or, with none, each file named on a line of stdin
// (empty lines and lines starting with "#" skipped); a name starting with
// "@" is a file of such names. Each test prints herd7's text, with the
// Time line (litmusls's own time); a test herd7 rejects
// prints "Warning: File "NAME": MESSAGE (User error)" on stderr and the
// run goes on. The Hash line is herd7's own digest of the test
// (herd7_hash.go), or absent where litmusls cannot compute it exactly.
// Exit status 0 when every test ran, as herd7's; 2 for a bad option or
// model file (before any test), as herd7's; 1 when a test hit a limit of
// litmusls (a construct it cannot check, a model error).
func runHerd7(prog string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseHerd7Args(prog, args, stdout)
	if err == errHelped {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if o.graph != "" {
		fmt.Fprintf(stderr, "%s: %s: graph output is not supported by litmusls yet\n", prog, o.graph)
		return 2
	}
	if o.nshow > 0 && o.show != "none" {
		// herd7 stops its enumeration once it has drawn N executions:
		// the result then depends on herd7's own order.
		fmt.Fprintf(stderr, "%s: -nshow with -show %s stops herd7 after %d drawn executions, in herd7's order, which litmusls does not reproduce\n", prog, o.show, o.nshow)
		return 2
	}
	run, err := o.prepare()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	names, err := herd7Inputs(o.files, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 2
	}
	return run.all(names, stdout, stderr)
}

// errHelped says -help printed the usage: exit 0.
var errHelped = fmt.Errorf("help")

// parseHerd7Args reads herd7's command line: "-opt" or "-opt VALUE"; any
// other word is a test.
func parseHerd7Args(prog string, args []string, stdout io.Writer) (*herd7Options, error) {
	o := &herd7Options{prog: prog, speed: "false", show: "none", through: "none", skipchecks: map[string]bool{}, jobs: runtime.GOMAXPROCS(0)}
	o.finder.herdlib = os.Getenv("HERDLIB")
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-help", "--help":
			fmt.Fprintln(stdout, herd7Help())
			return nil, errHelped
		case "-version":
			fmt.Fprintln(stdout, herd7Version())
			return nil, errHelped
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			o.files = append(o.files, a)
			continue
		}
		opt, ok := herd7Opts[a]
		if !ok {
			return nil, &herd7Error{fmt.Sprintf("Error: %s: unknown option '%s'.\n%s", prog, a, herd7Usage)}
		}
		v := ""
		if opt.kind != optNone {
			if i+1 >= len(args) {
				return nil, &herd7Error{fmt.Sprintf("Error: %s: option '%s' needs an argument.\n%s", prog, a, herd7Usage)}
			}
			i++
			v = args[i]
			if err := checkArg(prog, a, opt, v); err != nil {
				return nil, err
			}
		}
		if err := opt.set(o, v); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// checkArg checks an option's argument as OCaml's Arg and herd7's tag
// parsers do, with their messages.
func checkArg(prog, name string, opt herd7Opt, v string) error {
	bad := func(what string) error {
		return &herd7Error{fmt.Sprintf("Error: %s: wrong argument '%s'; option '%s' expects %s.\n%s", prog, v, name, what, herd7Usage)}
	}
	switch opt.kind {
	case optInt:
		if _, err := strconv.Atoi(v); err != nil {
			return bad("an integer")
		}
	case optFloat:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return bad("a float")
		}
	case optTag:
		for _, t := range opt.tags {
			if strings.EqualFold(t, v) {
				return nil
			}
		}
		return &herd7Error{fmt.Sprintf("Error: %s: bad tag for %s, allowed tag are %s.\n%s", prog, name, strings.Join(opt.tags, ","), herd7Usage)}
	}
	return nil
}

// herd7Help is what -help prints: the options litmusls honours.
func herd7Help() string {
	return `Usage: herd7 [options] [test]*

litmusls runs as herd7 (herd7's output, its exit statuses, its .cfg files).
Options honoured:
  -conf <name>          read configuration file <name>
  -model <name>, -cat <name>  select the cat model
  -bell <name>          read bell file <name>
  -macros <name>        read macro (.def) file <name>
  -I <dir>              add <dir> to the search path for model files
  -set-libdir <path>    use <path> as herd7's library directory
  -variant <tags>       select variants (lkmmv2 for the kernel's model)
  -timeout <float>      time limit per test, in seconds: no output on expiry
  -speedcheck <false|true|fast>  decide the condition only
  -show <prop|all|neg|cond|none|wit>, -nshow <n>  executions to draw (accepted)
  -through <all|invalid|none>    let executions failing checks through
  -skipchecks <names>, -skipcheck <name>  do not apply these checks
  -unroll <n>           loop unrolling bound (accepted: litmusls rejects loops)
  -v, -q                say which model runs on stderr / be quiet
  -version              print the version
  -j <n>                litmusls: tests checked in parallel
  -gv, -o <dir>, -view <v>  graph output: not supported yet`
}

// addVariants adds comma-separated variant tags, which must be herd7's.
func (o *herd7Options) addVariants(v string) error {
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !herd7Variant(t) {
			return &herd7Error{fmt.Sprintf("Error: %s: tag %s for -variant is wrong, allowed tags are %s.\n%s", o.prog, t, strings.Join(herd7Variants, ","), herd7Usage)}
		}
		o.variants = append(o.variants, t)
	}
	return nil
}

// herd7Variants are the variant tags herd7 7.58+1 accepts (herd7
// -variant with a bad tag lists them), matched without regard to case;
// "T[0-9][0-9]" stands for T00 to T99.
var herd7Variants = strings.Split("success,instr,specialx0,normw,acqrelasfence,backcompat,FullScDepend,SplittedRMW,SwitchDepScWrite,SwitchDepScResult,LrScDiffOk,NotWeakPredicated,lkmmv1,lkmmv2,CutOff,Morello,Deps,Instances,OptRfRMW,ConstrainedUnpredictable,exp,cos-opt,test,T[0-9][0-9],ASL,ASL+AArch64,ASLv0,ASLv1,S128,strict,warn,ASLType+Warn,ASLType+Silence,ASLType+Check,ASL+AArch64+UDF,telechat,OldSolver,oota,ets,ets2,ets3,exs,eis,eos,dic,idc,NV2,mixed,unaligned,DontCheckMixed,ifetch,vmsa,NoPteBranch,pte-squared,d128,Neon,sve,sve:128,sme,sme:128,pauth1,pauth2,const-pac-field,fpac,memtag,store-only,shadowstack,no-key-da,no-key-db,no-key-ia,no-key-ib,synchronous,asynchronous,asymmetric,handled,fatal,faultToNext", ",")

func herd7Variant(t string) bool {
	if len(t) == 3 && (t[0] == 'T' || t[0] == 't') && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' && t[2] <= '9' {
		return true
	}
	for _, v := range herd7Variants {
		if strings.EqualFold(v, t) {
			return true
		}
	}
	return false
}

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

// A herd7Run is a resolved configuration: the model for each dialect and
// how to check.
type herd7Run struct {
	o *herd7Options
	// model is the model named by the options, or nil (herd7's default
	// for each architecture: bpf.cat for BPF, nothing litmusls has for C).
	model *herd7Model
	// macros is the .def file found, or "".
	macros    string
	macrosErr string          // why the .def named cannot be read, or ""
	defined   map[string]bool // the names the .def defines; nil without one
	// lowerBy are the .def's macros, which lower the C tests under an
	// interpreted model; nil without a .def.
	lowerBy *checker.Macros
	// kernelDef: the .def is the kernel's linux-kernel.def, comments and
	// layout aside, which the compiled LKMM's lowering implements.
	kernelDef bool
	// rmw are the names the .def defines as read-modify-writes.
	rmw map[string]bool
}

// A herd7Model is a model the options name: the compiled model it is
// identical to, or the interpreter over its files.
type herd7Model struct {
	files    *modelFiles
	compiled string     // "lkmm" or "bpf" when identical to a compiled model
	interp   *cat.Model // otherwise
	notes    []string
	// defDiffers: the cat and bell files are the compiled LKMM's but the
	// .def is not the kernel's, so the interpreter runs them.
	defDiffers bool
}

// prepare finds and reads the macros and the model: the macros first,
// since they decide whether the compiled LKMM may stand for the model.
func (o *herd7Options) prepare() (*herd7Run, error) {
	r := &herd7Run{o: o}
	if o.macros != "" {
		if err := r.readMacros(); err != nil {
			return nil, err
		}
	}
	if o.model != "" {
		m, err := o.readModel(r)
		if err != nil {
			return nil, err
		}
		r.model = m
	}
	return r, nil
}

// readMacros finds and reads the .def file the options name.
func (r *herd7Run) readMacros() error {
	o := r.o
	// herd7 reads the macros for each C test: a file it cannot find is
	// that test's warning.
	p, lib, ok := o.finder.find(o.macros)
	if !ok || lib {
		r.macrosErr = "Cannot find file " + o.macros
		return nil
	}
	src, err := os.ReadFile(p)
	if err != nil {
		r.macrosErr = err.Error()
		return nil
	}
	f, errs := syncat.ParseMacros(p, src)
	if len(errs) > 0 {
		return &herd7Error{strings.TrimSuffix(errs.Format(f.Lines), "\n")}
	}
	ms, err := cat.ReadMacros(p, func(string) ([]byte, error) { return src, nil })
	if err != nil {
		return &herd7Error{err.Error()}
	}
	r.macros = p
	r.lowerBy = ms
	r.kernelDef = macrosDigest(f, src) == compiledMacroDigests["lkmm"]
	r.defined = map[string]bool{}
	r.rmw = map[string]bool{}
	for _, m := range f.Macros {
		r.defined[m.Name.Name] = true
		for _, c := range m.Calls() {
			if slices.Contains(rmwCore, c.Name.Name) {
				r.rmw[m.Name.Name] = true
			}
		}
	}
	return nil
}

// readModel finds and reads the model the options name.
func (o *herd7Options) readModel(r *herd7Run) (*herd7Model, error) {
	filter := &checkFilter{skip: o.skipchecks, through: o.through != "none"}
	files, err := resolveModel(&o.finder, o.model, o.bell, filter)
	if err != nil {
		return nil, &herd7Error{fmt.Sprintf("%s: %v", o.prog, err)}
	}
	m := &herd7Model{files: files}
	if files.digest != "" {
		m.compiled = compiledModel(files.digest)
	}
	if m.compiled != "" && !compiledVariants(m.compiled, o.variants) {
		// The same files under other variants: the kernel's bell flags
		// a run without lkmmv2, so the compiled model is not that run.
		m.compiled = ""
	}
	if m.compiled == "lkmm" && r.lowerBy != nil && !r.kernelDef {
		// The kernel's cat and bell with a .def of one's own: the
		// compiled lowering is the kernel's .def, so the interpreter
		// runs, lowering by the user's.
		m.compiled, m.defDiffers = "", true
	}
	if m.compiled == "" {
		if len(files.library) > 0 {
			return nil, &herd7Error{fmt.Sprintf("%s: the model differs from the models litmusls compiles, and it reads %s from herd7's library, which litmusls does not ship: give the directory that holds %s with -I or $HERDLIB",
				o.prog, strings.Join(files.library, ", "), plural(len(files.library), "it", "them"))}
		}
		read := func(p string) ([]byte, error) {
			if t, ok := files.texts[cleanAbs(p)]; ok {
				return t, nil
			}
			return os.ReadFile(p)
		}
		im, err := newCatModel(files.cat, cat.Options{Bell: files.bell, Variants: o.variants, Include: o.finder.dirs(), ReadFile: read, Macros: r.lowerBy})
		if err != nil {
			return nil, &herd7Error{err.Error()}
		}
		m.interp = im
	}
	return m, nil
}

// compiledVariants reports whether the compiled model named runs with the
// variants vs: the LKMM with lkmmv2 and no other (herd7 reads the
// variants in the kernel's bell and in its C semantics), bpf.cat's model
// with none.
func compiledVariants(model string, vs []string) bool {
	set := map[string]bool{}
	for _, v := range vs {
		set[strings.ToLower(v)] = true
	}
	if model == "lkmm" {
		return len(set) == 1 && set["lkmmv2"]
	}
	return len(set) == 0
}

// lowersByMacros reports whether C tests are lowered by the .def's macros:
// under an interpreted model given a .def.
func (r *herd7Run) lowersByMacros() bool {
	return r.lowerBy != nil && r.model != nil && r.model.interp != nil
}

// rmwCore are the core operations of a .def body that make a
// read-modify-write, which herd7 lowers differently without lkmmv2 (it
// wraps the fully ordered ones in Mb fences, see ../shared/model's
// README); litmusls lowers them as lkmmv2 does.
var rmwCore = []string{"__xchg", "__cmpxchg", "__atomic_op", "__atomic_fetch_op", "__atomic_add_unless"}

// describe is what -v says about the model that runs for dialect d.
func (r *herd7Run) describe(d syntax.Dialect) string {
	m := r.model
	var files []string
	if m != nil {
		lib := map[string]bool{}
		for _, f := range m.files.library {
			lib[f] = true
		}
		seen := map[string]bool{}
		for _, f := range m.files.files {
			if !seen[f] {
				seen[f] = true
				if lib[f] {
					f += " from herd7's library"
				}
				files = append(files, f)
			}
		}
	}
	switch {
	case m == nil && d == syntax.DialectBPF:
		return "model: compiled bpf.cat (herd7's default for BPF)"
	case m == nil:
		return "model: none (herd7's default for C, c11_partialSC.cat, is not one litmusls has)"
	case m.compiled != "":
		if r.macros != "" && d == syntax.DialectC {
			files = append(files, r.macros)
		}
		return fmt.Sprintf("model: compiled %s (%s: identical to the model litmusls compiles, comments and layout aside)", strings.ToUpper(m.compiled), strings.Join(files, ", "))
	}
	s := fmt.Sprintf("model: interpreted %s (%s)", m.files.cat, strings.Join(files, ", "))
	if r.lowerBy != nil && d == syntax.DialectC {
		s += ", tests lowered by " + r.macros
		if m.defDiffers {
			s += " (it differs from the kernel's linux-kernel.def)"
		}
	}
	if r.o.through != "none" || len(r.o.skipchecks) > 0 {
		s += fmt.Sprintf(" with -through %s, -skipchecks %s", r.o.through, strings.Join((&checkFilter{skip: r.o.skipchecks}).names(), ","))
	}
	return s
}

// herd7Inputs lists the tests to run: the names given, or those read from
// stdin; "@FILE" names a file of names, relative to its directory, as
// herd7's Misc.fold_argv_or_stdin.
func herd7Inputs(names []string, stdin io.Reader) ([]string, error) {
	var out []string
	var add func(name string) error
	readList := func(r io.Reader, dir string) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if dir != "." && !filepath.IsAbs(line) {
				line = filepath.Join(dir, line)
			}
			if err := add(line); err != nil {
				return err
			}
		}
		return sc.Err()
	}
	add = func(name string) error {
		if strings.HasPrefix(filepath.Base(name), "@") {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			return readList(f, filepath.Dir(name))
		}
		out = append(out, name)
		return nil
	}
	if len(names) == 0 {
		if err := readList(stdin, "."); err != nil {
			return nil, err
		}
		return out, nil
	}
	for _, n := range names {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// A herd7Result is what one test prints.
type herd7Result struct {
	out, errs bytes.Buffer
	status    int
}

// all checks the tests, -j at a time, and prints each one's text in
// order.
func (r *herd7Run) all(names []string, stdout, stderr io.Writer) int {
	outs := make([]chan *herd7Result, len(names))
	sem := make(chan struct{}, r.o.jobs)
	var said sync.Map
	for i, name := range names {
		outs[i] = make(chan *herd7Result, 1)
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res := &herd7Result{}
			if err := contain(func() { r.one(name, res, &said) }); err != nil {
				res.out.Reset()
				res.errs.Reset()
				reportFailure(&res.errs, name, err)
				res.status = 1
			}
			outs[i] <- res
		}()
	}
	status := 0
	for i := range names {
		res := <-outs[i]
		stderr.Write(res.errs.Bytes())
		if _, err := stdout.Write(res.out.Bytes()); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", r.o.prog, err)
			return 1
		}
		status = max(status, res.status)
	}
	return status
}

// one checks one test into res.
func (r *herd7Run) one(name string, res *herd7Result, said *sync.Map) {
	warn := func(msg string) {
		fmt.Fprintf(&res.errs, "Warning: File %q: %s (User error)\n", name, msg)
	}
	src, err := os.ReadFile(name)
	if err != nil {
		// herd7: a warning, and the run goes on.
		fmt.Fprintf(&res.errs, "Warning: File %q: %s\n", name, herd7OpenError(err))
		return
	}
	callInputHook(name)
	start := time.Now()
	f, perrs := syntax.Parse(name, src)
	if r.lowersByMacros() {
		// The .def says which calls there are, not litmusls's table of
		// kernel primitives: lowering reports a call it lacks.
		perrs = slices.DeleteFunc(perrs, func(e *syntax.Error) bool { return e.Primitive })
	}
	if len(perrs) > 0 {
		if prim, ok := strings.CutPrefix(perrs[0].Msg, "unknown primitive "); ok {
			if r.defined[prim] {
				// Only under the compiled LKMM, whose .def is the
				// kernel's: every primitive of that file is litmusls's.
				fmt.Fprintf(&res.errs, "%s: %s: %s is defined in %s, but is not a primitive litmusls can lower\n", r.o.prog, name, prim, r.macros)
				res.status = 1
				return
			}
			warn("Unknown macro " + prim)
			return
		}
		// A syntax error is the test's, as for herd7 (whose words
		// differ): a warning, and the run goes on with exit status 0.
		p := f.Lines.Position(perrs[0].Span.Start)
		end := f.Lines.Position(max(perrs[0].Span.End, perrs[0].Span.Start+1))
		last := end.Column - 1
		if end.Line != p.Line {
			last = p.Column
		}
		fmt.Fprintf(&res.errs, "Warning: File %q, line %d, characters %d-%d: %s (User error)\n", name, p.Line, p.Column-1, last, perrs[0].Msg)
		return
	}
	if r.o.verbose > 0 {
		if _, dup := said.LoadOrStore(f.Dialect, true); !dup {
			fmt.Fprintf(&res.errs, "%s: %s\n", r.o.prog, r.describe(f.Dialect))
		}
	}
	if f.Dialect == syntax.DialectC && r.macrosErr != "" {
		fmt.Fprintf(&res.errs, "Warning: File %q: %s\n", name, r.macrosErr)
		return
	}
	if f.Dialect == syntax.DialectC {
		switch u, stmt := undefinedCall(f, r.defined); {
		case u == "":
		case r.defined != nil:
			warn("Unknown macro " + u)
			return
		case stmt:
			// No .def: herd7's C semantics has no kernel primitives.
			fmt.Fprintf(&res.errs, "Warning: File %q: Procedure call %s in CSem\n", name, u)
			return
		default:
			fmt.Fprintf(&res.errs, "Warning: File %q: Macro call %s in CSem\n", name, u)
			return
		}
	}
	v2 := false
	for _, v := range r.o.variants {
		v2 = v2 || strings.EqualFold(v, "lkmmv2")
	}
	if f.Dialect == syntax.DialectC {
		for _, c := range testCalls(f) {
			if r.rmw[c.name] && !v2 {
				fmt.Fprintf(&res.errs, "%s: %s: %s: without -variant lkmmv2 herd7 lowers read-modify-writes as lkmmv1 does, which litmusls does not\n", r.o.prog, name, c.name)
				res.status = 1
				return
			}
		}
	}
	opts := checker.Options{Timeout: time.Duration(r.o.timeout * float64(time.Second))}
	var guard *guardedModel
	switch m := r.model; {
	case m == nil && f.Dialect == syntax.DialectC:
		fmt.Fprintf(&res.errs, "%s: %s: no model for C tests: give -conf linux-kernel.cfg, or -cat (herd7's default c11_partialSC.cat is not one litmusls has)\n", r.o.prog, name)
		res.status = 1
		return
	case m == nil:
	case m.compiled == "lkmm" && f.Dialect == syntax.DialectC:
		opts.Model = &checker.LKMM{}
	case m.compiled == "bpf" && f.Dialect == syntax.DialectBPF:
		opts.Model = &checker.BPF{}
	case m.interp != nil:
		guard = &guardedModel{m: m.interp}
		opts.Model = guard
	default:
		// A compiled model run on the other dialect's tests: the
		// interpreter has its files, but not all of them may be readable
		// (herd7's library); say so rather than guess.
		fmt.Fprintf(&res.errs, "%s: %s: the %s model on a %s test is not supported by litmusls\n", r.o.prog, name, strings.ToUpper(m.compiled), f.Dialect)
		res.status = 1
		return
	}
	var result *checker.Result
	switch r.o.speed {
	case "true":
		result, err = checker.Speedcheck(context.Background(), f, opts, checker.SpeedTrue)
	case "fast":
		result, err = checker.Speedcheck(context.Background(), f, opts, checker.SpeedFast)
	default:
		result, err = checker.Check(context.Background(), f, opts)
	}
	if guard != nil && guard.failed() != nil {
		fmt.Fprintf(&res.errs, "%v (while judging %s)\n", guard.failed(), name)
		res.status = 1
		return
	}
	if err != nil {
		panic(err)
	}
	if len(result.Errors) > 0 {
		e := result.Errors[0]
		if prim, ok := strings.CutPrefix(e.Msg, "unknown primitive "); ok {
			warn("Unknown macro " + prim)
			return
		}
		if strings.HasPrefix(e.Msg, "Unknown macro ") || strings.HasPrefix(e.Msg, "Argument mismatch for macro ") {
			// The lowering by the .def, in herd7's words.
			warn(e.Msg)
			return
		}
		fmt.Fprintf(&res.errs, "%s: %s\n", f.Lines.Position(e.Span.Start), e.Msg)
		res.status = 1
		return
	}
	if result.Cutoff {
		// herd7 prints nothing for a test its -timeout stops.
		return
	}
	var text bytes.Buffer
	checker.WriteHerd(&text, result, time.Since(start).Seconds())
	out := text.Bytes()
	if h, ok := herd7Hash(f, src); ok {
		// herd7 prints its hash of the test after the Time line, before
		// the empty line that ends the test's text.
		out = append(bytes.TrimSuffix(out, []byte("\n")), []byte("Hash="+h+"\n\n")...)
	}
	res.out.Write(out)
}

// herd7OpenError is herd7's message for an unreadable test: OCaml's
// "open_in failed: NAME: Strerror".
func herd7OpenError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if msg != "" {
			msg = strings.ToUpper(msg[:1]) + msg[1:]
		}
		return fmt.Sprintf("open_in failed: %s: %s", pe.Path, msg)
	}
	return err.Error()
}

// undefinedCall returns the first primitive f calls that defined lacks
// (every call when defined is nil), or "", and whether the call is a
// statement of its own: herd7 expands every call of a C test from the
// .def file, and rejects one it does not define ("Unknown macro NAME");
// with no .def at all, its C semantics rejects the first call.
func undefinedCall(f *syntax.File, defined map[string]bool) (string, bool) {
	for _, c := range testCalls(f) {
		if !defined[c.name] {
			return c.name, c.stmt
		}
	}
	return "", false
}

// A testCall is a call in a test's code: the name called, and whether
// the call is a statement of its own.
type testCall struct {
	name string
	stmt bool
}

// testCalls lists the calls of f's threads, in order.
func testCalls(f *syntax.File) []testCall {
	var out []testCall
	visit := func(e syntax.Expr, top bool) {
		syntax.InspectExpr(e, func(x syntax.Expr) {
			if c, ok := x.(*syntax.CallExpr); ok && c.Fun != nil {
				out = append(out, testCall{c.Fun.Name, top && x == e})
			}
		})
	}
	var stmt func(s syntax.Stmt)
	stmt = func(s syntax.Stmt) {
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, t := range s.Stmts {
				stmt(t)
			}
		case *syntax.DeclStmt:
			visit(s.Value, false)
		case *syntax.ExprStmt:
			visit(s.X, true)
		case *syntax.IfStmt:
			visit(s.Cond, false)
			stmt(s.Then)
			if s.Else != nil {
				stmt(s.Else)
			}
		case *syntax.WhileStmt:
			visit(s.Cond, false)
			stmt(s.Body)
		}
	}
	for _, t := range f.Threads {
		if t.Body != nil {
			stmt(t.Body)
		}
	}
	return out
}
