package review_test

// The step kinds, registered with opening as domain registers them.
import _ "github.com/anyhour/anyhour/internal/kinds"
