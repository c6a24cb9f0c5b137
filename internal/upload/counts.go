package upload

import "sync/atomic"

// Counts is what the tus endpoint has taken since the process started,
// for metrics.
type Counts struct {
	BytesReceived uint64 // bytes of PATCH bodies stored
	Created       uint64 // uploads created
	Finished      uint64 // uploads whose last byte arrived
}

// Counts reads tusd's counters.
func (h *Handler) Counts() Counts {
	m := h.tus.Metrics
	return Counts{
		BytesReceived: atomic.LoadUint64(m.BytesReceived),
		Created:       atomic.LoadUint64(m.UploadsCreated),
		Finished:      atomic.LoadUint64(m.UploadsFinished),
	}
}
