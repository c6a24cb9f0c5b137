package webhook

import "errors"

// Outcomes of a delivery attempt, as reported to the observer.
const (
	OutcomeDelivered   = "delivered"   // the endpoint answered 2xx
	OutcomeRejected    = "rejected"    // it answered something else, a redirect included
	OutcomeUnreachable = "unreachable" // no connection, or no answer in time
	OutcomeRefused     = "refused"     // its address is private, which this installation refuses
)

// SetObserver has the service report the outcome of every delivery
// attempt, for metrics.
func (s *Service) SetObserver(fn func(outcome string)) { s.observe = fn }

// observed reports an attempt that got status (0 for no answer) and err.
func (s *Service) observed(status int, err error) {
	if s.observe == nil {
		return
	}
	switch {
	case err == nil:
		s.observe(OutcomeDelivered)
	case errors.Is(err, errPrivate):
		s.observe(OutcomeRefused)
	case status != 0:
		s.observe(OutcomeRejected)
	default:
		s.observe(OutcomeUnreachable)
	}
}
