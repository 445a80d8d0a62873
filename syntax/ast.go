package syntax

// This file defines the syntax tree shared by both litmus dialects. Names
// follow herd7's grammar. Every node records the bytes it came from; the
// printer ignores spans, so parse → print → parse gives an equal tree once
// spans are cleared.

// Dialect says which litmus language a file is written in.
type Dialect int

const (
	DialectC   Dialect = iota // "C name": herd7's C dialect, as the LKMM uses it
	DialectBPF                // "BPF name": BPF assembly in columns
)

func (d Dialect) String() string {
	if d == DialectBPF {
		return "BPF"
	}
	return "C"
}

// A File is one parsed litmus test. Parse always returns a non-nil File;
// parts that could not be parsed are nil, or Bad nodes.
type File struct {
	Filename string
	Lines    *Lines // line table of the source, for file:line:col
	Dialect  Dialect
	ArchSpan Span   // the "C" or "BPF" word
	Name     string // test name: everything after the arch word on line 1 (may contain '/')
	NameSpan Span
	Doc      *DocString  // optional quoted doc string after the name, or nil
	Meta     []*MetaLine // "Key=value" lines between the name and the init block (diy's Cycle=, Relax=, ...)
	Info     []*InfoLine // other text between the name and the init block, which herd7 ignores
	Comments []*Comment  // every comment, in source order
	Result   *Result     // the "Result:" line found in a comment, or nil

	Init      *Init      // the { ... } block, or nil if missing
	Threads   []*Thread  // in source order
	Program   Span       // BPF: the bytes of the instruction columns, from the end of the init block to the first final clause
	Locations *Locations // "locations [...]", or nil
	Filter    *Filter    // "filter ...", or nil
	Cond      *Cond      // the final condition, or nil if none was written (herd7 then checks "forall (true)")
}

// A DocString is the optional quoted string after the test name.
type DocString struct {
	Span Span
	Text string // without the quotes
}

// A MetaLine is one "Key=value" line of the header, as diy-generated tests
// carry ("Cycle=Rfi PodRR Fre", "Relax=").
type MetaLine struct {
	Span  Span
	Key   string
	Value string // the rest of the line after '=', trimmed
}

// An InfoLine is text between the test name and the init block that is
// neither the doc string nor a "Key=value" line, such as a second "C name"
// line or a second doc string: herd7's splitter reads everything up to the
// init block's '{' as information and ignores what is not "Key=value".
// Each line (the rest of the name's line included) is one InfoLine.
type InfoLine struct {
	Span Span
	Text string // the line from its first token to its last, comments between them included
}

// A Comment is a (* *), /* */ or // comment.
type Comment struct {
	Span Span
	Text string // the comment as written, delimiters included
	// Space is the run of spaces and tabs between the code the comment
	// follows on its line and the comment (" " in "x = 1; // c"), which
	// the printer keeps; "" for a comment that begins its line or follows
	// code with no space.
	Space string
}

// A Result is the expected outcome written in a comment, as in
// "Result: Never DATARACE".
type Result struct {
	Span    Span     // the text after "Result:" up to the end of the line
	Verdict string   // "Never", "Sometimes", "Always", "Maybe", ...
	Flags   []string // following words in capitals, such as DATARACE
}

// An Init is the initial-state block.
type Init struct {
	Span  Span
	Items []*InitItem
}

// An InitItem is one entry of the init block: "x=1;", "int *p=&x;",
// "spinlock_t l;", "atomic_t a = ATOMIC_INIT(0);", "0:r1=x;", "int y;".
type InitItem struct {
	Span  Span
	Type  *Type    // declared type, or nil if none was written
	Loc   Location // the variable or thread register being initialised
	Value Expr     // the initial value, or nil: an *IntLit, *Ident (the address of that variable), *UnaryExpr with "&", or a *CallExpr such as ATOMIC_INIT(0)
}

