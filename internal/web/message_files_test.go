package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// postFiles posts a multipart form with several files under "files".
func (b *browser) postFiles(path string, fields url.Values, files map[string][]byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, content := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, b.base+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range b.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	for resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusFound {
		for _, c := range resp.Cookies() {
			b.cookie[c.Name] = c.Value
		}
		resp.Body.Close()
		return b.get(resp.Header.Get("Location"))
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// TestMessageFiles: candidate and team attach files; each side downloads
// what it may, as an attachment, never a note's file or another
// candidate's; too many or too large files are refused with the text kept.
func TestMessageFiles(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	base := candAppPath(ada)

	resp, body := cand.postFiles(base+"/messages", url.Values{"body": {"My certificate, as asked."}},
		map[string][]byte{"certificate.pdf": []byte("%PDF-1.4 fake"), "../../etc/passwd": []byte("root:x")})
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find(".msg-files a").Length() != 2 || !strings.Contains(candText(doc, ".msg-files"), "passwd") || strings.Contains(candText(doc, ".msg-files"), "..") {
		t.Fatalf("after sending files: %d %q", resp.StatusCode, candText(doc, ".msg-files"))
	}

	big := bytes.Repeat([]byte("x"), 5<<20+1)
	resp, body = cand.postFiles(base+"/messages", url.Values{"body": {"A big one"}}, map[string][]byte{"big.bin": big})
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(candText(doc, ".error"), "larger than 5 MB") || doc.Find("#body").Text() != "A big one" {
		t.Errorf("a file over 5 MB: %d %q", resp.StatusCode, candText(doc, ".error"))
	}
	resp, _ = cand.postFiles(base+"/messages", url.Values{"body": {"Four"}}, map[string][]byte{"a": {1}, "b": {2}, "c": {3}, "d": {4}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("four files: %d", resp.StatusCode)
	}

	team := f.teamLogin(t)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	resp, body = team.get(app)
	doc = teamMust(t, "application", resp, body, http.StatusOK)
	link, _ := doc.Find(`.msg-files a[href^="/files/"]`).First().Attr("href")
	resp, got := team.get(link)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || resp.Header.Get("Content-Type") != "application/octet-stream" || (got != "%PDF-1.4 fake" && got != "root:x") {
		t.Errorf("the team's download: %d %q %q %q", resp.StatusCode, resp.Header.Get("Content-Disposition"), resp.Header.Get("Content-Type"), got)
	}

	team.postFiles(app+"/messages", url.Values{"body": {"Our notes on her CV."}, "internal": {"1"}}, map[string][]byte{"notes.txt": []byte("internal notes")})
	team.postFiles(app+"/messages", url.Values{"body": {"Thanks! Here is our guide."}}, map[string][]byte{"guide.txt": []byte("the guide")})
	resp, body = team.get(app)
	ids := regexp.MustCompile(`href="/files/(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(ids) != 4 {
		t.Fatalf("%d files on the application page, want 4", len(ids))
	}
	noteFile, guideFile := ids[2][1], ids[3][1]

	resp, got = cand.get(base + "/files/" + guideFile)
	if resp.StatusCode != http.StatusOK || got != "the guide" {
		t.Errorf("the candidate's download of the team's file: %d %q", resp.StatusCode, got)
	}
	if resp, _ := cand.get(base + "/files/" + noteFile); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the candidate downloading a note's file: %d", resp.StatusCode)
	}
	grace := f.invite(t, f.iv, "Grace Hopper", "grace@example.com")
	other := f.ts.browser(t)
	f.open(t, other, grace)
	if resp, _ := other.get(candAppPath(grace) + "/files/" + guideFile); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another candidate downloading Ada's file: %d", resp.StatusCode)
	}
	if _, body := cand.get(base + "/messages"); strings.Contains(body, "notes.txt") {
		t.Error("the candidate sees a note's file")
	}
}
