package bpfc

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file reads one C file: its annotations, its globals (the shared
// locations) and its annotated thread functions; consteval.go evaluates
// its constants.

// A unit is one parsed C file.
type unit struct {
	name    string
	src     []byte // as read
	lines   *syntax.Lines
	root    *cnode
	annots  []*annot
	globals []*global          // in declaration order; structs flattened to their fields
	byName  map[string]*global // by C path ("x", "g.cnt")
	aggs    map[string]bool    // C paths of struct objects ("g")
	structs map[string]*cnode  // struct name → field_declaration_list
	types   map[string]*cnode  // typedef name → the type it names
	consts  map[string]int64   // #define NAME number, enumerators
	maps    map[string]bool    // names of BPF map definitions
	funcs   map[string]*cnode  // function definitions by name, for inlining
	arrays  map[string]int     // global arrays of scalars by C path, with their length
	macros  map[string]string  // object-like macros: name → body
	fmacros map[string]*fmacro // function-like macros by name
	externs map[string]bool    // extern variables (__kconfig ones included): values for "litmus: param"
	threads []*threadDef
	atomicH bool // includes bpf_atomic.h, whose smp_mb() is a __sync_fetch_and_add
	// bpf: a BPF program, which clang builds with -mcpu (it includes
	// bpf_helpers.h or vmlinux.h, or places code with SEC()), as opposed
	// to user space, built for the host.
	bpf bool
	vol bool // the globals add records now are volatile-qualified
}

// A global is one shared location: a global scalar, or one scalar field of
// a global struct.
type global struct {
	path     string // C path: "x", "g.cnt"
	name     string // the location's name in the litmus test, set per scenario
	lock     bool   // a bpf_spin_lock (or a lock used as one)
	init     int64
	decl     Loc    // the declaration
	reason   string // why it cannot be a location ("an array"), or ""
	volatile bool   // declared volatile (or a field of a volatile struct): its accesses are marked
	perCPU   bool   // a per-CPU map: no two threads share it
}

// A threadDef is a function annotated as a thread.
type threadDef struct {
	name string // from the annotation, or the function's name
	fn   *cnode
	ann  *annot
	u    *unit
}

// blankMacros are macros BPF C puts on declarations that tree-sitter
// cannot parse as C, each mapped to whether it takes arguments; blank
// replaces them (and their parenthesised arguments) by spaces, keeping
// every byte offset.
var blankMacros = map[string]bool{
	"SEC": true, "__attribute__": true, "__attribute": true, "private": true, "__section": true,
	"__uint": true, "__type": true, "__array": true, "__ulong": true, "__aligned": true,
	"__hidden": false, "__weak": false, "__always_inline": false, "__noinline": false, "__ksym": false,
	"__kconfig": false, "__arena": false, "__kptr": false, "__percpu_kptr": false, "__used": false,
	"__naked": false, "__arg_ctx": false, "__arg_nonnull": false, "__arg_arena": false,
	"__arg_trusted": false, "__arg_untrusted": false, "__rcu": false, "__must_check": false,
	"__maybe_unused": false, "__contains": true, "__tag": true, "__ksym_weak": false,
	// Annotations of the verifier selftests (bpf_misc.h).
	"__success": false, "__failure": false, "__msg": true, "__retval": true, "__log_level": true,
	"__description": true, "__flag": true, "__auxiliary": false, "__xlated": true, "__jited": true,
	"__arch_x86_64": false, "__arch_arm64": false, "__arch_riscv64": false, "__success_unpriv": false,
	"__failure_unpriv": false, "__msg_unpriv": true, "__retval_unpriv": true, "__not_msg": true,
	"__caps_unpriv": true, "__load_if_JITed": false, "__btf_path": true, "__arch": true,
}

// blank returns a copy of src with the declaration macros of blankMacros
// replaced by spaces (newlines kept). Comments and strings are skipped.
func blank(src []byte) []byte {
	out := append([]byte(nil), src...)
	i := 0
	lineStart := true
	for i < len(out) {
		if lineStart {
			// Preprocessor lines (with their continuations) are left alone:
			// a #define of one of these macros must keep its name.
			j := i
			for j < len(out) && (out[j] == ' ' || out[j] == '\t') {
				j++
			}
			if j < len(out) && out[j] == '#' {
				for j < len(out) && !(out[j] == '\n' && out[j-1] != '\\') {
					j++
				}
				i = j
				continue
			}
		}
		lineStart = out[i] == '\n'
		switch b := out[i]; {
		case b == '/' && i+1 < len(out) && out[i+1] == '/':
			for i < len(out) && out[i] != '\n' {
				i++
			}
		case b == '/' && i+1 < len(out) && out[i+1] == '*':
			i += 2
			for i+1 < len(out) && !(out[i] == '*' && out[i+1] == '/') {
				i++
			}
			i += 2
		case b == '"' || b == '\'':
			i++
			for i < len(out) && out[i] != b && out[i] != '\n' {
				if out[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z':
			j := i
			for j < len(out) && isIdentByte(out[j]) {
				j++
			}
			word := string(out[i:j])
			args, ok := blankMacros[word]
			if !ok {
				i = j
				continue
			}
			end := j
			if args {
				k := j
				for k < len(out) && (out[k] == ' ' || out[k] == '\t') {
					k++
				}
				if k >= len(out) || out[k] != '(' {
					i = j
					continue
				}
				end = matchParen(out, k)
			}
			for k := i; k < end; k++ {
				if out[k] != '\n' {
					out[k] = ' '
				}
			}
			i = end
		default:
			i++
		}
	}
	return out
}

func isIdentByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// matchParen returns the offset just past the ')' matching the '(' at
// open, skipping strings; or len(b) if there is none.
func matchParen(b []byte, open int) int {
	depth := 0
	for i := open; i < len(b); i++ {
		switch b[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			for i++; i < len(b) && b[i] != '"' && b[i] != '\n'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case ';', '{', '}':
			return i // an unbalanced macro: stop at the statement's end
		}
	}
	return len(b)
}

// bpfProgram matches the marks of a BPF program's source: the headers
// only BPF programs include, or a SEC() placement.
var bpfProgram = regexp.MustCompile(`#\s*include\s*[<"](bpf/bpf_helpers\.h|vmlinux\.h)[>"]|\bSEC\s*\(`)

// readUnit parses one C file.
func readUnit(name string, src []byte, notes *[]Note) (*unit, error) {
	root, err := parseC(blank(src))
	if err != nil {
		return nil, err
	}
	u := &unit{
		name: name, src: src, lines: syntax.NewLines(name, src), root: root, bpf: bpfProgram.Match(src),
		byName: map[string]*global{}, aggs: map[string]bool{}, structs: map[string]*cnode{}, types: map[string]*cnode{}, consts: map[string]int64{}, maps: map[string]bool{}, funcs: map[string]*cnode{}, arrays: map[string]int{}, macros: map[string]string{}, fmacros: map[string]*fmacro{}, externs: map[string]bool{},
	}
	u.annots = annotations(root, src, name, notes)

	walk(root, func(n *cnode) bool {
		switch n.Type {
		case "struct_specifier":
			if name, body := n.child("name"), n.child("body"); name != nil && body != nil {
				u.structs[name.text(src)] = body
			}
		case "type_definition":
			if typ := n.child("type"); typ != nil {
				for _, d := range n.children("declarator") {
					if d.Type == "type_identifier" {
						u.types[d.text(src)] = typ
					}
				}
			}
		case "enumerator_list":
			next := int64(0)
			for _, e := range n.named() {
				if e.Type != "enumerator" {
					continue
				}
				if v := e.child("value"); v != nil {
					if k, ok := u.constValue(v, 0); ok {
						next = k
					}
				}
				u.consts[e.child("name").text(src)] = next
				next++
			}
		case "preproc_include":
			if p := n.child("path"); p != nil && strings.Contains(p.text(src), "bpf_atomic.h") {
				u.atomicH = true
			}
		case "preproc_function_def":
			if nm, v := n.child("name"), n.child("value"); nm != nil && v != nil {
				m := &fmacro{body: strings.TrimSpace(v.text(src))}
				if ps := n.child("parameters"); ps != nil {
					for _, p := range ps.named() {
						m.params = append(m.params, p.text(src))
					}
				}
				u.fmacros[nm.text(src)] = m
			}
		case "preproc_def":
			if v := n.child("value"); v != nil {
				u.macros[n.child("name").text(src)] = strings.TrimSpace(v.text(src))
			}
		case "function_definition":
			return false
		}
		return true
	})
	// Macros whose body is an integer constant expression are constants.
	for name, body := range u.macros {
		if _, ok := u.consts[name]; !ok {
			if k, ok := u.macroValue(body, 0); ok {
				u.consts[name] = k
			}
		}
	}
	for _, n := range topLevel(root) {
		if n.Type == "declaration" {
			u.declaration(n, notes)
		}
	}
	u.findThreads(notes)
	return u, nil
}

// topLevel returns the top-level nodes, looking into the ERROR nodes that
// recovery wraps around code it could not parse.
func topLevel(root *cnode) []*cnode {
	var out []*cnode
	for _, n := range root.Kids {
		if n.Type == "ERROR" {
			out = append(out, topLevel(n)...)
			continue
		}
		out = append(out, n)
	}
	return out
}

// declaration records the globals one top-level declaration declares.
func (u *unit) declaration(n *cnode, notes *[]Note) {
	for _, k := range n.Kids {
		if k.Type == "storage_class_specifier" {
			switch k.text(u.src) {
			case "typedef":
				return
			case "extern":
				for _, d := range n.children("declarator") {
					if name := declName(d, u.src); name != "" {
						u.externs[name] = true
					}
				}
				return
			}
		}
	}
	typ := n.child("type")
	u.vol = hasVolatile(n, u.src)
	defer func() { u.vol = false }()
	for _, d := range n.children("declarator") {
		var value *cnode
		if d.Type == "init_declarator" {
			value = d.child("value")
			d = d.child("declarator")
		}
		if d == nil {
			continue
		}
		loc := Loc{File: u.name, Span: syntax.Span{Start: n.Start, End: n.End}}
		switch d.Type {
		case "identifier":
			if !u.bpfMap(d.text(u.src), n, loc) {
				u.object(d.text(u.src), typ, value, loc, 0)
			}
		case "pointer_declarator":
			if id := declName(d, u.src); id != "" {
				u.add(&global{path: id, decl: loc, reason: "a pointer"})
			}
		case "array_declarator":
			u.array(d, typ, value, loc)
		}
	}
}

// maxArray bounds the length of the arrays the translation models, one
// location per element.
const maxArray = 16

// array records a global array of scalars with a constant length, one
// location per element ("buf[0]", ...).
func (u *unit) array(d, typ, value *cnode, loc Loc) {
	u.arrayAt("", d, typ, value, loc, 0)
}

// arrayAt records the array declared by d at prefix (a struct's path and
// a dot for an array field, or ""): one location per element, or for an
// array of structs one struct object per element ("slots[1].seq").
func (u *unit) arrayAt(prefix string, d, typ, value *cnode, loc Loc, depth int) {
	id := declName(d, u.src)
	if id == "" {
		return
	}
	path := prefix + id
	size, ok := u.constValue(d.child("size"), 0)
	inner := d.child("declarator")
	tname := ""
	if typ != nil {
		tname = strings.Join(strings.Fields(typ.text(u.src)), " ")
	}
	elemStruct := typ != nil && (typ.Type == "struct_specifier" || u.types[tname] != nil && u.types[tname].Type == "struct_specifier")
	switch {
	case inner == nil || inner.Type != "identifier" && inner.Type != "field_identifier":
		u.add(&global{path: path, decl: loc, reason: "an array of arrays or pointers"})
		return
	case !ok || size < 1 || size > maxArray:
		u.add(&global{path: path, decl: loc, reason: fmt.Sprintf("an array whose length is not a constant from 1 to %d", maxArray)})
		return
	case typ == nil || typ.Type == "union_specifier" || lockTypes[tname]:
		u.add(&global{path: path, decl: loc, reason: "an array of unions or locks"})
		return
	}
	var inits []*cnode
	if value != nil && value.Type == "initializer_list" {
		inits = value.named()
	}
	u.arrays[path] = int(size)
	for k := 0; k < int(size); k++ {
		var init *cnode
		if k < len(inits) {
			init = inits[k]
		}
		if elemStruct {
			u.object(fmt.Sprintf("%s[%d]", path, k), typ, init, loc, depth+1)
			continue
		}
		g := &global{path: fmt.Sprintf("%s[%d]", path, k), decl: loc}
		if init != nil {
			v, ok := u.constValue(init, 0)
			if !ok || v == math.MinInt64 {
				g.reason = "initialised with a value the translation cannot compute"
			}
			g.init = v
		}
		u.add(g)
	}
}

// declName returns the identifier a declarator declares, or "".
func declName(d *cnode, src []byte) string {
	for depth := 0; d != nil && depth < 20; depth++ {
		if d.Type == "identifier" || d.Type == "field_identifier" {
			return d.text(src)
		}
		d = d.child("declarator")
	}
	return ""
}

// funcDeclarator returns the function_declarator of a function
// definition (its name and parameters, under any pointer declarators of
// the return type), or nil.
func funcDeclarator(fn *cnode) *cnode {
	d := fn.child("declarator")
	for d != nil && d.Type != "function_declarator" {
		d = d.child("declarator")
	}
	return d
}

// hasVolatile reports whether the declaration n (of a variable or a
// field) qualifies its type volatile: "volatile int x", not
// "int *volatile p".
func hasVolatile(n *cnode, src []byte) bool {
	for _, k := range n.Kids {
		if k.Type == "type_qualifier" && k.text(src) == "volatile" {
			return true
		}
	}
	return false
}

func (u *unit) add(g *global) {
	if _, dup := u.byName[g.path]; dup {
		return
	}
	g.volatile = g.volatile || u.vol
	u.byName[g.path] = g
	u.globals = append(u.globals, g)
}

// lockTypes are the types whose objects are locks.
var lockTypes = map[string]bool{
	"struct bpf_spin_lock": true, "struct bpf_res_spin_lock": true, "spinlock_t": true,
	"pthread_mutex_t": true, "pthread_spinlock_t": true, "bpf_spin_lock": true,
}

// object records a global object of type typ named path: a scalar, a lock,
// or a struct whose fields it flattens.
func (u *unit) object(path string, typ, value *cnode, loc Loc, depth int) {
	if typ == nil {
		return
	}
	tname := strings.Join(strings.Fields(typ.text(u.src)), " ")
	if td := u.types[tname]; td != nil && !lockTypes[tname] && depth < 8 {
		// typedef struct { ... } name_t: the type it names.
		u.object(path, td, value, loc, depth+1)
		return
	}
	switch {
	case lockTypes[tname]:
		u.add(&global{path: path, lock: true, decl: loc})
	case typ.Type == "struct_specifier" || typ.Type == "union_specifier":
		body := typ.child("body")
		if body == nil {
			if nm := typ.child("name"); nm != nil {
				body = u.structs[nm.text(u.src)]
			}
		}
		if body == nil || depth > 4 || typ.Type == "union_specifier" {
			u.add(&global{path: path, decl: loc, reason: "a struct whose fields are unknown"})
			return
		}
		u.fields(path, body, value, loc, depth)
	default:
		g := &global{path: path, decl: loc}
		if value != nil {
			k, ok := u.constValue(value, 0)
			switch {
			case !ok:
				g.reason = "initialised with a value the translation cannot compute"
			case k == math.MinInt64:
				g.reason = "initialised with a value out of range"
			}
			g.init = k
		}
		u.add(g)
	}
}

// fields records the fields of a struct object at path, with body its
// field_declaration_list and value its initializer (or nil).
func (u *unit) fields(path string, body, value *cnode, loc Loc, depth int) {
	u.aggs[path] = true
	inits := u.fieldInits(value)
	pos := 0
	for _, fd := range body.named() {
		if fd.Type != "field_declaration" {
			continue
		}
		ft := fd.child("type")
		outer := u.vol
		u.vol = outer || hasVolatile(fd, u.src)
		for _, d := range fd.children("declarator") {
			if d.Type == "array_declarator" {
				v := inits[declName(d, u.src)]
				if v == nil {
					v = inits["#"+strconv.Itoa(pos)]
				}
				u.arrayAt(path+".", d, ft, v, loc, depth+1)
				pos++
				continue
			}
			if d.Type != "field_identifier" {
				if id := declName(d, u.src); id != "" {
					u.add(&global{path: path + "." + id, decl: loc, reason: "a pointer field"})
				}
				pos++
				continue
			}
			fname := d.text(u.src)
			v := inits[fname]
			if v == nil {
				v = inits["#"+strconv.Itoa(pos)]
			}
			u.object(path+"."+fname, ft, v, loc, depth+1)
			pos++
		}
		u.vol = outer
	}
}

var (
	mapTypeRe  = regexp.MustCompile(`__uint\s*\(\s*type\s*,\s*(\w+)`)
	mapValueRe = regexp.MustCompile(`__type\s*\(\s*value\s*,\s*([^)]*)\)`)
)

// bpfMap records the value of a BPF map definition
// "struct { __uint(type, ...); __type(value, T); } name SEC(".maps");"
// as a global object named after the map: every key of the map is that
// one element. It reports whether decl is a map definition.
func (u *unit) bpfMap(name string, decl *cnode, loc Loc) bool {
	text := decl.text(u.src)
	m := mapTypeRe.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	u.maps[name] = true
	if strings.Contains(m[1], "PERCPU") {
		u.add(&global{path: name, decl: loc, reason: "a per-CPU map, whose elements no two CPUs share", perCPU: true})
		return true
	}
	v := mapValueRe.FindStringSubmatch(text)
	if v == nil {
		u.add(&global{path: name, decl: loc, reason: "a map whose value type is not given by __type(value, ...)"})
		return true
	}
	vt := strings.Join(strings.Fields(v[1]), " ")
	if td := u.types[vt]; td != nil && !lockTypes[vt] {
		if td.Type == "struct_specifier" {
			if body := td.child("body"); body != nil {
				u.fields(name, body, nil, loc, 1)
				return true
			}
		}
		vt = strings.Join(strings.Fields(td.text(u.src)), " ")
	}
	switch {
	case lockTypes[vt]:
		u.add(&global{path: name, lock: true, decl: loc})
	case strings.HasPrefix(vt, "struct "):
		body := u.structs[strings.TrimPrefix(vt, "struct ")]
		if body == nil {
			u.add(&global{path: name, decl: loc, reason: "a map whose value struct is unknown"})
			return true
		}
		u.fields(name, body, nil, loc, 1)
	case strings.ContainsAny(vt, "*["):
		u.add(&global{path: name, decl: loc, reason: "a map of pointers or arrays"})
	default:
		u.add(&global{path: name, decl: loc})
	}
	return true
}

// fieldInits maps the fields of a struct initializer "{ .a = 1, 2 }" to
// their values: by name, or "#N" by position.
func (u *unit) fieldInits(value *cnode) map[string]*cnode {
	out := map[string]*cnode{}
	if value == nil || value.Type != "initializer_list" {
		return out
	}
	pos := 0
	for _, k := range value.named() {
		if k.Type == "initializer_pair" {
			if ds := k.children("designator"); len(ds) == 1 && ds[0].Type == "field_designator" {
				if nm := ds[0].named(); len(nm) == 1 {
					out[nm[0].text(u.src)] = k.child("value")
				}
			}
			continue
		}
		out["#"+strconv.Itoa(pos)] = k
		pos++
	}
	return out
}

// findThreads ties each "thread" annotation to the function after it.
func (u *unit) findThreads(notes *[]Note) {
	var fns []*cnode
	walk(u.root, func(n *cnode) bool {
		if n.Type == "function_definition" {
			fns = append(fns, n)
			return false
		}
		return true
	})
	for _, f := range fns {
		if name := u.funcName(f); name != "" {
			if _, dup := u.funcs[name]; !dup {
				u.funcs[name] = f
			}
		}
	}
	for _, a := range u.annots {
		if a.Kind != "thread" {
			continue
		}
		var fn *cnode
		for _, f := range fns {
			if f.Start >= a.Comment.End {
				fn = f
				break
			}
		}
		if fn == nil {
			*notes = append(*notes, Note{Kind: NoteAnnotation, File: u.name, Span: a.Span, Msg: "litmus: thread is not followed by a function definition"})
			continue
		}
		name := strings.TrimSpace(a.Arg)
		if f := strings.Fields(name); len(f) > 1 {
			*notes = append(*notes, Note{Kind: NoteAnnotation, File: u.name, Span: a.Span, Msg: "litmus: thread takes one name"})
			name = f[0]
		}
		if name == "" {
			name = u.funcName(fn)
		}
		if !validName(name) {
			*notes = append(*notes, Note{Kind: NoteAnnotation, File: u.name, Span: a.Span, Msg: "thread name " + strconv.Quote(name) + " is not a C identifier"})
			name = ""
		}
		u.threads = append(u.threads, &threadDef{name: name, fn: fn, ann: a, u: u})
	}
}

var macroProg = regexp.MustCompile(`^BPF_[A-Z0-9_]+$`)

// funcName returns the name of a function definition; for the
// BPF_PROG(name, args...) family of macros, the program's name.
func (u *unit) funcName(fn *cnode) string {
	d := funcDeclarator(fn)
	if d == nil {
		return ""
	}
	id := d.child("declarator")
	if id == nil {
		return ""
	}
	name := id.text(u.src)
	if macroProg.MatchString(name) {
		if ps := d.child("parameters"); ps != nil {
			if nm := ps.named(); len(nm) > 0 {
				if w := strings.TrimSpace(nm[0].text(u.src)); validName(w) {
					return w
				}
			}
		}
	}
	return name
}

func validName(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}
