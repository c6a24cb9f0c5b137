package queue

import "sync"

// running holds the wake-up channel of every Worker running in this
// process. It is the one piece of package state: domain packages enqueue
// tasks without holding a Worker, yet want theirs started at once.
var running struct {
	sync.Mutex
	wake map[chan struct{}]bool
}

// Notify wakes the Workers running in this process so that they look for
// ready tasks now instead of at their next poll. Call it after committing
// a transaction that enqueued tasks. Workers in other processes still
// find them by polling.
func Notify() {
	running.Lock()
	defer running.Unlock()
	for ch := range running.wake {
		signal(ch)
	}
}

func register(ch chan struct{}) {
	running.Lock()
	defer running.Unlock()
	if running.wake == nil {
		running.wake = make(map[chan struct{}]bool)
	}
	running.wake[ch] = true
}

func unregister(ch chan struct{}) {
	running.Lock()
	defer running.Unlock()
	delete(running.wake, ch)
}
