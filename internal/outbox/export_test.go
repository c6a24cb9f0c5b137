package outbox

// SetAfterSend runs f after the server accepts an email and before that is
// recorded, to stand for a worker that dies there.
func (s *Service) SetAfterSend(f func()) { s.afterSend = f }
