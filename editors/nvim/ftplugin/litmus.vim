" litmusls: buffer settings for litmus tests.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=(*\ %s\ *)
setlocal comments=s1:(*,mb:*,ex:*),://
setlocal formatoptions-=t
setlocal iskeyword+=:

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< iskeyword<'
