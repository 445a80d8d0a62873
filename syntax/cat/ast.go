package cat

import "github.com/litmusls/litmusls/syntax"

// This file defines the tree of a cat model. Names follow herd7's grammar
// (lib/modelParser.mly): instructions, expressions, patterns, variants. The
// shape follows herd7's own tree where that matters to an evaluator:
// parentheses leave no node, chains of '|' and ';' are one n-ary node, and
// a bare "a, b" is the same Tuple as "(a, b)". Every node records the bytes
// it came from; the printer ignores spans.

// Span is the package syntax's half-open byte range.
type Span = syntax.Span

// A Node is any node of the tree.
type Node interface {
	GetSpan() Span
}

// A File is one parsed cat (or bell) file. Parse always returns a non-nil
// File; parts that could not be parsed are Bad nodes or left out.
type File struct {
	Filename string
	Lines    *syntax.Lines // line table of the source, for file:line:col
	Header   *Header       // the model's name, or nil when the file has none
	Catdep   bool          // the "catdep" model option follows the header
	Body     []Ins         // the instructions, in source order
	Comments []*Comment    // every comment, in source order
}

// A Header is what a file says before its first instruction: an optional
// architecture name and the model's title, as in `BPF "BPF Memory model"`,
// `"Linux-kernel memory consistency model"` or `stdlib`. herd7 reads a
// lone identifier both as the title and as a tentative architecture.
type Header struct {
	Span   Span
	Arch   *Ident // the identifier before the title, or nil
	Title  string // without quotes
	Quoted bool   // Title was written as a string
}

// A Comment is a (* *) comment (nested ones included) or a // or # line
// comment.
type Comment struct {
	Span Span
	Text string // as written, delimiters included
}

// ---------------------------------------------------------------------------
// Instructions.

// An Ins is an instruction: a binding, a check, a declaration or a
// directive, executed for its effect.
type Ins interface {
	Node
	insNode()
}

// TestOp is the relation property a check tests.
type TestOp int

const (
	Acyclic     TestOp = iota // acyclic
	Irreflexive               // irreflexive
	IsEmpty                   // empty
)

func (o TestOp) String() string {
	switch o {
	case Acyclic:
		return "acyclic"
	case Irreflexive:
		return "irreflexive"
	}
	return "empty"
}

// TestKind says what a failed (or, for flags, a passed) check does.
type TestKind int

const (
	Check           TestKind = iota // a plain check: failing rejects the execution
	UndefinedUnless                 // "undefined_unless": failing makes the test undefined
	Flagged                         // "flag": passing flags the execution with the check's name
	Assert                          // "assert"
)

func (k TestKind) String() string {
	switch k {
	case UndefinedUnless:
		return "undefined_unless"
	case Flagged:
		return "flag"
	case Assert:
		return "assert"
	}
	return ""
}