// A Type is a C type as written in litmus tests: a base name and a number
// of pointer stars ("int", "intptr_t *", "struct srcu_struct *",
// "spinlock_t", "atomic_t", "u32").
type Type struct {
	Span  Span
	Name  string // base name, with "struct " kept when written
	Stars int    // number of '*'
}

// A Location names a shared variable or a thread's register.
type Location struct {
	Span   Span
	Thread int    // thread number for "0:r1", or -1 for a shared variable
	Name   string // register or variable name
	Deref  bool   // written "*x" or "[x]" (the contents of x, the same as x for a shared variable)
}

// A Thread is one process: a C function "P0(int *x) { ... }" or one BPF
// column.
type Thread struct {
	Span     Span
	Name     string // "P0"
	NameSpan Span
	Index    int // the number in the name: 0 for P0

	// C dialect.
	Params []*Param
	Body   *BlockStmt // nil for BPF

	// BPF dialect.
	Instrs []*Instr // one per non-empty cell of the column, in order
}

// A Param is one parameter of a C thread function.
type Param struct {
	Span Span
	Type *Type
	Name *Ident
}

// ---------------------------------------------------------------------------
// C statements.

// A Stmt is a C statement.
type Stmt interface {
	Node
	stmtNode()
}

// A Node is any syntax tree node.
type Node interface {
	GetSpan() Span
}

type (
	// A BlockStmt is "{ stmts }".
	BlockStmt struct {
		Span  Span
		Stmts []Stmt
	}

	// A DeclStmt declares a local: "int r0;", "intptr_t r1 = READ_ONCE(*x);".
	// Several declarators "int r0, r1;" give several DeclStmts sharing the
	// statement's span.
	DeclStmt struct {
		Span  Span
		Type  *Type
		Name  *Ident
		Value Expr // initializer, or nil
	}

	// An ExprStmt is an expression used as a statement: a call or an
	// assignment ("r0 = READ_ONCE(*x);" is an ExprStmt holding an AssignExpr).
	ExprStmt struct {
		Span Span
		X    Expr
	}

	// An IfStmt is "if (cond) then [else els]".
	IfStmt struct {
		Span Span
		Cond Expr
		Then Stmt
		Else Stmt // or nil
	}

	// A WhileStmt is "while (cond) body".
	WhileStmt struct {
		Span Span
		Cond Expr
		Body Stmt
	}

	// An EmptyStmt is a lone ";".
	EmptyStmt struct {
		Span Span
	}

	// A BadStmt stands for a statement that could not be parsed.
	BadStmt struct {
		Span Span
	}
)

func (s *BlockStmt) GetSpan() Span { return s.Span }
func (s *DeclStmt) GetSpan() Span  { return s.Span }
func (s *ExprStmt) GetSpan() Span  { return s.Span }
func (s *IfStmt) GetSpan() Span    { return s.Span }
func (s *WhileStmt) GetSpan() Span { return s.Span }
func (s *EmptyStmt) GetSpan() Span { return s.Span }
func (s *BadStmt) GetSpan() Span   { return s.Span }

func (*BlockStmt) stmtNode() {}
func (*DeclStmt) stmtNode()  {}
func (*ExprStmt) stmtNode()  {}
func (*IfStmt) stmtNode()    {}
func (*WhileStmt) stmtNode() {}
func (*EmptyStmt) stmtNode() {}
func (*BadStmt) stmtNode()   {}

// ---------------------------------------------------------------------------
// C expressions.

// An Expr is a C expression.
type Expr interface {
	Node
	exprNode()
}

