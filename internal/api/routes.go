package api

import (
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// route is one endpoint: what it answers, who may call it, and the
// handler. The OpenAPI test reads this table, so that the document and
// the server cannot drift apart.
type route struct {
	method  string
	pattern string
	auth    auth
	handler handlerFunc
}

// routes lists every endpoint of the API, in one place so the whole
// surface can be read at a glance.
func (s *Server) routes() []route {
	return []route{
		s.public("GET", "/api/v1/openapi.json", s.serveOpenAPI),

		// Team: an API token of a member.
		s.team("GET", "/api/v1/me", s.showMe),
		s.team("GET", "/api/v1/me/sessions", s.listSessions),
		s.team("DELETE", "/api/v1/me/sessions", s.endAllSessions),
		s.team("DELETE", "/api/v1/me/sessions/{id}", s.endSession),
		s.team("GET", "/api/v1/me/reviews", s.listMyReviews),
		s.team("GET", "/api/v1/members", s.listMembers),
		s.team("DELETE", "/api/v1/members/{id}", s.removeMember),
		s.team("GET", "/api/v1/jobs", s.listJobs),
		s.team("POST", "/api/v1/jobs", s.createJob),
		s.team("GET", "/api/v1/jobs/{id}", s.showJob),
		s.team("GET", "/api/v1/jobs/{id}/agreement", s.showAgreement),
		s.team("PATCH", "/api/v1/jobs/{id}", s.updateJob),
		s.team("PUT", "/api/v1/jobs/{id}/blind", s.setBlind),
		s.team("POST", "/api/v1/jobs/{id}/reveal", s.revealReviewed),
		s.team("GET", "/api/v1/jobs/{id}/reviewers", s.showReviewers),
		s.team("PUT", "/api/v1/jobs/{id}/reviewers", s.setReviewers),
		s.team("DELETE", "/api/v1/jobs/{id}/reviewers", s.clearReviewers),
		s.team("POST", "/api/v1/interviews", s.createInterview),
		s.team("GET", "/api/v1/interviews/{id}", s.showInterview),
		s.team("PATCH", "/api/v1/interviews/{id}", s.updateInterview),
		s.team("POST", "/api/v1/interviews/{id}/invitations", s.invite),
		s.team("GET", "/api/v1/interviews/{id}/scorecard", s.showScorecard),
		s.team("PUT", "/api/v1/interviews/{id}/scorecard", s.saveScorecard),
		s.team("POST", "/api/v1/interviews/{id}/steps/{step}/check", s.checkStep),
		s.team("GET", "/api/v1/steps/{id}/similarity", s.showSimilarity),
		s.team("PUT", "/api/v1/steps/{id}/similarity", s.setSimilarity),
		s.team("POST", "/api/v1/steps/{id}/similarity/references", s.addReference),
		s.team("DELETE", "/api/v1/steps/{id}/similarity/references/{ref}", s.removeReference),
		s.team("GET", "/api/v1/applications", s.listApplications),
		s.team("GET", "/api/v1/search", s.searchApplications),
		s.team("GET", "/api/v1/applications/{id}", s.showApplication),
		s.team("POST", "/api/v1/applications/{id}/reveal", s.reveal),
		s.team("GET", "/api/v1/applications/{id}/share-links", s.listShareLinks),
		s.team("POST", "/api/v1/share-links", s.createShareLink),
		s.team("DELETE", "/api/v1/share-links/{id}", s.revokeShareLink),
		s.team("POST", "/api/v1/applications/{id}/reviews", s.submitReview),
		s.team("PUT", "/api/v1/applications/{id}/review-draft", s.saveReviewDraft),
		s.team("DELETE", "/api/v1/applications/{id}/review-draft", s.discardReviewDraft),
		s.team("POST", "/api/v1/applications/{id}/regrade", s.regrade),
		s.team("GET", "/api/v1/applications/{id}/assignments", s.listAssignments),
		s.team("POST", "/api/v1/applications/{id}/assignments", s.assignReviewer),
		s.team("DELETE", "/api/v1/applications/{id}/assignments/{member_id}", s.unassignReviewer),
		s.team("POST", "/api/v1/applications/{id}/steps/{step}/marks", s.markCodeReview),
		s.team("GET", "/api/v1/applications/{id}/steps/{step}/playback", s.showPlayback),
		s.team("GET", "/api/v1/applications/{id}/messages", s.listMessages),
		s.team("POST", "/api/v1/applications/{id}/messages", s.postMessage),
		s.team("GET", "/api/v1/media/{id}/comments", s.listComments),
		s.team("POST", "/api/v1/media/{id}/comments", s.addComment),
		s.team("POST", "/api/v1/media/{id}/views", s.addViews),

		// A recording: the team, or the candidate who recorded it.
		s.viewer("GET", "/api/v1/media/{id}/{file}", s.serveRecording),
		// A file answering a file step: the team once submitted, or the
		// candidate who uploaded it.
		s.viewer("GET", "/api/v1/files/{id}", s.serveAnswerFile),

		// Candidate: the invitation token of their magic link.
		s.candidate("GET", "/api/v1/candidate", s.showCandidate),
		s.candidate("PUT", "/api/v1/candidate/answers/{step_id}", s.saveAnswer),
		s.candidate("POST", "/api/v1/candidate/runs", s.runCode),
		s.candidate("POST", "/api/v1/candidate/submit", s.submit),
		s.candidate("DELETE", "/api/v1/candidate/files/{id}", s.removeFile),
		s.candidate("POST", "/api/v1/candidate/takehome/{step_id}/credentials", s.takehomeCredentials),
		s.candidate("PUT", "/api/v1/candidate/time_zone", s.setTimeZone),
		s.candidate("POST", "/api/v1/candidate/video_consent", s.consentToVideo),
		s.candidate("GET", "/api/v1/candidate/messages", s.listCandidateMessages),
		s.candidate("POST", "/api/v1/candidate/messages", s.postCandidateMessage),
	}
}

// Register adds the API's routes to mux, and a fallback that answers
// unknown paths and methods under /api/v1/ in JSON rather than with the
// mux's plain-text pages.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.handle(rt.handler))
	}
	mux.Handle("/api/v1/", s.handle(s.fallback(mux)))
}

// fallback answers a request no route matched: 405 with the allowed
// methods if the path exists, else 404.
func (s *Server) fallback(mux *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		httpx.NoRoute(r)
		allowed := httpx.Allowed(mux, r)
		if len(allowed) == 0 {
			return routeNotFound(r)
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return apperr.New(apperr.ErrMethodNotAllowed, "%s is not allowed here; use %s", r.Method, strings.Join(allowed, ", "))
	}
}
