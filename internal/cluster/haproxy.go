package cluster

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ConfigPath is the HAProxy configuration in the repository, relative to
// its root.
const ConfigPath = "deploy/haproxy/anyhour.cfg"

// FindConfig returns the path of deploy/haproxy/anyhour.cfg, looking in
// the working directory and its parents (tests run in their package's
// directory, the benchmark from the repository's root).
func FindConfig() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, filepath.FromSlash(ConfigPath))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found above the working directory", ConfigPath)
		}
		dir = parent
	}
}

// HAProxyBinary finds Debian's haproxy.
func HAProxyBinary() (string, error) {
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/haproxy", "/usr/local/sbin/haproxy"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("haproxy is not installed (apt-get install haproxy)")
}

// Proxy is HAProxy running the repository's configuration in front of
// serve processes, over HTTPS with a certificate of its own.
type Proxy struct {
	*Process
	URL    string         // https://127.0.0.1:port, the address people open
	HTTP   string         // where plain HTTP is answered (with a redirect)
	Client *http.Client   // trusts the proxy's certificate
	CA     *x509.CertPool // holds Cert alone
	Cert   *x509.Certificate

	socket string // HAProxy's stats socket
}

// StartProxy runs bin (haproxy) with config, the repository's file,
// sending to servers (host:port each, ANYHOUR_SERVE1, ANYHOUR_SERVE2…),
// and waits until it accepts connections. Its certificate, log and stats
// socket go in dir. The stats socket is the only thing added to config,
// in a global section of its own: the test reads through it which server
// holds a request, and whether HAProxy sees a server up.
func StartProxy(ctx context.Context, bin, config, dir string, servers []string) (*Proxy, error) {
	if len(servers) == 0 || len(servers) > 2 {
		return nil, fmt.Errorf("the configuration names one or two servers, not %d", len(servers))
	}
	certFile, cert, err := SelfSigned(dir)
	if err != nil {
		return nil, err
	}
	httpsAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	httpAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	socket := filepath.Join(dir, "haproxy.sock")
	global := filepath.Join(dir, "haproxy-test-global.cfg")
	if err := os.WriteFile(global, []byte("global\n"+
		"    stats socket "+socket+" mode 600 level admin\n"+
		"    log stdout format raw local0\n"), 0o600); err != nil {
		return nil, err
	}
	env := []string{
		"ANYHOUR_PROXY_HTTPS=" + httpsAddr,
		"ANYHOUR_PROXY_HTTP=" + httpAddr,
		"ANYHOUR_PROXY_CERT=" + certFile,
	}
	for i, s := range servers {
		env = append(env, fmt.Sprintf("ANYHOUR_SERVE%d=%s", i+1, s))
	}
	args := []string{"-db", "-f", global, "-f", config}
	check := exec.CommandContext(ctx, bin, append([]string{"-c", "-q"}, args[1:]...)...)
	check.Env = baseEnv(env)
	if out, err := check.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("haproxy -c %s: %v\n%s", config, err, out)
	}
	p, err := Start("haproxy", bin, args, env, filepath.Join(dir, "haproxy.log"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool}
	px := &Proxy{Process: p, URL: "https://" + httpsAddr, HTTP: "http://" + httpAddr, CA: pool, Cert: cert,
		Client: &http.Client{Transport: transport}, socket: socket}
	if err := waitUntil(ctx, p, func() error {
		if err := WaitPort(ctx, httpsAddr); err != nil {
			return err
		}
		_, err := px.command("show info")
		return err
	}); err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return px, nil
}

func waitUntil(ctx context.Context, p *Process, ready func() error) error {
	for {
		if ok, err := p.Exited(); ok {
			return fmt.Errorf("%s exited (%v); its log ends:\n%s", p.Name, err, p.Tail(4000))
		}
		err := ready()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s is not ready: %w; its log ends:\n%s", p.Name, err, p.Tail(4000))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// command sends one command to HAProxy's stats socket and returns its
// answer.
func (p *Proxy) command(cmd string) (string, error) {
	c, err := net.DialTimeout("unix", p.socket, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, cmd+"\n"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// Server is a backend server as HAProxy sees it.
type Server struct {
	Name     string // serve1, serve2
	Status   string // UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (coming up), MAINT
	Sessions int    // requests it holds now
	Total    int    // requests it was given since HAProxy started
}

// Servers lists the backend's servers from HAProxy's statistics.
func (p *Proxy) Servers() ([]Server, error) {
	out, err := p.command("show stat")
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "# ")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("haproxy show stat: %v\n%s", err, out)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var servers []Server
	for _, row := range rows[1:] {
		if len(row) <= col["stot"] || row[col["pxname"]] != "anyhour" {
			continue
		}
		name := row[col["svname"]]
		if name == "FRONTEND" || name == "BACKEND" {
			continue
		}
		scur, _ := strconv.Atoi(row[col["scur"]])
		stot, _ := strconv.Atoi(row[col["stot"]])
		servers = append(servers, Server{Name: name, Status: row[col["status"]], Sessions: scur, Total: stot})
	}
	return servers, nil
}

// Server returns one server's statistics.
func (p *Proxy) Server(name string) (Server, error) {
	servers, err := p.Servers()
	if err != nil {
		return Server{}, err
	}
	for _, s := range servers {
		if s.Name == name {
			return s, nil
		}
	}
	return Server{}, fmt.Errorf("haproxy has no server %q", name)
}

// WaitStatus waits until HAProxy reports server name with status (UP or
// DOWN): its health checks have seen the process come or go.
func (p *Proxy) WaitStatus(ctx context.Context, name, status string) error {
	return waitUntil(ctx, p.Process, func() error {
		s, err := p.Server(name)
		if err != nil {
			return err
		}
		if s.Status != status {
			return fmt.Errorf("%s is %s, not %s", name, s.Status, status)
		}
		return nil
	})
}

// ServerOf returns the name of the server that holds the request coming
// from the client connection whose local address is client (host:port),
// from HAProxy's list of sessions; "" if HAProxy has not given it to one.
func (p *Proxy) ServerOf(client string) (string, error) {
	out, err := p.command("show sess")
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		var src, srv string
		for _, f := range fields {
			if v, ok := strings.CutPrefix(f, "src="); ok {
				src = v
			}
			if v, ok := strings.CutPrefix(f, "srv="); ok {
				srv = v
			}
		}
		if src == client {
			if srv == "<none>" {
				srv = ""
			}
			return srv, nil
		}
	}
	return "", nil
}