type (
	// A LetIns binds names for the rest of the model: "let x = e and y = f",
	// or with Rec "let rec x = e and ...", a fixpoint. A trailing "in",
	// which herd7 accepts and ignores, leaves no trace.
	LetIns struct {
		Span     Span
		Rec      bool
		Bindings []*Binding // one or more
		When     *Test      // "let rec ... when check": the check, or nil (Rec only)
	}

	// A Test is a check: "[flag|undefined_unless|assert] [~]acyclic e [as
	// name]".
	Test struct {
		Span Span
		Kind TestKind
		Neg  bool // written with '~': the check succeeds when the property fails
		Op   TestOp
		X    Expr
		Name *Ident // the "as" name, or nil
	}

	// A Show is "show a, b"; an Unshow is "unshow a, b".
	Show struct {
		Span  Span
		Names []*Ident // one or more
	}
	Unshow struct {
		Span  Span
		Names []*Ident // one or more
	}

	// A ShowAs is "show e as name".
	ShowAs struct {
		Span Span
		X    Expr
		Name *Ident
	}

	// An Include is `include "file"`.
	Include struct {
		Span     Span
		Path     string // without quotes
		PathSpan Span   // the string, quotes included
	}

	// A Procedure is "procedure [rec] name(params) = body end" or
	// "procedure [rec] name param = body end".
	Procedure struct {
		Span  Span
		Rec   bool
		Name  *Ident
		Param *Pattern
		Body  []Ins
	}

	// A Call is "call name arg [as name]"; Arg is a simple expression
	// (herd7's grammar allows no bare identifier there).
	Call struct {
		Span Span
		Name *Ident
		Arg  Expr
		As   *Ident // or nil
	}

	// A Debug is "debug e".
	Debug struct {
		Span Span
		X    Expr
	}

	// A Forall is "forall x in e do body end".
	Forall struct {
		Span Span
		Var  *Ident
		Set  Expr
		Body []Ins
	}

	// A WithFrom is "with x from e": the rest of the model runs once for
	// each element of e, bound to x.
	WithFrom struct {
		Span Span
		Var  *Ident
		Set  Expr
	}

	// An IfVariant is `if "v" instructions [else instructions] end`, the
	// instruction form of a condition on variants.
	IfVariant struct {
		Span    Span
		Cond    Variant
		Then    []Ins
		Else    []Ins
		HasElse bool // an "else" was written (Else may still be empty)
	}

	// A MatchIns is "match e with 'a -> instructions || _ -> instructions
	// end", the instruction form of a match on tags.
	MatchIns struct {
		Span       Span
		X          Expr
		Clauses    []*InsClause
		Default    []Ins // the instructions of the "_" clause
		HasDefault bool  // a "_" clause was written
	}

	// An Enum is "enum Name = 'a || 'b": it declares the tags and binds
	// Name to the set of them.
	Enum struct {
		Span Span
		Name *Ident
		Tags []*Ident // the tags, without their quote
	}

	// An Events declaration of a bell file is "instructions R[tags]", or
	// with Default "default R[tags]".
	Events struct {
		Span    Span
		Default bool
		Set     *Ident
		Tags    []Expr
	}

	// A BadIns stands for an instruction that could not be parsed.
	BadIns struct {
		Span Span
	}
)

// An InsClause is one "'tag -> instructions" clause of a MatchIns.
type InsClause struct {
	Span Span
	Tag  *Ident // without its quote
	Body []Ins
}

// A Binding is one "pat = e" of a let, or a function binding "f x = e" or
// "f(x, y) = e", which herd7 reads as "f = fun x -> e" with f as the
// function's name.
type Binding struct {
	Span  Span
	Pat   *Pattern // what is bound; a single name for a function binding
	Param *Pattern // a function binding's parameters, or nil
	Value Expr
}

// A Pattern is the left-hand side of a binding or the parameter of a
// function: one name ("x", "_", "(x)") or a tuple of names ("(x, y)",
// "x, y", "()").
type Pattern struct {
	Span   Span
	Tuple  bool     // a tuple pattern; otherwise Params has one element
	Params []*Ident // the names; "_" has Name ""
	Parens bool     // written in parentheses (for the printer)
}

// ---------------------------------------------------------------------------
// Expressions.

// An Expr is an expression, evaluated to a value: an event set, a
// relation, a tag, a tuple, a set of values or a function.
type Expr interface {
	Node
	exprNode()
}

// UnaryOp is the operator of a UnaryExpr.
type UnaryOp int

const (
	Comp UnaryOp = iota // ~e: complement
	Star                // e*: reflexive-transitive closure
	Plus                // e+: transitive closure
	Opt                 // e?: e | id
	Inv                 // e^-1: inverse
	ToID                // [e]: identity on a set
)

// BinaryOp is the operator of a BinaryExpr.
type BinaryOp int

const (
	Union     BinaryOp = iota // a | b | ...
	Add                       // a ++ b: add an element to a set
	Seq                       // a ; b ; ...
	Diff                      // a \ b
	Inter                     // a & b
	Cartesian                 // a * b
)

func (o BinaryOp) String() string {
	return [...]string{"|", "++", ";", "\\", "&", "*"}[o]
}

// CondOp says which comparison a Cond makes.
type CondOp int

