" Vim syntax file
" Language:    herd7 litmus tests: the C dialect of the Linux-kernel memory
"              model and the BPF-assembly dialect
" Maintainer:  litmusls
" Filenames:   *.litmus

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match

" Litmus tests are short: parse from the start, so (* ... *) spans are right.
syntax sync fromstart

" Header: the first line names the dialect and the test.
syntax match litmusHeader /\%1l^\s*\(C\|BPF\)\>.*$/ contains=litmusArch
syntax match litmusArch /\%1l^\s*\zs\(C\|BPF\)\>/ contained

" Comments: OCaml-style (* ... *), C-style // and /* */ in C tests. In C
" code "(*" is a dereference, as in READ_ONCE(*x): a comment starts with
" "(*" followed by a blank, another "*" or the end of the line.
syntax region litmusComment start=/(\*\%(\s\|\*\|$\)/ end=/\*)/ contains=litmusTodo,litmusResult,litmusComment fold
syntax region litmusComment start=+/\*+ end=+\*/+ contains=litmusTodo,litmusResult
syntax match litmusComment +//.*$+ contains=litmusTodo
syntax match litmusResult /\<Result:\s*\(Always\|Sometimes\|Never\|DeadlockLocks\)\?/ contained
syntax keyword litmusTodo TODO FIXME XXX contained

" Threads and locations.
syntax match litmusThread /\<P\d\+\>/
syntax match litmusLocation /\<\d\+:\(r\d\+\|[A-Za-z_]\w*\)\>/ contains=litmusThreadId
syntax match litmusThreadId /\<\d\+:/ contained
syntax match litmusDeref /\[\s*[A-Za-z_]\w*\s*\]/

" Kernel (LKMM) primitives.
syntax keyword litmusPrimitive READ_ONCE WRITE_ONCE
syntax keyword litmusPrimitive smp_load_acquire smp_store_release smp_store_mb
syntax keyword litmusPrimitive rcu_dereference rcu_assign_pointer
syntax keyword litmusPrimitive xchg xchg_relaxed xchg_acquire xchg_release
syntax keyword litmusPrimitive cmpxchg cmpxchg_relaxed cmpxchg_acquire cmpxchg_release
syntax keyword litmusPrimitive atomic_read atomic_set atomic_read_acquire atomic_set_release
syntax keyword litmusPrimitive atomic_add atomic_sub atomic_inc atomic_dec atomic_add_unless
syntax match litmusPrimitive /\<atomic_\(add\|sub\|inc\|dec\|xchg\|cmpxchg\|fetch_\w\+\)\(_return\)\?\(_relaxed\|_acquire\|_release\)\?\>/
syntax keyword litmusPrimitive spin_lock spin_unlock spin_trylock spin_is_locked
syntax keyword litmusPrimitive srcu_read_lock srcu_read_unlock srcu_down_read srcu_up_read
syntax keyword litmusFence smp_mb smp_rmb smp_wmb barrier
syntax keyword litmusFence smp_mb__before_atomic smp_mb__after_atomic smp_mb__after_spinlock
syntax keyword litmusFence smp_mb__after_unlock_lock smp_mb__after_srcu_read_unlock
syntax keyword litmusFence rcu_read_lock rcu_read_unlock synchronize_rcu synchronize_rcu_expedited
syntax keyword litmusFence synchronize_srcu synchronize_srcu_expedited

" BPF-assembly instructions and registers.
syntax keyword litmusPrimitive load_acquire store_release
syntax match litmusPrimitive /\<atomic_fetch_\(add\|and\|or\|xor\)\>/
syntax match litmusPrimitive /\<\(cmpxchg\|xchg\)\(_64\|32_32\|_32_32\)\>/
syntax keyword litmusKeyword goto
syntax match litmusType /\<u\(8\|16\|32\|64\)\>/
syntax match litmusRegister /\<[rw]\d\+\>/
syntax match litmusLabel /^\s*\zs[A-Za-z_]\w*:\ze\s*\(|\|;\|$\)/

" C statements and types.
syntax keyword litmusKeyword if else while for return
syntax keyword litmusType int long char short unsigned signed void intptr_t atomic_t spinlock_t
syntax keyword litmusType struct srcu_struct

" Conditions.
syntax keyword litmusQuantifier exists forall locations filter
syntax match litmusQuantifier /\~\s*exists\>/
syntax match litmusOperator +/\\\|\\/\|\~\|==\|!=\|=>+
syntax keyword litmusBool true false

syntax match litmusNumber /\<-\?\(0x\x\+\|\d\+\)\>/

hi def link litmusHeader      Title
hi def link litmusArch        Keyword
hi def link litmusComment     Comment
hi def link litmusResult      SpecialComment
hi def link litmusTodo        Todo
hi def link litmusThread      Function
hi def link litmusLocation    Identifier
hi def link litmusThreadId    Special
hi def link litmusDeref       Identifier
hi def link litmusPrimitive   Function
hi def link litmusFence       Statement
hi def link litmusKeyword     Keyword
hi def link litmusType        Type
hi def link litmusRegister    Identifier
hi def link litmusLabel       Label
hi def link litmusQuantifier  Keyword
hi def link litmusOperator    Operator
hi def link litmusBool        Boolean
hi def link litmusNumber      Number

let b:current_syntax = 'litmus'

let &cpo = s:cpo_save
unlet s:cpo_save
