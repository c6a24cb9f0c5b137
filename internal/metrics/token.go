package metrics

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/httpx"
)

// MinTokenLength is the shortest token RequireToken is given: anything
// shorter could be guessed.
const MinTokenLength = 16

// RequireToken lets through only requests whose Authorization header is
// "Bearer " and token, compared in constant time; the others get 401 in
// the JSON error shape. A token in the query string is not looked at: it
// would end up in proxies' logs.
func RequireToken(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="anyhour metrics"`)
			var b httpx.ErrorBody
			b.Error.Code = "unauthenticated"
			b.Error.Message = "metrics need the bearer token the server was given (ANYHOUR_METRICS_TOKEN)"
			httpx.WriteJSON(w, http.StatusUnauthorized, b)
			return
		}
		next.ServeHTTP(w, r)
	})
}