const (
	CondVariant CondOp = iota // a condition on variants
	CondEq                    // x = y
	CondSubset                // x subset y
	CondIn                    // x in y
)

type (
	// An Ident is a name: a variable in an expression, or the name in a
	// declaration. Names may hold '-', '.' and '_' ("po-loc").
	Ident struct {
		Span Span
		Name string
	}

	// A Tag is a tag constant "'name"; Name has no quote.
	Tag struct {
		Span Span
		Name string
	}

	// Empty is "0", the empty relation.
	Empty struct {
		Span Span
	}

	// Universe is "_", the set of all events.
	Universe struct {
		Span Span
	}

	// An ExplicitSet is "{a, b}" or "{}".
	ExplicitSet struct {
		Span  Span
		Elems []Expr
	}

	// A Tuple is "()", "(a, b)" or, where an expression is expected, a bare
	// "a, b". It has zero or at least two elements.
	Tuple struct {
		Span  Span
		Elems []Expr
	}

	// A UnaryExpr is a prefix or postfix operator, or "[e]".
	UnaryExpr struct {
		Span Span
		Op   UnaryOp
		X    Expr
	}

	// A BinaryExpr is an infix operator. Union and Seq chains are one node
	// with every operand, as herd7 builds them ("a | (b | c)" too); the
	// other operators have exactly two.
	BinaryExpr struct {
		Span Span
		Op   BinaryOp
		Args []Expr
	}

	// An App is a function application "f x" or "f(x, y)". Fun is an Ident
	// or another App: herd7 applies only names.
	App struct {
		Span Span
		Fun  Expr
		Arg  Expr
	}

	// A LetExpr is "let [rec] bindings in body".
	LetExpr struct {
		Span     Span
		Rec      bool
		Bindings []*Binding
		Body     Expr
	}

	// A Fun is "fun pat -> body".
	Fun struct {
		Span  Span
		Param *Pattern
		Body  Expr
	}

	// A Match is a match on tags: "match e with 'a -> e1 || _ -> e2 end".
	Match struct {
		Span    Span
		X       Expr
		Clauses []*Clause
		Default Expr // the "_" clause's expression, or nil
	}

	// A MatchSet is a match on sets: "match e with {} -> e1 || x ++ rest ->
	// e2 end" (the clauses in either order).
	MatchSet struct {
		Span       Span
		X          Expr
		Empty      Expr // the "{}" clause's expression
		Elem       *ElemClause
		EmptyFirst bool // the "{}" clause was written first (for the printer)
	}

	// A Try is "try e with default": default's value when e fails (an
	// unbound name, say).
	Try struct {
		Span    Span
		X       Expr
		Default Expr
	}

	// An If is "if cond then e1 else e2".
	If struct {
		Span Span
		Cond *Cond
		Then Expr
		Else Expr
	}

	// A BadExpr stands for an expression that could not be parsed.
	BadExpr struct {
		Span Span
	}
)

// A Clause is one "'tag -> e" clause of a Match.
type Clause struct {
	Span Span
	Tag  *Ident // without its quote
	Body Expr
}

// An ElemClause is the non-empty clause of a MatchSet: "x ++ rest -> e"
// (an element and the rest), or "pre | x ++ rest -> e".
type ElemClause struct {
	Span Span
	Pre  *Ident // or nil
	Elem *Ident // Name "" for _
	Rest *Ident // Name "" for _
	Body Expr
}

// A Cond is the condition of an If.
type Cond struct {
	Span    Span
	Op      CondOp
	X, Y    Expr    // the operands, unless Op is CondVariant
	Variant Variant // when Op is CondVariant
}

// A Variant is a condition on the variants herd7 runs with: `"name"`,
// `variant "name"`, "not v", "v && w", "v || w".
type Variant interface {
	Node
	variantNode()
}

type (
	// A VariantName tests one variant.
	VariantName struct {
		Span    Span
		Name    string // without quotes
		Keyword bool   // written `variant "name"`
	}

	// A VariantNot is "not v".
	VariantNot struct {
		Span Span
		X    Variant
	}

	// A VariantOp is "v && w" (And) or "v || w".
	VariantOp struct {
		Span Span
		And  bool
		X, Y Variant
	}

	// A BadVariant stands for a condition that could not be parsed.
	BadVariant struct {
		Span Span
	}
)

