package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/anyhour/anyhour/internal/application"
)

// uploadDocument gives a's answer to the file step stepID: a one-page PDF
// in the candidate's name, as they would have written it.
func (s *seeder) uploadDocument(ctx context.Context, a application.Application, stepID int64) error {
	first := strings.Fields(a.Candidate.Name)[0]
	pdf := onePagePDF(
		"Onboarding checklist for a new customer site",
		"Prepared by "+a.Candidate.Name,
		"",
		"1. Kick-off call with the operations manager and IT: goals, contacts, dates.",
		"2. Site survey: floor plan, Wi-Fi coverage, charging spots, safety zones.",
		"3. Pilot with two robots on one shift; daily check-in for the first week.",
		"4. Training for shift leads; a one-page guide at every charging station.",
		"5. Day 30 review: picks per hour against the baseline, open issues, next site.",
		"",
		"Written by "+first+" for customers; shared with their permission.",
	)
	name := strings.ToLower(first) + "-onboarding-checklist.pdf"
	_, err := s.svc.Files.Add(ctx, a, stepID, name, bytes.NewReader(pdf))
	return err
}

// onePagePDF writes a valid one-page PDF showing lines in Helvetica.
func onePagePDF(lines ...string) []byte {
	var text strings.Builder
	text.WriteString("BT /F1 13 Tf 56 780 Td 18 TL\n")
	for _, l := range lines {
		r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
		fmt.Fprintf(&text, "(%s) Tj T*\n", r.Replace(l))
	}
	text.WriteString("ET")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", text.Len(), text.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
