package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
)

// auditPageSize is how many audit entries a page shows.
const auditPageSize = 50

type auditPage struct {
	Entries []account.AuditEntry
	Before  int64 // the next page's cursor; 0 on the last page
	Paged   bool  // not the first page
	TZ      string
}

// showAudit lists the organisation's audit log, newest first, paged by
// the id before which the next page starts.
func (s *Server) showAudit(w http.ResponseWriter, r *http.Request, m account.Member) error {
	before, err := queryID(r, "before")
	if err != nil {
		return err
	}
	entries, err := s.Accounts.AuditLog(r.Context(), m, before, auditPageSize+1)
	if err != nil {
		return err
	}
	d := auditPage{Entries: entries, Paged: before != 0, TZ: s.memberZone(r.Context(), m)}
	if len(entries) > auditPageSize {
		d.Entries = entries[:auditPageSize]
		d.Before = d.Entries[auditPageSize-1].ID
	}
	s.render(w, r, http.StatusOK, "audit", s.teamPage(r.Context(), m, "audit", "Audit log", d))
	return nil
}

// auditActions name the audit log's actions in words; the key stays
// beside them, as the API and exports give it.
var auditActions = map[string]string{
	"account.password_reset":        "Password reset",
	"application.decide":            "Decision made",
	"application.submit":            "Answers submitted",
	"application.video_consent":     "Agreed to be recorded",
	"application.withdraw":          "Candidate withdrew",
	"candidate.email_link":          "New link emailed to a candidate",
	"email.resend":                  "Email sent again",
	"email.dismiss":                 "Email set aside",
	"candidate.invite":              "Candidates invited",
	"candidate.relink":              "Candidate's link replaced",
	"candidate.revoke":              "Candidate's link revoked",
	"extension.granted":             "More time given",
	"interview.create":              "Interview created",
	"interview.update":              "Interview edited",
	"interview.scorecard":           "Scorecard saved",
	"application.reveal":            "Candidate revealed (blind review)",
	"job.blind":                     "Blind review switched",
	"review.calibration_add":        "Added to the calibration set",
	"review.calibration_remove":     "Taken out of the calibration set",
	"share.create":                  "Shared outside the team",
	"share.revoke":                  "Share link revoked",
	"job.create":                    "Job created",
	"job.decision_message":          "Job's decision message saved",
	"job.rota":                      "Reviewers by turns changed",
	"job.update":                    "Job edited",
	"member.invite":                 "Member invited",
	"member.invite_revoke":          "Member's invitation withdrawn",
	"member.join":                   "Member joined",
	"member.join_request":           "Asked to join",
	"member.login":                  "Signed in",
	"member.login_failed":           "Sign-in failed",
	"member.password":               "Password changed",
	"member.password_reset":         "Password reset",
	"member.password_reset_request": "Password reset asked for",
	"member.remove":                 "Member removed",
	"member.role":                   "Role changed",
	"org.create":                    "Organisation created",
	"org.hours":                     "Working hours changed",
	"org.update":                    "Organisation settings changed",
	"review.assign":                 "Reviewer assigned",
	"review.submit":                 "Review submitted",
	"review.unassign":               "Reviewer taken off",
	"session.end":                   "Signed out a session",
	"session.end_others":            "Signed out other sessions",
	"token.create":                  "API token created",
	"token.revoke":                  "API token revoked",
	"similarity.reference_add":      "Reference solution added",
	"similarity.reference_remove":   "Reference solution removed",
	"similarity.threshold":          "Similarity threshold changed",
	"takehome.paid":                 "Take-home payment recorded",
	"answer.mark":                   "Code review's findings marked",
	"webhook.add":                   "Webhook added",
	"webhook.enable":                "Webhook turned on again",
	"webhook.redeliver":             "Webhook delivery sent again",
	"webhook.remove":                "Webhook removed",
}

// auditAction is an action's words, or its key for one without.
func auditAction(key string) string {
	if words, ok := auditActions[key]; ok {
		return words
	}
	return key
}
