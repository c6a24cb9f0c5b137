package application

import (
	"bufio"
	"encoding/csv"
	"io"
	"net/mail"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
)

// MaxCandidateList is the largest pasted or uploaded candidate list, in bytes.
const MaxCandidateList = 1 << 20

// ParseCandidates reads a pasted list or a CSV file of candidates. It
// accepts a header row (name,email in either order), a UTF-8 byte-order
// mark, comma, semicolon or tab separators, quoted fields with separators
// inside, and pasted lines such as "Ada Lovelace <ada@example.com>" or a
// bare address. Rows it cannot read come back as problems; every
// candidate carries the line it came from, so later problems name the
// line the person sees.
func ParseCandidates(r io.Reader) ([]NewCandidate, []RowProblem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCandidateList+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxCandidateList {
		return nil, nil, apperr.New(apperr.ErrTooLarge, "the list is larger than 1 MB; split it into smaller lists")
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	sep := guessSeparator(text)

	var people []NewCandidate
	var problems []RowProblem
	nameCol, emailCol := -1, -1
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), MaxCandidateList)
	line := 0
	first := true
	for sc.Scan() {
		line++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		fields, err := splitRow(raw, sep)
		if err != nil {
			problems = append(problems, RowProblem{line, raw, "the quotes on this line are not balanced"})
			continue
		}
		if first {
			first = false
			if n, e, ok := headerColumns(fields); ok {
				nameCol, emailCol = n, e
				continue
			}
		}
		c, ok := rowCandidate(fields, nameCol, emailCol)
		if !ok {
			problems = append(problems, RowProblem{line, raw, "no email address on this line"})
			continue
		}
		c.Row = line
		people = append(people, c)
	}
	return people, problems, sc.Err()
}

// guessSeparator picks the separator used most on the first lines.
func guessSeparator(text string) rune {
	head := text
	if len(head) > 4096 {
		head = head[:4096]
	}
	best, bestN := ',', 0
	for _, sep := range []rune{',', ';', '\t'} {
		if n := strings.Count(head, string(sep)); n > bestN {
			best, bestN = sep, n
		}
	}
	return best
}

func splitRow(line string, sep rune) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	fields, err := r.Read()
	if err != nil {
		return nil, err
	}
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	return fields, nil
}

// headerColumns recognises a header row and returns the name and email
// column indexes.
func headerColumns(fields []string) (name, email int, ok bool) {
	name, email = -1, -1
	for i, f := range fields {
		switch strings.ToLower(strings.Trim(f, " \"")) {
		case "name", "full name", "full_name", "candidate", "candidate name":
			name = i
		case "email", "e-mail", "email address", "mail":
			email = i
		}
	}
	return name, email, email >= 0
}

// rowCandidate finds the name and email in a row: by header columns when
// known, else the field that looks like an address and the first other
// non-empty field as the name.
func rowCandidate(fields []string, nameCol, emailCol int) (NewCandidate, bool) {
	if emailCol >= 0 {
		var c NewCandidate
		if emailCol < len(fields) {
			c.Email = fields[emailCol]
		}
		if nameCol >= 0 && nameCol < len(fields) {
			c.Name = fields[nameCol]
		}
		return c, c.Email != ""
	}
	if len(fields) == 1 {
		// "Ada Lovelace <ada@example.com>" or a bare address.
		if a, err := mail.ParseAddress(fields[0]); err == nil {
			return NewCandidate{Name: a.Name, Email: a.Address}, true
		}
		if strings.Contains(fields[0], "@") {
			return NewCandidate{Email: fields[0]}, true
		}
		return NewCandidate{}, false
	}
	var c NewCandidate
	for _, f := range fields {
		switch {
		case c.Email == "" && strings.Contains(f, "@"):
			c.Email = f
		case c.Name == "" && f != "":
			c.Name = f
		}
	}
	return c, c.Email != ""
}
