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

// Behind a proxy that ends TLS the request itself says http; tusd builds
// an upload's Location from X-Forwarded-Proto, X-Forwarded-Host and
// Forwarded. Only the scheme is taken from a proxy, and only from a
// trusted one (ours set it; HAProxy's config replaces the client's): the
// host is the request's Host, and the other two headers, which a proxy may
// pass on from the client unchanged, are always dropped.
const forwardedProto = "X-Forwarded-Proto"

var forwardedHost = []string{"X-Forwarded-Host", "Forwarded"}

// RealIP sets a request's RemoteAddr to the client's address when the
// request came through one of the trusted proxies: the rightmost address
// of X-Forwarded-For that is not itself a trusted proxy. Addresses further
// left were written by the client and can say anything. Without trusted
// proxies it leaves the address alone, so a client cannot choose its
// address (and with it its sign-in rate limit) by sending the header
// itself.
//
// It also drops X-Forwarded-Host and Forwarded from every request, and
// X-Forwarded-Proto from every request that did not come from a trusted
// proxy, so that what follows can believe the scheme when it is there.
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
			trusted := err == nil && isTrusted(peer.Addr())
			r = withoutForwarded(r, trusted)
			if !trusted {
				next.ServeHTTP(w, r)
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

// withoutForwarded returns r, or a copy of it without the forwarded host
// and, unless keepProto, scheme, when it carries them.
func withoutForwarded(r *http.Request, keepProto bool) *http.Request {
	drop := forwardedHost
	if !keepProto {
		drop = append([]string{forwardedProto}, forwardedHost...)
	}
	for _, h := range drop {
		if _, ok := r.Header[h]; ok {
			r = r.Clone(r.Context())
			for _, h := range drop {
				r.Header.Del(h)
			}
			return r
		}
	}
	return r
}
