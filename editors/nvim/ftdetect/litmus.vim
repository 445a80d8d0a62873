" litmusls: herd7 litmus tests (C/LKMM and BPF-assembly dialects).
autocmd BufRead,BufNewFile *.litmus setfiletype litmus
