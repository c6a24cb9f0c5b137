package webhook

import (
	"net/netip"
	"testing"
)

func TestPublic(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"93.184.216.34":      true,
		"2606:2800:220:1::1": true,
		"127.0.0.1":          false,
		"10.1.2.3":           false,
		"172.16.0.1":         false,
		"192.168.1.1":        false,
		"169.254.169.254":    false, // cloud metadata
		"100.64.0.1":         false,
		"0.0.0.0":            false,
		"0.1.2.3":            false,
		"198.18.0.1":         false,
		"240.0.0.1":          false,
		"::1":                false,
		"fe80::1":            false,
		"fc00::1":            false,
		"::ffff:127.0.0.1":   false,
		"64:ff9b::a9fe:a9fe": false, // NAT64 of 169.254.169.254
		"64:ff9b::5db8:d822": true,  // NAT64 of 93.184.216.34
		"64:ff9b:1::a00:1":   false, // local-use NAT64 of 10.0.0.1
		"2001:db8::1":        false,
		"ff02::1":            false,
	} {
		if got := public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("public(%s) = %v, want %v", addr, got, want)
		}
	}
}
