package bpfc

import (
	"strconv"
	"strings"
)

// An Order is a C11 memory order, as the __atomic builtins and C11's
// atomic_*_explicit functions take it. The translation reads it from a
// call's argument; analysis/primitive documents a call by it.
type Order int

// The memory orders, in C11's order (OrderRelaxed is C's 0).
const (
	OrderUnknown Order = iota // not given, or not a memory order
	OrderRelaxed
	OrderConsume
	OrderAcquire
	OrderRelease
	OrderAcqRel
	OrderSeqCst
)

var orderNames = [...]string{"", "__ATOMIC_RELAXED", "__ATOMIC_CONSUME", "__ATOMIC_ACQUIRE", "__ATOMIC_RELEASE", "__ATOMIC_ACQ_REL", "__ATOMIC_SEQ_CST"}

// String returns the order's __ATOMIC_ macro ("__ATOMIC_ACQUIRE"), or ""
// for OrderUnknown.
func (o Order) String() string {
	if o < 0 || int(o) >= len(orderNames) {
		return ""
	}
	return orderNames[o]
}

// Suffix returns the suffix of the LKMM read-modify-write that keeps what
// o promises: "_relaxed", "_acquire" (consume too, as clang reads it),
// "_release", or "" (fully ordered) for acq_rel, seq_cst and an unknown
// order.
func (o Order) Suffix() string {
	switch o {
	case OrderRelaxed:
		return "_relaxed"
	case OrderConsume, OrderAcquire:
		return "_acquire"
	case OrderRelease:
		return "_release"
	}
	return ""
}

// ParseOrder reads the text of a memory-order argument: an __ATOMIC_
// macro, a C11 memory_order_ name, or a value 0 to 5, in any case and
// within any parentheses and blanks. It returns OrderUnknown for anything
// else.
func ParseOrder(s string) Order {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 0 && n <= 5 {
			return Order(n + 1)
		}
		return OrderUnknown
	}
	s = strings.ToUpper(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "__ATOMIC_"), "MEMORY_ORDER_")
	switch s {
	case "RELAXED":
		return OrderRelaxed
	case "CONSUME":
		return OrderConsume
	case "ACQUIRE":
		return OrderAcquire
	case "RELEASE":
		return OrderRelease
	case "ACQ_REL":
		return OrderAcqRel
	case "SEQ_CST":
		return OrderSeqCst
	}
	return OrderUnknown
}
