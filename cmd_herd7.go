package main

//go:generate env LITMUSLS_WRITE_DIGESTS=1 go test -run TestHerd7ModelDigests .

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/checker/graph"
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
	gr         herd7Graph // the graph options (herd7_graph.go)
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
	optBool
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
		// The graph options are herd7_graph.go's.
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
	o := &herd7Options{prog: prog, speed: "false", show: "none", through: "none", skipchecks: map[string]bool{}, jobs: runtime.GOMAXPROCS(0), gr: herd7Graph{style: graph.HerdStyle()}}
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
	case optBool:
		if v != "true" && v != "false" {
			return bad("a boolean")
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
  -show <prop|all|neg|cond|none|wit>, -showflag <flag>  executions to draw
  -nshow <n>, -showone <bool>  draw the first <n> (herd7 then stops early:
                        litmusls prints the full run and says so)
  -o <dir>, -o -        write the drawings to <dir>/<test>.dot, or stdout
  -suffix <s>           add <s> to the drawings' file names
  -gv, -evince, -preview, -view <v>  render with Graphviz and show them
  -showinitwrites, -showinitrf, -showpo, -showlegend <bool>  what to draw
  -through <all|invalid|none>    let executions failing checks through
  -skipchecks <names>, -skipcheck <name>  do not apply these checks
  -unroll <n>           loop unrolling bound (accepted: litmusls rejects loops)
  -v, -q                say which model runs on stderr / be quiet
  -version              print the version
  -j <n>                litmusls: tests checked in parallel`
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
