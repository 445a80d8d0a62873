package ide

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/syntax"
)

// bpfcSource is a small BPF program in the style of the kernel's selftests,
// with atomics in the shapes hover has to read.
const bpfcSource = `// SPDX-License-Identifier: GPL-2.0
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

/* Shared with user space: __sync_fetch_and_add(&hits, 1) in a comment is not a call. */
__u64 hits = 0;
__u64 value = 0;
__u32 done = 0;
int owner = 0;
const char msg[] = "__sync_synchronize";

struct elem {
	struct bpf_spin_lock lock;
	__u64 count;
};

SEC("fentry/bpf_fentry_test1")
int test_xchg(void *ctx)
{
	__u64 result;
	int expected = 0;

	result = __sync_lock_test_and_set(&value, 2);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	__sync_fetch_and_add(&hits, 1);
	(void)__atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		__sync_fetch_and_add(&hits, 2);
	while (!__sync_bool_compare_and_swap(&owner, 0, 1))
		;
	if (!__atomic_compare_exchange_n(&owner, &expected, 2, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return __atomic_fetch_sub(&hits, 1, __ATOMIC_SEQ_CST);
	smp_mb();
	return result + __atomic_fetch_or(&hits, 4, __ATOMIC_RELAXED);
}

SEC("tc")
int count(struct __sk_buff *skb)
{
	struct elem *e = lookup();

	if (!e)
		return 0;
	bpf_spin_lock(&e->lock);
	e->count++;
	bpf_spin_unlock(&e->lock);
	switch (skb->len) {
	case 1: __sync_fetch_and_xor(&hits, 1); break;
	}
	return smp_load_acquire(&done);
}
`

// bpfcAt returns the byte offset of the n-th (0-based) occurrence of
// needle in bpfcSource.
func bpfcAt(t *testing.T, needle string, n int) int {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		k := strings.Index(bpfcSource[off+1:], needle)
		require.GreaterOrEqual(t, k, 0, "occurrence %d of %q", n, needle)
		off += 1 + k
	}
	return off
}

// TestBPFCReadCall checks what hover reads from the text around a call:
// its order argument and whether its value is used.
func TestBPFCReadCall(t *testing.T) {
	tests := []struct {
		needle string
		n      int // which occurrence of needle (0-based)
		want   primitive.BPFCCall
	}{
		{"__sync_lock_test_and_set", 0, primitive.BPFCCall{Result: primitive.ResultUsed}},
		{"__atomic_store_n", 0, primitive.BPFCCall{Order: "__ATOMIC_RELEASE", Result: primitive.ResultUnused}},
		{"__sync_fetch_and_add", 1, primitive.BPFCCall{Result: primitive.ResultUnused}}, // the first is in a comment
		{"__atomic_fetch_add", 0, primitive.BPFCCall{Order: "__ATOMIC_RELAXED", Result: primitive.ResultUnused}},
		{"__atomic_load_n", 0, primitive.BPFCCall{Order: "__ATOMIC_ACQUIRE", Result: primitive.ResultUsed}},
		{"__sync_fetch_and_add", 2, primitive.BPFCCall{Result: primitive.ResultUnused}}, // the body of an if
		{"__sync_bool_compare_and_swap", 0, primitive.BPFCCall{Result: primitive.ResultUsed}},
		{"__atomic_compare_exchange_n", 0, primitive.BPFCCall{Order: "__ATOMIC_ACQ_REL", Result: primitive.ResultUsed}},
		{"__atomic_fetch_sub", 0, primitive.BPFCCall{Order: "__ATOMIC_SEQ_CST", Result: primitive.ResultUsed}},
		{"smp_mb", 0, primitive.BPFCCall{Result: primitive.ResultUnused}},
		{"__atomic_fetch_or", 0, primitive.BPFCCall{Order: "__ATOMIC_RELAXED", Result: primitive.ResultUsed}},
		{"bpf_spin_lock(", 0, primitive.BPFCCall{Result: primitive.ResultUnused}},
		{"__sync_fetch_and_xor", 0, primitive.BPFCCall{Result: primitive.ResultUnused}}, // after a case label
		{"smp_load_acquire", 0, primitive.BPFCCall{Result: primitive.ResultUsed}},
	}
	src := []byte(bpfcSource)
	mask := maskC(src)
	for _, tt := range tests {
		start := bpfcAt(t, tt.needle, tt.n)
		name := strings.TrimSuffix(tt.needle, "(")
		got := readBPFCCall(src, mask, start, start+len(name), primitive.BPFCOrderArg(name))
		assert.Equal(t, tt.want, got, "%s #%d", tt.needle, tt.n)
	}
}

