package httpx

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParsePrefixes reads a comma-separated list of addresses and CIDR ranges,
// such as "10.0.0.0/8, 127.0.0.1".
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// forwardedHeaders say which scheme and host the client asked for, when a
// proxy stands between: tusd builds an upload's Location from them (the
// proxy ends TLS, so the request itself says http).
var forwardedHeaders = []string{"X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded"}

// RealIP sets a request's RemoteAddr to the client's address when the
// request came through one of the trusted proxies: the rightmost address
// of X-Forwarded-For that is not itself a trusted proxy. Addresses further
// left were written by the client and can say anything. Without trusted
// proxies it leaves the address alone, so a client cannot choose its
// address (and with it its sign-in rate limit) by sending the header
// itself.
//
// It also drops X-Forwarded-Proto, X-Forwarded-Host and Forwarded from
// every request that did not come from a trusted proxy, so that what
// follows can believe them when they are there.
func RealIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			peer, err := netip.ParseAddrPort(r.RemoteAddr)
			if err != nil || !isTrusted(peer.Addr()) {
				next.ServeHTTP(w, withoutForwarded(r))
				return
			}
			hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break
				}
				if !isTrusted(a) {
					r2 := r.Clone(r.Context())
					r2.RemoteAddr = net.JoinHostPort(a.Unmap().String(), "0")
					r = r2
					break
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// withoutForwarded returns r, or a copy of it without the forwarded
// scheme and host when it carries them.
func withoutForwarded(r *http.Request) *http.Request {
	for _, h := range forwardedHeaders {
		if _, ok := r.Header[h]; ok {
			r = r.Clone(r.Context())
			for _, h := range forwardedHeaders {
				r.Header.Del(h)
			}
			return r
		}
	}
	return r
}
