package bpfc

import (
	"strings"
	"testing"
)

// Accesses to a volatile object, a field declared volatile, an element
// of a volatile array, or through a pointer to volatile are marked, and
// the header names the volatile locations; "int *volatile p" makes the
// pointer volatile, not what it points to.
func TestVolatile(t *testing.T) {
	src := `volatile int ready;
int data, plain, other;
struct s { volatile int a; int b; } g;
volatile struct { int c; } h;
volatile int arr[2];
// litmus: exists (f:r=1)
// litmus: thread
int f(void *ctx)
{
	volatile int *q = &plain;
	int *volatile p = &other;
	data = 1;
	ready = 1;
	g.a = 2;
	g.b = 3;
	h.c = 4;
	int r = ready + g.a + arr[1];
	*q = 5;
	*p = 6;
	q = &data;
	*q = 7;
	return 0;
}
`
	check(t, src, `
P0(int *ready, int *data, int *plain, int *other, int *g_a, int *g_b, int *h_c, int *arr_1)
{
	*data = 1;
	WRITE_ONCE(*ready, 1);
	WRITE_ONCE(*g_a, 2);
	*g_b = 3;
	WRITE_ONCE(*h_c, 4);
	int r = READ_ONCE(*ready) + READ_ONCE(*g_a) + READ_ONCE(*arr_1);
	WRITE_ONCE(*plain, 5);
	*other = 6;
	WRITE_ONCE(*data, 7);
}`)
	tr := translate(t, files{"main.c": src})
	assertContains(t, string(tr.Scenarios[0].Text), "(* Declared volatile in the C, so accessed with READ_ONCE/WRITE_ONCE: ready, g_a, h_c, arr_1. *)")
}

func assertContains(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}
