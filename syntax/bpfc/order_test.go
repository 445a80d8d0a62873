package bpfc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseOrder(t *testing.T) {
	for in, want := range map[string]Order{
		"__ATOMIC_RELAXED": OrderRelaxed, " __ATOMIC_CONSUME ": OrderConsume, "(__ATOMIC_ACQUIRE)": OrderAcquire,
		"memory_order_release": OrderRelease, "__ATOMIC_ACQ_REL": OrderAcqRel, "__ATOMIC_SEQ_CST": OrderSeqCst,
		"0": OrderRelaxed, "2": OrderAcquire, "5": OrderSeqCst, "6": OrderUnknown, "order": OrderUnknown, "": OrderUnknown,
		"MEMORY_ORDER_SEQ_CST": OrderSeqCst, "__atomic_relaxed": OrderRelaxed,
	} {
		assert.Equal(t, want, ParseOrder(in), in)
	}
	for o := OrderRelaxed; o <= OrderSeqCst; o++ {
		assert.Equal(t, o, ParseOrder(o.String()), o.String())
	}
	assert.Equal(t, "", OrderUnknown.String())
}
