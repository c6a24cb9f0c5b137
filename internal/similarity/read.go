package similarity

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// MaxFiles is the most source files one path may hold.
const MaxFiles = 5000

// ReadPath reads a submission from disk: a file, or a directory whose
// source files (those lang reads, or any language the names say when
// lang is "") count together, in path order. Links are not followed.
func ReadPath(p string, lang Language) ([]File, error) {
	info, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", p)
		}
		data, err := readFile(p, info)
		if err != nil {
			return nil, err
		}
		return []File{{Path: p, Data: data}}, nil
	}
	var files []File
	err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); q != p && (name == ".git" || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		l, ok := Detect(q)
		if !ok || (lang != "" && l != lang && !(lang == Cpp && l == C)) {
			return nil
		}
		if len(files) == MaxFiles {
			return fmt.Errorf("%s: more than %d source files", p, MaxFiles)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := readFile(q, info)
		if err != nil {
			return err
		}
		files = append(files, File{Path: q, Data: data})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}

func readFile(p string, info fs.FileInfo) ([]byte, error) {
	if info.Size() > MaxFile {
		return nil, fmt.Errorf("%s: larger than %d MB", p, MaxFile>>20)
	}
	return os.ReadFile(p)
}
