// Package smtp sends email over SMTP. It knows nothing of anyhour's data:
// the outbox package decides what to send and keeps it; this one
// parses the server's address, keeps headers clean and talks SMTP through
// go-mail.
package smtp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"
)

// Address is a named email address.
type Address struct {
	Name  string
	Email string
}

// String formats a as a header value, quoting and encoding the name.
func (a Address) String() string {
	return (&mail.Address{Name: HeaderText(a.Name), Address: a.Email}).String()
}

// Message is one email: a plain-text body and, optionally, an HTML one.
type Message struct {
	From      Address
	To        Address
	ReplyTo   *Address
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets; the same on every attempt, so that a resend can be recognised
	Date      time.Time
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// HeaderText makes s safe for a header: control characters (CR and LF
// above all, which would start a new header) become spaces, runs of space
// shrink to one, and the result is trimmed.
func HeaderText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// CheckAddress returns the bare address in s if it is one, and an error
// otherwise. Names, comments and groups are refused: callers pass names
// separately.
func CheckAddress(s string) (string, error) {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, "\r\n<>,;\" ") {
		return "", fmt.Errorf("smtp: %q is not an email address", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fmt.Errorf("smtp: %q is not an email address", s)
	}
	return a.Address, nil
}

// Security is how the connection to the SMTP server is protected.
type Security string

const (
	// StartTLS upgrades the connection with STARTTLS and refuses a server
	// that does not offer it.
	StartTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (smtps, usually port 465).
	ImplicitTLS Security = "tls"
	// Opportunistic uses STARTTLS when offered and plain text otherwise:
	// the default for a server on the loopback interface only.
	Opportunistic Security = "opportunistic"
	// Plain never encrypts; only for a trusted network.
	Plain Security = "none"
)

// Config is the SMTP server to send through.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	Security Security
	From     Address // the sender of every email
	Timeout  time.Duration
}

// String describes c for logs, without the password.
func (c Config) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s (%s)", user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.Security)
}

// ParseURL reads ANYHOUR_SMTP_URL:
//
//	smtp://user:pass@host:port?tls=starttls|none&from=hiring@example.com&from_name=Hiring
//	smtps://user:pass@host:465?from=hiring@example.com
//
// smtp:// requires STARTTLS, except for a server on a loopback address,
// where it is used when offered; tls=none turns encryption off. The port
// defaults to 587 for smtp and 465 for smtps. from is required.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("smtp: the SMTP URL cannot be read (smtp://user:pass@host:port?from=…)")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Port, c.Security = 587, StartTLS
	case "smtps":
		c.Port, c.Security = 465, ImplicitTLS
	default:
		return c, fmt.Errorf("smtp: the SMTP URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, errors.New("smtp: the SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return c, fmt.Errorf("smtp: the SMTP port %q is not a port number", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "tls", "from", "from_name", "timeout":
		default:
			return c, fmt.Errorf("smtp: unknown SMTP URL option %q (tls, from, from_name, timeout)", k)
		}
	}
	switch t := q.Get("tls"); {
	case t == "" && c.Security == StartTLS && isLoopback(c.Host):
		c.Security = Opportunistic
	case t == "":
	case t == "starttls" && u.Scheme == "smtp":
		c.Security = StartTLS
	case t == "none" && u.Scheme == "smtp":
		c.Security = Plain
	case t == "tls" && u.Scheme == "smtps":
	default:
		return c, fmt.Errorf("smtp: tls=%q does not go with %s:// (smtp: starttls or none; smtps: tls)", t, u.Scheme)
	}
	if c.From.Email, err = CheckAddress(q.Get("from")); err != nil {
		return c, errors.New("smtp: the SMTP URL needs ?from= with the address emails come from")
	}
	c.From.Name = HeaderText(q.Get("from_name"))
	c.Timeout = 30 * time.Second
	if t := q.Get("timeout"); t != "" {
		if c.Timeout, err = time.ParseDuration(t); err != nil || c.Timeout <= 0 {
			return c, fmt.Errorf("smtp: timeout=%q is not a duration such as 30s", t)
		}
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SMTP sends through an SMTP server, one connection per message.
type SMTP struct{ cfg Config }

// NewSMTP returns a sender for cfg.
func NewSMTP(cfg Config) *SMTP { return &SMTP{cfg: cfg} }

// From is the configured sender.
func (s *SMTP) From() Address { return s.cfg.From }

// Send delivers m. An error means the server did not accept it; the
// caller may try again.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.Security {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Opportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case Plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp: sending to %s through %s: %w", m.To.Email, s.cfg.Host, err)
	}
	return nil
}

func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	from := m.From
	if from.Email == "" {
		from = s.cfg.From
	}
	if err := msg.FromFormat(HeaderText(from.Name), from.Email); err != nil {
		return nil, fmt.Errorf("smtp: from: %w", err)
	}
	to, err := CheckAddress(m.To.Email)
	if err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(HeaderText(m.To.Name), to); err != nil {
		return nil, fmt.Errorf("smtp: to: %w", err)
	}
	if m.ReplyTo != nil {
		if err := msg.ReplyToFormat(HeaderText(m.ReplyTo.Name), m.ReplyTo.Email); err != nil {
			return nil, fmt.Errorf("smtp: reply-to: %w", err)
		}
	}
	msg.Subject(HeaderText(m.Subject))
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(HeaderText(m.MessageID))
	} else {
		msg.SetMessageID()
	}
	if m.Date.IsZero() {
		msg.SetDate()
	} else {
		msg.SetDateWithValue(m.Date)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
