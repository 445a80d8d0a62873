package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// This file writes users' files safely, for every command that changes
// one (fix, fmt -w): never truncated by an interrupted write, never when
// the text is unchanged, never over a change made since it was read.

// A stagedFile is a file to replace: the text it had when it was read,
// and the new one.
type stagedFile struct {
	name     string
	old, new []byte
	tmp      string // the temporary file holding new, once written
	path     string // the file renamed over: name, its symbolic links followed
}

// replaceFiles writes each file's new text safely: to a temporary file in
// the same directory with the file's mode, then renamed over the file, so
// that an interrupted write leaves the file as it was, never truncated. A
// symbolic link is followed, and its target replaced. Every temporary file
// is written before the first rename; a file whose text is not what was
// read any more (changed by someone else meanwhile) is not written, nor
// are the others. Unchanged texts are not written at all.
func replaceFiles(files []stagedFile) (err error) {
	var todo []*stagedFile
	for i := range files {
		if !bytes.Equal(files[i].old, files[i].new) {
			todo = append(todo, &files[i])
		}
	}
	defer func() {
		for _, f := range todo {
			if f.tmp != "" {
				os.Remove(f.tmp)
			}
		}
	}()
	for _, f := range todo {
		if err := stage(f); err != nil {
			return err
		}
	}
	for _, f := range todo {
		if err := os.Rename(f.tmp, f.path); err != nil {
			return err
		}
		f.tmp = ""
		syncDir(filepath.Dir(f.path))
	}
	return nil
}

// stage writes f's new text to a temporary file next to it.
func stage(f *stagedFile) error {
	path, err := filepath.EvalSymlinks(f.name)
	if err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file; not written", f.name)
	}
	cur, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, f.old) {
		return fmt.Errorf("%s: changed since litmusls read it; not written", f.name)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".litmusls-*")
	if err != nil {
		return err
	}
	f.tmp, f.path = tmp.Name(), path
	_, err = tmp.Write(f.new)
	if err == nil {
		err = tmp.Chmod(info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir flushes a directory's entries after a rename, where the system
// allows it; a failure only weakens durability, so it is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
