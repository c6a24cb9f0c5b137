# Entry points for building, running and testing anyhour.
#   make run     start a local server with a demo organisation
#   make test    go vet, then the test suite on SQLite and on PostgreSQL
#   make bench   the lists a team pages through (jobs, the organisation, inbox, reviews, the pages and API) on skewed data at 1k and 100k applications, both databases, with the plans of what the services send (~15 min)
#   make bench-video  benchmark video uploads (tus ingest, a throttled browser, 200 at once) and the compare page with four video answers (~15 min)
#   make bench-grading  benchmark code grading (sandbox overhead, throughput, 200 at once, HumanEvalPack, fair workers; ~8 min)
#   make bench-notify  benchmark emails through the outbox and webhook deliveries (~30 s)
#   make bench-takehome  benchmark take-home repositories (push to results in Python and Go, 50 pushes at once, clone against plain git; ~3 min)
#   make bench-review  what reviewers do across many applications: search at 1k and 100k applications on both databases, reviewer agreement over 10,000 ratings, and the compare page's four video players (~17 min)
#   make bench-similarity  the similarity engine on IR-Plag against Dolos side by side (installs Dolos under ~/.cache the first time, ~3 min)
#   make bench-load  one serve process against two behind HAProxy on one PostgreSQL, under a mix of pages, API reads and writes (~3 min)
#   make build   build bin/anyhour
# Extra flags for `go test` can be passed as: make test TESTFLAGS='-run TestX -v'

GO ?= go
TESTFLAGS ?=

.PHONY: run test vet bench bench-video bench-grading bench-notify bench-takehome bench-similarity bench-review bench-load build

run:
	$(GO) run ./cmd/anyhour serve --demo

test: vet
	bash scripts/test.sh $(TESTFLAGS)

vet:
	$(GO) vet ./...

bench:
	$(GO) run ./bench

bench-video:
	$(GO) run ./bench/video

bench-grading:
	$(GO) run ./bench/grading

bench-notify:
	eval "$$(bash scripts/tools.sh mailpit)" && $(GO) run ./bench/notify

bench-takehome:
	$(GO) run ./bench/takehome

bench-review:
	$(GO) run ./bench/review
	$(GO) run ./bench/video -only d

bench-similarity:
	ANYHOUR_DOLOS_DIR="$$(bash bench/similarity/install-dolos.sh)" $(GO) run ./bench/similarity

bench-load:
	$(GO) run ./bench/load

build:
	$(GO) build -o bin/anyhour ./cmd/anyhour
