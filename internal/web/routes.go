package web

import "net/http"

// Register adds every page's route to mux. All routes are here, in one
// place, so the whole surface can be read at a glance.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", serveStatic())

	// Signing in, first run, joining a team.
	mux.HandleFunc("GET /setup", s.handle(s.showSetup))
	mux.HandleFunc("POST /setup", s.handle(s.setup))
	mux.HandleFunc("GET /login", s.handle(s.showLogin))
	mux.HandleFunc("POST /login", s.handle(s.login))
	mux.HandleFunc("POST /logout", s.handle(s.logout))

	// Team pages.
	mux.HandleFunc("GET /{$}", s.team(s.showDashboard))
	mux.HandleFunc("GET /jobs/new", s.team(s.showNewJob))
	mux.HandleFunc("POST /jobs", s.team(s.createJob))
	mux.HandleFunc("GET /jobs/{id}", s.team(s.showJob))
	mux.HandleFunc("GET /jobs/{id}/edit", s.team(s.showEditJob))
	mux.HandleFunc("POST /jobs/{id}", s.team(s.updateJob))
	mux.HandleFunc("POST /jobs/{id}/status", s.team(s.setJobStatus))
	mux.HandleFunc("GET /interviews/new", s.team(s.showNewInterview))
	mux.HandleFunc("POST /interviews", s.team(s.saveInterview))
	mux.HandleFunc("GET /interviews/{id}", s.team(s.showInterview))
	mux.HandleFunc("GET /interviews/{id}/edit", s.team(s.showEditInterview))
	mux.HandleFunc("POST /interviews/{id}", s.team(s.saveInterview))
	mux.HandleFunc("POST /interviews/{id}/invitations", s.team(s.invite))
	mux.HandleFunc("GET /interviews/{id}/steps/{step}/code", s.team(s.showCodeTask))
	mux.HandleFunc("POST /interviews/{id}/steps/{step}/code", s.team(s.saveCodeTask))
	mux.HandleFunc("GET /interviews/{id}/videos", s.team(s.showInterviewVideos))
	mux.HandleFunc("POST /interviews/{id}/videos/{media}/remove", s.team(s.removeInterviewVideo))
	mux.HandleFunc("GET /inbox", s.team(s.showInbox))
	mux.HandleFunc("GET /applications/{id}", s.team(s.showApplication))
	mux.HandleFunc("POST /applications/{id}/review", s.team(s.submitReview))
	mux.HandleFunc("POST /applications/{id}/regrade", s.team(s.regradeApplication))
	mux.HandleFunc("POST /applications/{id}/messages", s.team(s.postApplicationMessage))
	mux.HandleFunc("POST /applications/{id}/relink", s.team(s.relink))
	mux.HandleFunc("POST /applications/{id}/revoke", s.team(s.revokeLink))
	mux.HandleFunc("GET /team", s.team(s.showTeam))
	mux.HandleFunc("POST /team/{id}/role", s.team(s.setRole))
	mux.HandleFunc("POST /team/invites", s.team(s.inviteMember))
	mux.HandleFunc("POST /team/invites/{id}/revoke", s.team(s.revokeMemberInvite))
	mux.HandleFunc("GET /join/{token}", s.handle(s.showJoin))
	mux.HandleFunc("POST /join/{token}", s.handle(s.join))
	mux.HandleFunc("GET /settings", s.team(s.showSettings))
	mux.HandleFunc("GET /settings/emails", s.team(s.showEmails))
	mux.HandleFunc("POST /settings/profile", s.team(s.updateProfile))
	mux.HandleFunc("POST /settings/org", s.team(s.updateOrg))
	mux.HandleFunc("POST /settings/tokens", s.team(s.createToken))
	mux.HandleFunc("POST /settings/tokens/{id}/revoke", s.team(s.revokeToken))
	mux.HandleFunc("GET /audit", s.team(s.showAudit))
	mux.HandleFunc("GET /media/{id}/{file}", s.team(s.serveTeamMedia))
	mux.HandleFunc("POST /media/{id}/comments", s.team(s.addMediaComment))
	mux.HandleFunc("POST /media/{id}/views", s.team(s.addMediaViews))

	// Candidate pages.
	mux.HandleFunc("GET /c/{token}", s.handle(s.openLink))
	mux.HandleFunc("GET /candidate/{app}", s.candidate(s.showCandidateWelcome))
	mux.HandleFunc("POST /candidate/{app}/timezone", s.candidate(s.setCandidateZone))
	mux.HandleFunc("GET /candidate/{app}/steps/{step}", s.candidate(s.showCandidateStep))
	mux.HandleFunc("POST /candidate/{app}/steps/{step}", s.candidate(s.saveCandidateStep))
	mux.HandleFunc("POST /candidate/{app}/steps/{step}/discard", s.candidate(s.discardCandidateTake))
	mux.HandleFunc("POST /candidate/{app}/steps/{step}/run", s.candidate(s.runCandidateCode))
	mux.HandleFunc("GET /candidate/{app}/review", s.candidate(s.showCandidateReview))
	mux.HandleFunc("POST /candidate/{app}/submit", s.candidate(s.submitCandidate))
	mux.HandleFunc("GET /candidate/{app}/status", s.candidate(s.showCandidateStatus))
	mux.HandleFunc("GET /candidate/{app}/messages", s.candidate(s.showCandidateMessages))
	mux.HandleFunc("POST /candidate/{app}/messages", s.candidate(s.postCandidateMessage))
	mux.HandleFunc("GET /candidate/{app}/practice", s.candidate(s.showCandidatePractice))
	mux.HandleFunc("GET /candidate/{app}/media/{id}/{file}", s.candidate(s.serveCandidateMedia))
}