type (
	// An Ident is a name: a register, a parameter, a shared variable or
	// the name of a called primitive.
	Ident struct {
		Span Span
		Name string
	}

	// An IntLit is an integer constant.
	IntLit struct {
		Span  Span
		Value int64
		Text  string // as written
	}

	// A UnaryExpr is "op X" for op in * & - ! ~ +.
	UnaryExpr struct {
		Span Span
		Op   string
		X    Expr
	}

	// A BinaryExpr is "X op Y" for the C binary operators (arithmetic,
	// bitwise, shifts, comparisons, && and ||).
	BinaryExpr struct {
		Span Span
		Op   string
		X, Y Expr
	}

	// An AssignExpr is "X = Y" (Op "=") or a compound assignment ("+=", ...).
	AssignExpr struct {
		Span Span
		Op   string
		X, Y Expr
	}

	// A CondExpr is "Cond ? X : Y".
	CondExpr struct {
		Span       Span
		Cond, X, Y Expr
	}

	// A ParenExpr is "(X)".
	ParenExpr struct {
		Span Span
		X    Expr
	}

	// A CastExpr is "(Type) X".
	CastExpr struct {
		Span Span
		Type *Type
		X    Expr
	}

	// A CallExpr is "Fun(Args)": a kernel primitive such as READ_ONCE or
	// spin_lock. Fun is always a plain name in litmus tests.
	CallExpr struct {
		Span Span
		Fun  *Ident
		Args []Expr
	}

	// An IndexExpr is "X[Index]".
	IndexExpr struct {
		Span     Span
		X, Index Expr
	}

	// A BadExpr stands for an expression that could not be parsed.
	BadExpr struct {
		Span Span
	}
)

func (x *Ident) GetSpan() Span      { return x.Span }
func (x *IntLit) GetSpan() Span     { return x.Span }
func (x *UnaryExpr) GetSpan() Span  { return x.Span }
func (x *BinaryExpr) GetSpan() Span { return x.Span }
func (x *AssignExpr) GetSpan() Span { return x.Span }
func (x *CondExpr) GetSpan() Span   { return x.Span }
func (x *ParenExpr) GetSpan() Span  { return x.Span }
func (x *CastExpr) GetSpan() Span   { return x.Span }
func (x *CallExpr) GetSpan() Span   { return x.Span }
func (x *IndexExpr) GetSpan() Span  { return x.Span }
func (x *BadExpr) GetSpan() Span    { return x.Span }

func (*Ident) exprNode()      {}
func (*IntLit) exprNode()     {}
func (*UnaryExpr) exprNode()  {}
func (*BinaryExpr) exprNode() {}
func (*AssignExpr) exprNode() {}
func (*CondExpr) exprNode()   {}
func (*ParenExpr) exprNode()  {}
func (*CastExpr) exprNode()   {}
func (*CallExpr) exprNode()   {}
func (*IndexExpr) exprNode()  {}
func (*BadExpr) exprNode()    {}

// ---------------------------------------------------------------------------
// BPF instructions.

// An InstrKind says what a BPF instruction does.
type InstrKind int

const (
	InstrBad          InstrKind = iota // could not be parsed
	InstrMov                           // Dst = Src
	InstrALU                           // Dst Op= Src
	InstrLoad                          // Dst = *(uN *)(Mem)
	InstrStore                         // *(uN *)(Mem) = Src (register or immediate)
	InstrLoadAcquire                   // Dst = load_acquire((uN *)(Mem))
	InstrStoreRelease                  // store_release((uN *)(Mem), Src)
	InstrAtomic                        // lock *(uN *)(Mem) Op= Src
	InstrAtomicFetch                   // Dst = atomic_fetch_OP((uN *)(Mem), Src)
	InstrXchg                          // Dst = xchg_N(Mem, Src)
	InstrCmpxchg                       // Dst = cmpxchg_N(Mem, Cmp, Src)
	InstrGoto                          // goto Label
	InstrCondJump                      // if Dst Op Src goto Label
	InstrLabel                         // Label:
)

// An Instr is one BPF instruction (or label) in a thread's column.
type Instr struct {
	Span   Span
	Kind   InstrKind
	Dst    *Operand // destination register (the compared register for InstrCondJump), or nil
	Op     string   // ALU or atomic operator ("+", "&", ...), comparison for jumps, fetch op name for InstrAtomicFetch ("add")
	Mem    *MemRef  // memory operand, or nil
	Src    *Operand // source register or immediate, or nil
	Cmp    *Operand // expected value of InstrCmpxchg (r0), or nil
	Label  string   // jump target or label name
	Mnemon string   // the mnemonic as written where it carries width ("xchg_64", "cmpxchg32_32", "atomic_fetch_add"), for printing; for InstrBad, the cell's text
}

