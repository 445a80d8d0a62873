package syntax

// A Primitive describes a kernel primitive a C litmus test may call.
type Primitive struct {
	Arity   int    // number of arguments
	Returns bool   // whether the call yields a value
	Summary string // one-line description, for hover and completion
}

// Primitives maps every callable name the C dialect accepts to its
// arity, whether it returns a value, and a short description. It holds the
// macros of the LKMM's linux-kernel.def and those herd7's C front end knows
// natively. It must not be modified.
var Primitives = map[string]Primitive{
	"READ_ONCE":                      {1, true, "marked load of *X"},
	"WRITE_ONCE":                     {2, false, "marked store of V to *X"},
	"smp_load_acquire":               {1, true, "load of *X with acquire ordering"},
	"smp_store_release":              {2, false, "store of V to *X with release ordering"},
	"rcu_dereference":                {1, true, "marked load of an RCU-protected pointer"},
	"rcu_assign_pointer":             {2, false, "release store publishing an RCU-protected pointer"},
	"smp_store_mb":                   {2, false, "marked store followed by a full barrier"},
	"smp_mb":                         {0, false, "full memory barrier"},
	"smp_rmb":                        {0, false, "read memory barrier"},
	"smp_wmb":                        {0, false, "write memory barrier"},
	"smp_mb__before_atomic":          {0, false, "full barrier before a non-value-returning atomic"},
	"smp_mb__after_atomic":           {0, false, "full barrier after a non-value-returning atomic"},
	"smp_mb__after_spinlock":         {0, false, "full barrier after acquiring a spinlock"},
	"smp_mb__after_unlock_lock":      {0, false, "full barrier after an unlock+lock pair"},
	"smp_mb__after_srcu_read_unlock": {0, false, "full barrier after srcu_read_unlock"},
	"barrier":                        {0, false, "compiler barrier"},
	"xchg":                           {2, true, "fully ordered exchange"},
	"xchg_relaxed":                   {2, true, "unordered exchange"},
	"xchg_acquire":                   {2, true, "exchange with acquire ordering"},
	"xchg_release":                   {2, true, "exchange with release ordering"},
	"cmpxchg":                        {3, true, "fully ordered compare-and-exchange"},
	"cmpxchg_relaxed":                {3, true, "unordered compare-and-exchange"},
	"cmpxchg_acquire":                {3, true, "compare-and-exchange with acquire ordering"},
	"cmpxchg_release":                {3, true, "compare-and-exchange with release ordering"},
	"spin_lock":                      {1, false, "acquire a spinlock"},
	"spin_unlock":                    {1, false, "release a spinlock"},
	"spin_trylock":                   {1, true, "try to acquire a spinlock; nonzero on success"},
	"spin_is_locked":                 {1, true, "whether a spinlock is held"},
	"rcu_read_lock":                  {0, false, "start an RCU read-side critical section"},
	"rcu_read_unlock":                {0, false, "end an RCU read-side critical section"},
	"synchronize_rcu":                {0, false, "wait for an RCU grace period"},
	"synchronize_rcu_expedited":      {0, false, "wait for an expedited RCU grace period"},
	"srcu_read_lock":                 {1, true, "start an SRCU read-side critical section; returns an index"},
	"srcu_read_unlock":               {2, false, "end an SRCU read-side critical section"},
	"srcu_down_read":                 {1, true, "start an SRCU reader that may end on another CPU"},
	"srcu_up_read":                   {2, false, "end an srcu_down_read reader"},
	"synchronize_srcu":               {1, false, "wait for an SRCU grace period"},
	"synchronize_srcu_expedited":     {1, false, "wait for an expedited SRCU grace period"},
	"atomic_read":                    {1, true, "marked load of an atomic_t"},
	"atomic_set":                     {2, false, "marked store to an atomic_t"},
	"atomic_read_acquire":            {1, true, "acquire load of an atomic_t"},
	"atomic_set_release":             {2, false, "release store to an atomic_t"},
	"atomic_xchg":                    {2, true, "fully ordered exchange of an atomic_t"},
	"atomic_xchg_relaxed":            {2, true, "unordered exchange of an atomic_t"},
	"atomic_xchg_acquire":            {2, true, "acquire exchange of an atomic_t"},
	"atomic_xchg_release":            {2, true, "release exchange of an atomic_t"},
	"atomic_cmpxchg":                 {3, true, "fully ordered compare-and-exchange of an atomic_t"},
	"atomic_cmpxchg_relaxed":         {3, true, "unordered compare-and-exchange of an atomic_t"},
	"atomic_cmpxchg_acquire":         {3, true, "acquire compare-and-exchange of an atomic_t"},
	"atomic_cmpxchg_release":         {3, true, "release compare-and-exchange of an atomic_t"},
	"atomic_sub_and_test":            {2, true, "fully ordered subtract; true if the result is zero"},
	"atomic_dec_and_test":            {1, true, "fully ordered decrement; true if the result is zero"},
	"atomic_inc_and_test":            {1, true, "fully ordered increment; true if the result is zero"},
	"atomic_add_negative":            {2, true, "fully ordered add; true if the result is negative"},
	"atomic_add_negative_relaxed":    {2, true, "unordered add; true if the result is negative"},
	"atomic_add_negative_acquire":    {2, true, "acquire add; true if the result is negative"},
	"atomic_add_negative_release":    {2, true, "release add; true if the result is negative"},
	"atomic_add_unless":              {3, true, "add V to *X unless it equals W; nonzero if it added"},
	"ATOMIC_INIT":                    {1, true, "initial value of an atomic_t (init block)"},
	"lock":                           {1, false, "acquire a lock (herd7 native)"},
	"unlock":                         {1, false, "release a lock (herd7 native)"},
}

// init adds the regular families of atomic operations: the void
// operations, and the value-returning ones with their ordering suffixes.
func init() {
	opName := map[string]string{"add": "add", "sub": "subtract", "and": "and", "or": "or", "xor": "xor", "andnot": "and-not", "inc": "increment", "dec": "decrement"}
	order := map[string]string{"": "fully ordered", "_relaxed": "unordered", "_acquire": "acquire", "_release": "release"}
	for op, desc := range opName {
		arity := 2
		if op == "inc" || op == "dec" {
			arity = 1
		}
		Primitives["atomic_"+op] = Primitive{arity, false, "unordered atomic " + desc + " without result"}
		for suf, o := range order {
			Primitives["atomic_fetch_"+op+suf] = Primitive{arity, true, o + " atomic " + desc + "; returns the old value"}
			if op != "and" && op != "or" && op != "xor" && op != "andnot" {
				Primitives["atomic_"+op+"_return"+suf] = Primitive{arity, true, o + " atomic " + desc + "; returns the new value"}
			}
		}
	}
}
