package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/opening"
)

// fileStep adds to f an interview of one file step: PDFs or PNGs, two
// files of at most 1 MB.
func (f *candidateFixture) fileStep(t *testing.T) opening.Interview {
	t.Helper()
	iv, err := f.ts.Svc.Openings.CreateInterview(context.Background(), f.owner, opening.InterviewInput{JobID: &f.job.ID,
		Title: candPtr("Design exercise"), Steps: &[]opening.Step{{Kind: opening.KindFile, Title: "Your design",
			Prompt: "Upload your design as a PDF, and a screenshot if you like.",
			Files:  &opening.FileRules{Types: []string{"pdf", "png"}, MaxFiles: 2, MaxMB: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	return iv
}

var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// TestCandidateFileStep: without JavaScript, a candidate adds a PDF with
// the form, sees it listed, is refused a file of the wrong type and a
// fake PDF without losing the first, removes and adds again, submits;
// the reviewer then reads the files on the application page, the image
// previewed, and downloads them as attachments under a sandbox.
func TestCandidateFileStep(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	iv := f.fileStep(t)
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	st := iv.Steps[0]
	step := candStepPath(inv, st)

	resp, body := b.get(step)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find(`form.cand-file-form input[type=file][accept=".pdf,.png"][multiple]`).Length() != 1 ||
		!strings.Contains(candText(doc, "#files-hint"), "PDF or PNG image, up to 1 MB each; 2 files in all") {
		t.Fatalf("the file step: %d\n%s", resp.StatusCode, candText(doc, "main"))
	}

	pdf := []byte("%PDF-1.7\nmy design")
	resp, body = b.postFile(step+"/files", nil, "files", "design.pdf", pdf)
	doc = candHTML(t, body)
	first, _ := doc.Find(".file-list a").Attr("href")
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, ".flash"), "Uploaded “design.pdf”") ||
		!strings.HasPrefix(first, candAppPath(inv)+"/answer-files/") {
		t.Fatalf("after the upload: %d %q\n%s", resp.StatusCode, candText(doc, ".flash"), candText(doc, "main"))
	}

	for _, bad := range []struct{ name, content, says string }{
		{"notes.docx", "PK\x03\x04", "is not a file this step takes: send PDF or PNG image"},
		{"fake.pdf", "<html><script>alert(1)</script>", "is named as a PDF but its content is not one"},
	} {
		resp, body = b.postFile(step+"/files", nil, "files", bad.name, []byte(bad.content))
		doc = candHTML(t, body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "[role=alert]"), bad.says) ||
			doc.Find(".file-list li").Length() != 1 {
			t.Errorf("%s: %d %q, files listed %d", bad.name, resp.StatusCode, candText(doc, "[role=alert]"), doc.Find(".file-list li").Length())
		}
	}
	// Over the size: the first file stays.
	resp, body = b.postFile(step+"/files", nil, "files", "big.pdf", append([]byte("%PDF-"), make([]byte, 1<<20)...))
	if doc = candHTML(t, body); resp.StatusCode != http.StatusRequestEntityTooLarge || doc.Find(".file-list li").Length() != 1 {
		t.Errorf("too large: %d %q", resp.StatusCode, candText(doc, "[role=alert]"))
	}

	resp, body = b.postFile(step+"/files", nil, "files", "screen.png", onePixelPNG)
	if doc = candHTML(t, body); doc.Find(".file-list li").Length() != 2 || doc.Find("form.cand-file-form").Length() != 0 ||
		!strings.Contains(candText(doc, ".notice"), "Remove one to add another") {
		t.Errorf("with two files the form should give way to a notice: %d\n%s", resp.StatusCode, candText(doc, "main"))
	}

	// The candidate downloads their own; another candidate cannot.
	resp, body = b.get(first)
	if resp.StatusCode != http.StatusOK || body != string(pdf) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("the candidate's download: %d %v", resp.StatusCode, resp.Header)
	}
	other := f.invite(t, iv, "Grace Hopper", "grace@example.com")
	gb := f.ts.browser(t)
	f.open(t, gb, other)
	if resp, _ := gb.get(strings.Replace(first, candAppPath(inv), candAppPath(other), 1)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another candidate's download: %d", resp.StatusCode)
	}

	team := f.ts.signInAs(t, "olivia@acme.example", teamPassword)
	if resp, _ := team.get(strings.TrimPrefix(first, candAppPath(inv))); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the team's download before submission: %d", resp.StatusCode)
	}

	// Remove the PDF, add it again.
	resp, body = b.post(first+"/remove", url.Values{"step": {fmt.Sprint(st.ID)}})
	if doc = candHTML(t, body); doc.Find(".file-list li").Length() != 1 || !strings.Contains(candText(doc, ".flash"), "File removed") {
		t.Errorf("after removing: %d\n%s", resp.StatusCode, candText(doc, "main"))
	}
	b.postFile(step+"/files", nil, "files", "design-v2.pdf", pdf)

	// The team sees the files only once the candidate submits.
	resp, body = b.post(candAppPath(inv)+"/submit", url.Values{})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	resp, body = team.get(fmt.Sprintf("/applications/%d", inv.Application.ID))
	doc = teamMust(t, "application page", resp, body, http.StatusOK)
	files := doc.Find(fmt.Sprintf("#step-%d .review-files li", st.ID))
	pngSrc, _ := doc.Find(".file-preview img").Attr("src")
	pdfView, _ := doc.Find(`.review-files a[target=_blank]`).Attr("href")
	if files.Length() != 2 || !strings.Contains(files.Text(), "design-v2.pdf") || !strings.Contains(files.Text(), "PNG image") ||
		!strings.HasSuffix(pngSrc, "?inline=1") || !strings.HasSuffix(pdfView, "?inline=1") {
		t.Fatalf("the reviewer's files:\n%s", squash(files.Text()))
	}
	pdfURL := strings.TrimSuffix(pdfView, "?inline=1")
	resp, body = team.get(pdfURL)
	if resp.StatusCode != http.StatusOK || body != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("the team's download: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = team.get(pngSrc)
	if resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("the image preview: %v", resp.Header)
	}
	// Another organisation cannot.
	if resp, _ := teamOtherOrg(t, f.ts).get(pdfURL); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's download: %d", resp.StatusCode)
	}
	// After submission, the step is read-only.
	resp, body = b.get(step)
	if doc = candHTML(t, body); doc.Find("form.cand-file-form").Length() != 0 || doc.Find(".file-list li").Length() != 2 {
		t.Errorf("the submitted step:\n%s", candText(doc, "main"))
	}
	resp, _ = b.postFile(step+"/files", nil, "files", "late.pdf", pdf)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("an upload after submission: %d", resp.StatusCode)
	}
}

