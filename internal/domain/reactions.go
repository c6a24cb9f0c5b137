package domain

import "github.com/anyhour/anyhour/internal/notify"

// react registers every reaction of one service to another's change, in
// one list: what happens when. Each runs in the transaction of the change
// that causes it, so both happen or neither does.
func (s *Services) react(n *notify.Notifier) {
	// Candidates are invited: each is emailed their link, and reminded
	// before the deadline.
	s.Applications.OnInvite(n.Invitation)
	// The team asks for a new link to be emailed.
	s.Applications.OnEmailLink(n.Link)
	// More time is asked for, given or refused: the candidate and the team
	// read it in the conversation.
	s.Applications.OnExtension(n.Extension)
	// An answer is saved: code is queued for grading.
	s.Applications.OnAnswer(s.Gradings.QueueOnSave)
	// Before a submission: no take and no file may still be uploading
	// (checks that can refuse the submission).
	s.Applications.CheckBeforeSubmit(s.Videos.CheckNothingUploading)
	s.Applications.CheckBeforeSubmit(s.Files.CheckNothingUploading)
	// A candidate starts or submits: application.started or .submitted.
	s.Applications.OnStatus(s.Webhooks.EmitApplicationStatus)
	// A candidate submits: their code and take-home steps' answers are
	// compared again with the other candidates'.
	s.Applications.OnStatus(s.Matchings.QueueOnSubmit)
	// A candidate submits: the member of the job's rota whose turn it is
	// is assigned to review.
	s.Applications.OnStatus(s.Assignments.AssignOnSubmit)
	// An application stops waiting for reviews (decided, withdrawn), or
	// waits again (on hold, a decision gone back on): its assignments are
	// closed or opened.
	s.Applications.OnStatus(s.Assignments.Reconsider)
	s.Applications.OnOutcome(s.Assignments.Reconsider)

	// A message is posted: the candidate is emailed the team's; the
	// team's systems hear of the candidate's (message.received).
	s.Messages.OnPost(n.Message)
	s.Messages.OnPost(s.Webhooks.EmitMessagePosted)
	// A message sent later is cancelled: its email goes, and a decision
	// it announced is taken back.
	s.Messages.OnCancel(n.MessageCancelled)
	s.Messages.OnCancel(s.Decisions.MessageCancelled)

	// A review is submitted: review.submitted; the reviewer's assignment
	// to it, if any, is done.
	s.Reviews.OnSubmit(s.Webhooks.EmitReviewSubmitted)
	s.Reviews.OnSubmit(s.Assignments.MarkReviewed)
	// A decision is made: decision.made (at once, even when its message
	// goes later).
	s.Decisions.OnDecide(s.Webhooks.EmitDecisionMade)
	// A webhook failed for a day and was turned off: the owners are told.
	s.Webhooks.OnDisabled(n.WebhookDisabled)

	// Texts are written: search indexes them in the same transaction
	// (a candidate's name and email when invited, answers only when
	// submitted, messages and notes as posted, review notes as submitted).
	s.Applications.OnInvite(s.Search.Invited)
	s.Applications.OnStatus(s.Search.Submitted)
	s.Messages.OnPost(s.Search.Posted)
	s.Messages.OnCancel(s.Search.Cancelled)
	s.Reviews.OnSubmit(s.Search.Reviewed)
	// Blind review is switched, or a candidate revealed: search finds
	// them as the team now sees them.
	s.Applications.OnIdentity(s.Search.Identified)
	// A job turns blind: its reviewers will hear video answers, so an
	// audio copy is queued of every answer that has none.
	s.Applications.OnBlind(s.Videos.PrepareAudio)
	// A blind job's candidate is revealed once the reviews are in,
	// including every assigned reviewer's.
	s.Applications.CheckBeforeReveal(s.Assignments.CheckRevealed)

	// A member asks to reset their password, or to join: the link is
	// emailed.
	s.Accounts.OnPasswordReset(n.PasswordReset)
	s.Accounts.OnJoinRequest(n.MemberJoin)
}