// An Operand is a BPF register (rN) or an immediate.
type Operand struct {
	Span  Span
	IsReg bool
	Reg   int   // register number when IsReg
	Imm   int64 // immediate value otherwise
}

// A MemRef is "(uN *)(rB + off)" or "(rB + off)".
type MemRef struct {
	Span Span
	Size int // access width in bits (8, 16, 32, 64), or 0 when not written
	Base int // base register number
	Off  int64
}

func (i *Instr) GetSpan() Span { return i.Span }

// ---------------------------------------------------------------------------
// Final clauses.

// A Locations clause lists extra locations to print in each state.
type Locations struct {
	Span Span
	Locs []Location
}

// A Filter restricts the executions considered: "filter (0:r1=1)".
type Filter struct {
	Span Span
	Prop Prop
}

// A Quantifier is the kind of final condition.
type Quantifier int

const (
	Exists    Quantifier = iota // exists P: some execution satisfies P
	NotExists                   // ~exists P: no execution satisfies P
	Forall                      // forall P: every execution satisfies P
)

func (q Quantifier) String() string {
	switch q {
	case NotExists:
		return "~exists"
	case Forall:
		return "forall"
	}
	return "exists"
}

// A Cond is the final condition of a test.
type Cond struct {
	Span      Span
	Quant     Quantifier
	QuantSpan Span
	Prop      Prop
}

// A Prop is a proposition over final values.
type Prop interface {
	Node
	propNode()
}

type (
	// An AtomProp compares a location's final value: "0:r1=1", "x=2",
	// "[x]=1", "0:r1=x" (the address of x), "x!=1".
	AtomProp struct {
		Span  Span
		Loc   Location
		Op    string // "=" (also written "=="), or "!="
		Value Value
	}

	// A NotProp is "~P".
	NotProp struct {
		Span Span
		X    Prop
	}

	// An AndProp is "P /\ Q".
	AndProp struct {
		Span Span
		X, Y Prop
	}

	// An OrProp is "P \/ Q".
	OrProp struct {
		Span Span
		X, Y Prop
	}

	// An ImpliesProp is "P -> Q".
	ImpliesProp struct {
		Span Span
		X, Y Prop
	}

	// A BoolProp is "true" or "false".
	BoolProp struct {
		Span  Span
		Value bool
	}

	// A ParenProp is "(P)", kept so positions and printing stay faithful.
	ParenProp struct {
		Span Span
		X    Prop
	}

	// A BadProp stands for a proposition that could not be parsed.
	BadProp struct {
		Span Span
	}
)

// A Value is the right-hand side of a condition atom: an integer, the
// address of a shared variable (a symbol), or a thread's register.
type Value struct {
	Span   Span
	Symbol string    // variable name when the value is an address, else ""
	Int    int64     // the integer, when Symbol and Reg are empty
	Reg    *Location // another register, as in "0:r0=1:r0", or nil
}

func (p *AtomProp) GetSpan() Span    { return p.Span }
func (p *NotProp) GetSpan() Span     { return p.Span }
func (p *AndProp) GetSpan() Span     { return p.Span }
func (p *OrProp) GetSpan() Span      { return p.Span }
func (p *ImpliesProp) GetSpan() Span { return p.Span }
func (p *BoolProp) GetSpan() Span    { return p.Span }
func (p *ParenProp) GetSpan() Span   { return p.Span }
func (p *BadProp) GetSpan() Span     { return p.Span }

func (*AtomProp) propNode()    {}
func (*NotProp) propNode()     {}
func (*AndProp) propNode()     {}
func (*OrProp) propNode()      {}
func (*ImpliesProp) propNode() {}
func (*BoolProp) propNode()    {}
func (*ParenProp) propNode()   {}
func (*BadProp) propNode()     {}