// TestFileStepInTheEditor: a recruiter adds a file-upload step in the
// editor, ticks the types and sets the limits; the saved step has them.
func TestFileStepInTheEditor(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	team := f.ts.signInAs(t, "olivia@acme.example", teamPassword)
	path := fmt.Sprintf("/interviews/%d", f.other.ID)
	resp, body := team.get(path + "/edit")
	doc := teamMust(t, "editor", resp, body, http.StatusOK)
	form := ivvForm(doc, "form.editor")
	form.Set("action", "add_file")
	resp, body = team.post(path, form)
	doc = teamMust(t, "editor with a file step", resp, body, http.StatusOK)
	if doc.Find(`input[name="steps.1.type_pdf"][checked]`).Length() != 1 || doc.Find(`input[name="steps.1.max_mb"][value="25"]`).Length() != 1 {
		t.Fatalf("the new file step's fields:\n%s", squash(doc.Find("fieldset").Last().Text()))
	}
	form = ivvForm(doc, "form.editor")
	form.Set("steps.1.title", "Your write-up")
	form.Set("steps.1.type_zip", "1")
	form.Set("steps.1.max_files", "3")
	form.Set("steps.1.max_mb", "50")
	form.Set("action", "save")
	resp, body = team.post(path, form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	iv, err := f.ts.Svc.Openings.Interview(context.Background(), f.owner, f.other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iv.Steps) != 2 || iv.Steps[1].Kind != opening.KindFile || iv.Steps[1].Files == nil ||
		fmt.Sprint(*iv.Steps[1].Files) != "{[pdf zip] 3 50}" {
		t.Errorf("saved: %+v", iv.Steps)
	}

	// "None ticked: all of them": untick both, and every type is taken.
	resp, body = team.get(path + "/edit")
	form = ivvForm(teamMust(t, "editor again", resp, body, http.StatusOK), "form.editor")
	form.Del("steps.1.type_pdf")
	form.Del("steps.1.type_zip")
	form.Set("action", "save")
	if resp, body = team.post(path, form); resp.StatusCode != http.StatusOK {
		t.Fatalf("save with no type ticked: %d\n%s", resp.StatusCode, body)
	}
	iv, err = f.ts.Svc.Openings.Interview(context.Background(), f.owner, f.other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := iv.Steps[1].Files; got == nil || len(got.Types) != 0 {
		t.Errorf("with no type ticked the step takes %+v, want every type", got)
	}
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	resp, body = b.get(candStepPath(inv, iv.Steps[1]))
	if hint := candText(candHTML(t, body), "#files-hint"); !strings.HasPrefix(hint, "Any of PDF, Word document (.docx), Plain text or Markdown, CSV, Zip archive, PNG image or JPEG image") {
		t.Errorf("the candidate reads %q", hint)
	}
}

// TestFileFormCutOff: a form whose upload is cut off mid-file leaves no
// file behind "uploading", which would hold a place and block submission.
func TestFileFormCutOff(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	iv := f.fileStep(t)
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	body := "--XX\r\nContent-Disposition: form-data; name=\"files\"; filename=\"cut.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 and then noth"
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+candStepPath(inv, iv.Steps[0])+"/files", strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=XX")
	req.Header.Set("Origin", f.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range b.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a cut-off form: %d, want 400", resp.StatusCode)
	}
	files, err := f.ts.Svc.Files.ForApplication(context.Background(), inv.Application.ID)
	if err != nil || len(files) != 0 {
		t.Errorf("after a cut-off form the files are %+v (%v)", files, err)
	}
	if _, err := f.ts.Svc.Applications.Submit(context.Background(), inv.Application); err != nil {
		t.Errorf("submitting after a cut-off form: %v", err)
	}
}