func TestBPFCHoverAt(t *testing.T) {
	src := []byte(bpfcSource)

	// The example: an exchange whose result is kept.
	off := bpfcAt(t, "__sync_lock_test_and_set", 0)
	md, span, ok := BPFCHoverAt(src, off+5)
	require.True(t, ok)
	assert.Equal(t, syntax.Span{Start: off, End: off + len("__sync_lock_test_and_set")}, span)
	assert.True(t, strings.HasPrefix(md, "```c\nr = __sync_lock_test_and_set(p, v)\n```"), md)
	assert.Contains(t, md, "`BPF_ATOMIC | BPF_XCHG`")
	assert.Contains(t, md, "**LKMM:** `xchg()`")
	assert.Contains(t, md, "| arm64 | `swpal`")
	assert.Contains(t, md, "GCC documents")

	// The cursor just past the name still finds it.
	off = bpfcAt(t, "__atomic_store_n", 0)
	md, span, ok = BPFCHoverAt(src, off+len("__atomic_store_n"))
	require.True(t, ok)
	assert.Equal(t, off, span.Start)
	assert.Contains(t, md, "__atomic_store_n(p, v, __ATOMIC_RELEASE)")
	assert.Contains(t, md, "`smp_store_release()`")

	// An unused __sync_fetch_and_add gets the -mcpu caveat.
	off = bpfcAt(t, "__sync_fetch_and_add", 1)
	md, _, ok = BPFCHoverAt(src, off)
	require.True(t, ok)
	assert.Contains(t, md, "```c\n__sync_fetch_and_add(p, v)\n```")
	assert.Contains(t, md, "`BPF_ATOMIC | BPF_ADD`")
	assert.Contains(t, md, "-mcpu=v3")

	// A relaxed fetch whose value is used gets the clang 22 warning.
	md, _, ok = BPFCHoverAt(src, bpfcAt(t, "__atomic_fetch_or", 0)+3)
	require.True(t, ok)
	assert.Contains(t, md, "atomic_fetch_or_relaxed()")
	assert.Contains(t, md, "clang 22")

	md, _, ok = BPFCHoverAt(src, bpfcAt(t, "__atomic_compare_exchange_n", 0))
	require.True(t, ok)
	assert.Contains(t, md, "`cmpxchg()`")
	assert.Contains(t, md, "__ATOMIC_ACQ_REL")

	md, _, ok = BPFCHoverAt(src, bpfcAt(t, "bpf_spin_unlock", 0))
	require.True(t, ok)
	assert.Contains(t, md, "`spin_unlock()`")

	// Nothing in comments, strings, types, unknown calls, or out of range.
	for _, off := range []int{
		bpfcAt(t, "__sync_fetch_and_add", 0) + 2, // comment
		bpfcAt(t, "__sync_synchronize", 0) + 2,   // string literal
		bpfcAt(t, "bpf_spin_lock lock", 0) + 2,   // the struct type
		bpfcAt(t, "lookup", 0),                   // a call we do not document
		bpfcAt(t, "SEC", 0) - 1,                  // between tokens
		-1, len(src) + 1,
	} {
		_, _, ok := BPFCHoverAt(src, off)
		assert.False(t, ok, "offset %d", off)
	}
	_, _, ok = BPFCHoverAt(nil, 0)
	assert.False(t, ok)
}

func TestMaskC(t *testing.T) {
	src := "a /* b\nc */ d // e\n\"f\\\"g\" 'h' '\\'' i"
	m := string(maskC([]byte(src)))
	require.Len(t, m, len(src))
	assert.Equal(t, "a     \n     d     \n\"    \" ' ' '  ' i", m)
	// Unterminated comments and strings blank to the end (of the line).
	assert.Equal(t, "x   \n  ", string(maskC([]byte("x /*\n*/"))))
	assert.Equal(t, "\"  \ny", string(maskC([]byte("\"ab\ny"))))
}

// FuzzBPFCHoverAt checks that no text and offset make hover fail badly:
// any answer's span names a documented identifier at the offset.
func FuzzBPFCHoverAt(f *testing.F) {
	f.Add([]byte(bpfcSource), 700)
	f.Add([]byte("__atomic_load_n(&x, /*"), 3)
	f.Add([]byte("x = __sync_fetch_and_add(((("), 6)
	f.Fuzz(func(t *testing.T, src []byte, off int) {
		md, span, ok := BPFCHoverAt(src, off)
		if !ok {
			return
		}
		require.True(t, span.Start <= off && off <= span.End, "span %v, offset %d", span, off)
		_, known := primitive.BPFCBuiltin(string(src[span.Start:span.End]), primitive.BPFCCall{})
		require.True(t, known)
		require.NotEmpty(t, md)
	})
}
