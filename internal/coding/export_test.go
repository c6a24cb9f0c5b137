package coding

import "time"

// SetWatch makes running gradings look for a newer save every d, telling
// checked what each look found.
func (s *Service) SetWatch(d time.Duration, checked func(newer bool)) {
	s.checkEvery, s.checked = d, checked
}
