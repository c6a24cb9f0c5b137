package main

import (
	"bytes"
	"io"
	"net"
	"sync/atomic"
	"testing"
)

// smtpHold is a TCP proxy in front of a real SMTP server (Mailpit). The
// first message sent through it reaches the server whole, and the server
// keeps it, but its answer is held back: the sender never learns that the
// message was taken, and held is closed. A test kills the sender then,
// mid-send as far as it knows. Every later message passes straight
// through.
type smtpHold struct {
	addr   string
	target string
	held   chan struct{}
	taken  atomic.Bool // a connection holds its answer; the others pass
}

// endOfData ends an SMTP message's DATA; a line holding only a dot is
// never part of the message (senders double a leading dot).
var endOfData = []byte("\r\n.\r\n")

func newSMTPHold(t *testing.T, target string) *smtpHold {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &smtpHold{addr: ln.Addr().String(), target: target, held: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			var hold atomic.Bool
			go h.toServer(c, up, &hold)
			go h.toClient(c, up, &hold)
		}
	}()
	return h
}

// toServer copies what the client sends. Before passing on the end of the
// first message, it starts holding this connection's answers.
func (h *smtpHold) toServer(c, up net.Conn, hold *atomic.Bool) {
	defer up.Close()
	buf := make([]byte, 32<<10)
	var tail []byte // the end of what came before, for a terminator split across reads
	for {
		n, err := c.Read(buf)
		if n > 0 {
			seen := append(tail, buf[:n]...)
			held := false
			if bytes.Contains(seen, endOfData) && h.taken.CompareAndSwap(false, true) {
				hold.Store(true)
				held = true
			}
			if _, err := up.Write(buf[:n]); err != nil {
				return
			}
			if held {
				close(h.held)
			}
			tail = append([]byte(nil), seen[max(0, len(seen)-len(endOfData)+1):]...)
		}
		if err != nil {
			return
		}
	}
}

// toClient copies the server's answers, until the connection holds.
func (h *smtpHold) toClient(c, up net.Conn, hold *atomic.Bool) {
	defer c.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := up.Read(buf)
		if n > 0 && !hold.Load() {
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			io.Copy(io.Discard, up)
			return
		}
	}
}
