package bpfc

import (
	"context"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/c"
)

// This file parses C with tree-sitter and copies the tree into plain Go
// values, so the translation runs without cgo calls and the C tree is
// freed at once.

// maxDepth bounds the depth of the copied tree: deeper nodes are dropped
// and the node that lost them is marked, so hostile input cannot exhaust
// the stack of the recursive translation.
const maxDepth = 200

// A cnode is one node of the C syntax tree.
type cnode struct {
	Type      string // tree-sitter node type ("if_statement", "identifier", "+", ...)
	Field     string // the field name the parent gives this child ("condition"), or ""
	Start     int    // byte offset
	End       int    // byte offset
	Named     bool
	Missing   bool // inserted by error recovery
	Truncated bool // children were dropped at maxDepth
	Kids      []*cnode
}

// child returns the first child with the given field name, or nil.
func (n *cnode) child(field string) *cnode {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Field == field {
			return k
		}
	}
	return nil
}

// children returns the children with the given field name.
func (n *cnode) children(field string) []*cnode {
	var out []*cnode
	for _, k := range n.Kids {
		if k.Field == field {
			out = append(out, k)
		}
	}
	return out
}

// named returns the named children.
func (n *cnode) named() []*cnode {
	var out []*cnode
	for _, k := range n.Kids {
		if k.Named && k.Type != "comment" {
			out = append(out, k)
		}
	}
	return out
}

// hasKid reports whether n has an anonymous child of the given type
// (a keyword or punctuation such as "volatile" or "->").
func (n *cnode) hasKid(typ string) bool {
	for _, k := range n.Kids {
		if k.Type == typ {
			return true
		}
	}
	return false
}

// text returns the source bytes of n.
func (n *cnode) text(src []byte) string {
	if n == nil || n.Start < 0 || n.End > len(src) || n.Start > n.End {
		return ""
	}
	return string(src[n.Start:n.End])
}

// parseC parses src as C. It never fails on bad C (tree-sitter recovers);
// the error is for a parser that could not run at all.
func parseC(src []byte) (*cnode, error) {
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(c.GetLanguage())
	tree, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	cur := sitter.NewTreeCursor(tree.RootNode())
	defer cur.Close()
	return copyNode(cur, 0), nil
}

// copyNode copies the node under the cursor and its subtree.
func copyNode(cur *sitter.TreeCursor, depth int) *cnode {
	n := cur.CurrentNode()
	out := &cnode{
		Type:    n.Type(),
		Field:   cur.CurrentFieldName(),
		Start:   int(n.StartByte()),
		End:     int(n.EndByte()),
		Named:   n.IsNamed(),
		Missing: n.IsMissing(),
	}
	if n.IsError() {
		out.Type = "ERROR"
	}
	if !cur.GoToFirstChild() {
		return out
	}
	if depth >= maxDepth {
		out.Truncated = true
		cur.GoToParent()
		return out
	}
	for {
		out.Kids = append(out.Kids, copyNode(cur, depth+1))
		if !cur.GoToNextSibling() {
			break
		}
	}
	cur.GoToParent()
	return out
}

// walk calls f on n and its descendants in source order, depth first,
// until f returns false for a node (its subtree is then skipped).
func walk(n *cnode, f func(*cnode) bool) {
	if n == nil || !f(n) {
		return
	}
	for _, k := range n.Kids {
		walk(k, f)
	}
}
