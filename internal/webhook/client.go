package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// client is the HTTP client deliveries go through. Unless private
// addresses are allowed, it refuses to connect to loopback, private,
// link-local, multicast and unspecified addresses, checked on the address
// being dialled (after DNS, so a name that resolves to 127.0.0.1 is caught
// too). It follows no redirects: a 3xx answer is a failed delivery.
type client struct {
	http *http.Client
}

// errPrivate is why a delivery to a private address did not happen.
var errPrivate = errors.New("the endpoint's address is loopback or private; deliveries there are not allowed on this installation")

func newClient(allowPrivate bool, timeout time.Duration) *client {
	dialer := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook: dialling %q: %w", address, err)
			}
			if !public(ap.Addr()) {
				return errPrivate
			}
			return nil
		}
	}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		Proxy:                 nil, // an environment proxy would hide the address dialled
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
	}
	return &client{http: &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// public reports whether a is an address on the public internet.
func public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range special {
		if p.Contains(a) {
			return false
		}
	}
	// NAT64 (RFC 6052, RFC 8215) carries an IPv4 address in its last 32
	// bits; a gateway would reach it, so it must be public too.
	if a.Is6() && (nat64.Contains(a) || nat64Local.Contains(a)) {
		b := a.As16()
		return public(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	return true
}

// special are ranges that are not the public internet though netip does
// not call them private: shared (carrier-grade NAT), "this network",
// protocol assignments, benchmarking, reserved, and documentation.
var special = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("2001:db8::/32"),
}

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
)

func (c *client) do(ctx context.Context, req *http.Request) (*http.Response, error) {
	return c.http.Do(req.WithContext(ctx))
}