func (n *LetIns) GetSpan() Span    { return n.Span }
func (n *Test) GetSpan() Span      { return n.Span }
func (n *Show) GetSpan() Span      { return n.Span }
func (n *Unshow) GetSpan() Span    { return n.Span }
func (n *ShowAs) GetSpan() Span    { return n.Span }
func (n *Include) GetSpan() Span   { return n.Span }
func (n *Procedure) GetSpan() Span { return n.Span }
func (n *Call) GetSpan() Span      { return n.Span }
func (n *Debug) GetSpan() Span     { return n.Span }
func (n *Forall) GetSpan() Span    { return n.Span }
func (n *WithFrom) GetSpan() Span  { return n.Span }
func (n *IfVariant) GetSpan() Span { return n.Span }
func (n *MatchIns) GetSpan() Span  { return n.Span }
func (n *Enum) GetSpan() Span      { return n.Span }
func (n *Events) GetSpan() Span    { return n.Span }
func (n *BadIns) GetSpan() Span    { return n.Span }

func (*LetIns) insNode()    {}
func (*Test) insNode()      {}
func (*Show) insNode()      {}
func (*Unshow) insNode()    {}
func (*ShowAs) insNode()    {}
func (*Include) insNode()   {}
func (*Procedure) insNode() {}
func (*Call) insNode()      {}
func (*Debug) insNode()     {}
func (*Forall) insNode()    {}
func (*WithFrom) insNode()  {}
func (*IfVariant) insNode() {}
func (*MatchIns) insNode()  {}
func (*Enum) insNode()      {}
func (*Events) insNode()    {}
func (*BadIns) insNode()    {}

func (n *Ident) GetSpan() Span       { return n.Span }
func (n *Tag) GetSpan() Span         { return n.Span }
func (n *Empty) GetSpan() Span       { return n.Span }
func (n *Universe) GetSpan() Span    { return n.Span }
func (n *ExplicitSet) GetSpan() Span { return n.Span }
func (n *Tuple) GetSpan() Span       { return n.Span }
func (n *UnaryExpr) GetSpan() Span   { return n.Span }
func (n *BinaryExpr) GetSpan() Span  { return n.Span }
func (n *App) GetSpan() Span         { return n.Span }
func (n *LetExpr) GetSpan() Span     { return n.Span }
func (n *Fun) GetSpan() Span         { return n.Span }
func (n *Match) GetSpan() Span       { return n.Span }
func (n *MatchSet) GetSpan() Span    { return n.Span }
func (n *Try) GetSpan() Span         { return n.Span }
func (n *If) GetSpan() Span          { return n.Span }
func (n *BadExpr) GetSpan() Span     { return n.Span }

func (*Ident) exprNode()       {}
func (*Tag) exprNode()         {}
func (*Empty) exprNode()       {}
func (*Universe) exprNode()    {}
func (*ExplicitSet) exprNode() {}
func (*Tuple) exprNode()       {}
func (*UnaryExpr) exprNode()   {}
func (*BinaryExpr) exprNode()  {}
func (*App) exprNode()         {}
func (*LetExpr) exprNode()     {}
func (*Fun) exprNode()         {}
func (*Match) exprNode()       {}
func (*MatchSet) exprNode()    {}
func (*Try) exprNode()         {}
func (*If) exprNode()          {}
func (*BadExpr) exprNode()     {}

func (n *VariantName) GetSpan() Span { return n.Span }
func (n *VariantNot) GetSpan() Span  { return n.Span }
func (n *VariantOp) GetSpan() Span   { return n.Span }
func (n *BadVariant) GetSpan() Span  { return n.Span }

func (*VariantName) variantNode() {}
func (*VariantNot) variantNode()  {}
func (*VariantOp) variantNode()   {}
func (*BadVariant) variantNode()  {}
