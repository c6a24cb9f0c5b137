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
	return a.IsValid() && !a.IsLoopback() && !a.IsPrivate() && !a.IsLinkLocalUnicast() && !a.IsLinkLocalMulticast() &&
		!a.IsInterfaceLocalMulticast() && !a.IsMulticast() && !a.IsUnspecified() && !cgnat.Contains(a)
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598),
// private in practice though not in netip's sense.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func (c *client) do(ctx context.Context, req *http.Request) (*http.Response, error) {
	return c.http.Do(req.WithContext(ctx))
}
