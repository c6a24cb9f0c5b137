package deploy_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/cluster"
)

// missing ends a test that needs a tool this machine lacks: loudly, and
// as a failure under CI=true, where the tool is installed.
func missing(t *testing.T, tool, why string) {
	t.Helper()
	msg := fmt.Sprintf("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"+
		"!!! SKIPPING: %s is not installed: %s\n"+
		"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", tool, why)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// TestHAProxyConfig checks deploy/haproxy/anyhour.cfg with HAProxy's own
// parser, for one serve process and for two, and that it will not start
// without a server to send to.
func TestHAProxyConfig(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/haproxy"); err != nil {
			missing(t, "haproxy", "the load balancer's configuration cannot be checked (apt-get install haproxy)")
		}
		bin = "/usr/sbin/haproxy"
	}
	pem, _, err := cluster.SelfSigned(t.TempDir()) // -c loads it
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		servers []string
		ok      bool
	}{
		{"one server", []string{"127.0.0.1:8081"}, true},
		{"two servers", []string{"127.0.0.1:8081", "127.0.0.1:8082"}, true},
		{"no server", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-c", "-f", "haproxy/anyhour.cfg")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ANYHOUR_PROXY_CERT=" + pem,
				"ANYHOUR_PROXY_HTTPS=127.0.0.1:8443", "ANYHOUR_PROXY_HTTP=127.0.0.1:8480"}
			for i, s := range tc.servers {
				cmd.Env = append(cmd.Env, fmt.Sprintf("ANYHOUR_SERVE%d=%s", i+1, s))
			}
			out, err := cmd.CombinedOutput()
			if (err == nil) != tc.ok || (!tc.ok && !strings.Contains(string(out), "'server' expects")) {
				t.Errorf("haproxy -c: %v, want ok=%v\n%s", err, tc.ok, out)
			}
		})
	}
}

// TestSystemdUnits checks the units with systemd's own parser. It only
// asks that the program exist, so a copy points ExecStart at one that
// does, and the environment file may be missing.
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		missing(t, "systemd-analyze", "the systemd units cannot be checked (apt-get install systemd)")
	}
	units, _ := filepath.Glob("systemd/*.service")
	if len(units) != 2 {
		t.Fatalf("units: %v", units)
	}
	dir := t.TempDir()
	var copies []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(string(b), "/usr/local/bin/anyhour", "/bin/true")
		s = strings.ReplaceAll(s, "EnvironmentFile=/etc/", "EnvironmentFile=-/etc/")
		p := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, p)
	}
	out, err := exec.Command(analyze, append([]string{"verify"}, copies...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestUnitsShareHardening: the worker's hardening is the serve unit's,
// which explains it; they must not drift apart.
func TestUnitsShareHardening(t *testing.T) {
	hardening := func(path string) []string {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var lines []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, _, ok := strings.Cut(sc.Text(), "=")
			switch {
			case !ok || strings.HasPrefix(k, "#"):
			case strings.HasPrefix(k, "Protect"), strings.HasPrefix(k, "Restrict"), strings.HasPrefix(k, "Private"),
				k == "NoNewPrivileges", k == "CapabilityBoundingSet", k == "Delegate", k == "LockPersonality",
				k == "UMask", k == "User", k == "SystemCallFilter", k == "MemoryDenyWriteExecute":
				lines = append(lines, sc.Text())
			}
		}
		return lines
	}
	serve, worker := hardening("systemd/anyhour-serve.service"), hardening("systemd/anyhour-worker.service")
	if strings.Join(serve, "\n") != strings.Join(worker, "\n") || len(serve) < 5 {
		t.Errorf("the units' hardening differs:\nserve:\n%s\nworker:\n%s", strings.Join(serve, "\n"), strings.Join(worker, "\n"))
	}
}

// TestEnvironmentFile: every setting in the example environment file is
// one anyhour reads.
func TestEnvironmentFile(t *testing.T) {
	known := map[string]bool{"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true}
	src, err := os.ReadFile("../cmd/anyhour/main.go")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("systemd/anyhour.env")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, _, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if !known[k] && !strings.Contains(string(src), `"`+k+`"`) {
			t.Errorf("anyhour.env sets %s, which anyhour does not read", k)
		}
	}
}
