package demo

import (
	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// backendJob is the engineering opening: two written answers and three
// quiz questions about Go and PostgreSQL.
func backendJob() job {
	return job{
		title: "Backend Engineer (Go)",
		description: "Our robots move 2 million parcels a day through warehouses in six countries. " +
			"You will build the Go services that plan their routes, collect their telemetry and keep " +
			"operators informed, on PostgreSQL and a small, boring stack we are proud of. Remote within " +
			"CET ± 3 hours, or at our office in Berlin.",
		interview: "Written interview",
		intro: "Hi, and thank you for your interest in Northwind Robotics!\n\n" +
			"This interview has five short parts; the list below says about how long each takes. There are no trick questions: " +
			"we want to see how you think about running software in production. Answer in your own words, " +
			"take breaks whenever you like (your answers are saved as you go), and submit when you are happy.\n\n" +
			"— Noor, for the platform team",
		steps: []step{
			{Step: opening.Step{
				Kind: opening.KindText, Title: "A service you ran in production", Minutes: 10, MaxWords: 250,
				Prompt: "Tell us about a backend service you helped build or run in production. What did it do, " +
					"what went wrong with it once, and what would you do differently today?",
			}, texts: backendStory},
			{Step: opening.Step{
				Kind: opening.KindChoice, Title: "Deferred calls", Minutes: 2,
				Prompt:  "What does this print?\n\n    for i := 0; i < 3; i++ {\n        defer fmt.Print(i)\n    }",
				Options: []opening.Option{{Text: "012"}, {Text: "210", Correct: true}, {Text: "333"}, {Text: "It does not compile"}},
			}, picks: [3][]int{{1}, {1}, {2}}},
			{Step: opening.Step{
				Kind: opening.KindChoice, Title: "A shared counter", Minutes: 3, Multiple: true, Points: 3,
				Prompt: "Many goroutines increment one int64 counter. Which of these make the increments safe? Choose all that apply.",
				Options: []opening.Option{
					{Text: "Holding a sync.Mutex around the increment", Correct: true},
					{Text: "Using atomic.AddInt64", Correct: true},
					{Text: "Sending the increments over a channel to a single goroutine that owns the counter", Correct: true},
					{Text: "Running the program with GOMAXPROCS=1"},
					{Text: "Declaring the counter with the volatile keyword"},
				},
			}, picks: [3][]int{{0, 1, 2}, {0, 1, 3}, {0, 4}}},
			{Step: opening.Step{
				Kind: opening.KindChoice, Title: "An index for a list", Minutes: 2,
				Prompt: "A query reads `WHERE org_id = $1 ORDER BY created_at DESC LIMIT 50` on a table of 20 million rows. Which index serves it best?",
				Options: []opening.Option{
					{Text: "(org_id, created_at)", Correct: true},
					{Text: "(created_at)"},
					{Text: "(org_id)"},
					{Text: "A hash index on org_id"},
				},
			}, picks: [3][]int{{0}, {2}, {3}}},
			{Step: opening.Step{
				Kind: opening.KindText, Title: "Design: robot telemetry", Minutes: 25, MaxWords: 400,
				Prompt: "Each of our robots sends a 2 KB status message every second, and we expect 5,000 robots " +
					"by next summer. Operators need to see the last hour of any robot within a second, and we keep " +
					"90 days of history. Sketch how you would ingest, store and query this data, and name the " +
					"trade-offs you are making.",
			}, texts: backendDesign},
		},
		candidates: backendCandidates(),
		extras:     []extra{backendTakehome(), backendCodeReview()},
	}
}

func backendCandidates() []candidate {
	return []candidate{
		{name: "Amara Okafor", email: "amara.okafor@mailbox.example", zone: "Africa/Lagos", daysAgo: 19.6, progress: submitted,
			texts: []int{0, 0}, skill: 0, reviews: []verdict{
				{by: account.Owner, ratings: []int{5, 5}, rec: review.StrongYes,
					note: "Best design answer so far: partitions by day, keeps the hot hour in memory and says what she gives up. The payments-outage story shows real ownership."},
				{by: account.Reviewer, ratings: []int{4, 5}, rec: review.StrongYes,
					note: "Agree with Lena. I'd like to hear more about how she'd test the ingest path, but that's for the call."},
			}},
		{name: "Lukas Becker", email: "lukas.becker@posteo.example", zone: "Europe/Berlin", daysAgo: 17.2, progress: submitted,
			texts: []int{2, 2}, skill: 1, reviews: []verdict{
				{by: account.Reviewer, ratings: []int{3, 2}, rec: review.No,
					note: "Solid experience but the design is \"put it in Kafka and Cassandra\" without numbers. Missed the counter question (GOMAXPROCS=1 is not a fix)."},
			}},
		{name: "Priya Raman", email: "priya.raman@fastmail.example", zone: "Asia/Kolkata", daysAgo: 15.4, progress: submitted,
			texts: []int{1, 1}, skill: 0, reviews: []verdict{
				{by: account.Owner, ratings: []int{4, 5}, rec: review.Yes,
					note: "Did the arithmetic (10k msg/s, ~1.7 TB/day raw) before choosing anything. Story is a bit short on what she'd change."},
				{by: account.Reviewer, ratings: []int{5, 4}, rec: review.StrongYes,
					note: "Retry-storm story is exactly the kind of incident we have. Clear writer."},
			}},
		{name: "Mateo Fernández", email: "mateo.fernandez@correo.example", zone: "America/Argentina/Buenos_Aires", daysAgo: 13.9, progress: submitted,
			texts: []int{4, 4}, skill: 2, reviews: []verdict{
				{by: account.Recruiter, ratings: []int{2, 1}, rec: review.StrongNo,
					note: "Very short answers, and the design step is one sentence. Quiz mostly wrong. Sending a kind rejection."},
			}},
		{name: "Yuki Tanaka", email: "yuki.tanaka@inbox.example", zone: "Asia/Tokyo", daysAgo: 10.3, progress: submitted,
			texts: []int{1, 0}, skill: 0, talk: []line{
				{daysAgo: 0.4, body: "Thank you for the interesting questions! Could you tell me roughly when I can expect to hear back? I have another offer to answer by the end of next week."},
			}},
		{name: "Sofia Lindqvist", email: "sofia.lindqvist@mailbox.example", zone: "Europe/Stockholm", daysAgo: 7.8, progress: submitted,
			texts: []int{3, 3}, skill: 1},
		{name: "Kwame Mensah", email: "kwame.mensah@inbox.example", zone: "Africa/Accra", daysAgo: 6.1, progress: submitted,
			texts: []int{4, 2}, skill: 2},
		{name: "Elif Yılmaz", email: "elif.yilmaz@posteo.example", zone: "Europe/Istanbul", daysAgo: 4.2, progress: started,
			answered: 3, texts: []int{0}, skill: 0, talk: []line{
				{daysAgo: 3.7, body: "Hello! For the design question, is it fine to assume we can use a managed message queue, or should I design the ingest myself?"},
				{daysAgo: 3.6, by: account.Recruiter, internal: true, body: "Lena, you wrote this one: what do we want here?"},
				{daysAgo: 3.5, by: account.Owner, body: "Hi Elif, a managed queue is fine: say which one and what you would watch out for. We care more about the reasoning than the product.", read: true},
				{daysAgo: 3.4, body: "Great, thank you!"},
				{daysAgo: 3.3, by: account.Recruiter, body: "You're welcome. Good luck!", read: true},
			}},
		{name: "Tomasz Nowak", email: "tomasz.nowak@correo.example", zone: "Europe/Warsaw", daysAgo: 5.1, progress: started,
			answered: 1, texts: []int{3}, skill: 1, talk: []line{
				// Over four days, more than a working day whatever today is.
				{daysAgo: 4.6, body: "I am travelling for a family wedding until Thursday and will not have my laptop. Would it be possible to have three more days for the interview?"},
			}},
		{name: "Lan Nguyen", email: "lan.nguyen@fastmail.example", daysAgo: 2.2, progress: invited},
		{name: "Hannah Schmidt", email: "hannah.schmidt@mailbox.example", daysAgo: 1.1, progress: invited},
		{name: "Rafael Costa", email: "rafael.costa@inbox.example", daysAgo: 0.3, progress: invited},
	}
}

// backendStory holds answers to "A service you ran in production": two
// strong, two middling, one weak.
var backendStory = []string{
	"At a payments start-up I owned the ledger service: a Go API in front of PostgreSQL that recorded every " +
		"money movement for about 400 merchants. One Friday a schema migration added an index without " +
		"CONCURRENTLY, locked the entries table for eleven minutes and every checkout timed out.\n\n" +
		"We rolled forward rather than back, then spent the next sprint on guard rails: migrations ran through " +
		"a linter that refused blocking DDL, we added a statement_timeout per role, and we practised restores " +
		"every month instead of trusting backups we had never opened.\n\n" +
		"Today I would put the timeouts in from day one and make the on-call runbook part of the code review, " +
		"not a wiki page nobody reads at 2 a.m.",
	"I maintained a notification service at a food-delivery company: it read order events from a queue and " +
		"sent push messages and SMS. When the SMS provider slowed down, our workers retried immediately, " +
		"tripled the load on the provider and made the outage worse — a classic retry storm.\n\n" +
		"The fix was exponential backoff with jitter, a circuit breaker per provider and a dead-letter table " +
		"we could replay by hand. I also added a dashboard of delivery latency per provider so we saw the " +
		"next slowdown before customers did.\n\nWhat I'd change: we had no load test, so we learned our limits in production.",
	"I worked on an internal REST API for a logistics company, written in Java and later partly in Go. It " +
		"stored shipment data in MySQL. Once the database ran out of disk space and the API went down for " +
		"a few hours. We added monitoring for disk usage afterwards. Today I would use a managed database.",
	"In my last job I built microservices with Go and gRPC for an e-commerce platform. The biggest problem " +
		"was that services called each other in long chains, so one slow service slowed everything. We " +
		"added timeouts. I would design fewer services next time.",
	"I made a REST API in Go for my university project. It worked well and nothing went wrong.",
}

// backendDesign holds answers to "Design: robot telemetry".
var backendDesign = []string{
	"Numbers first: 5,000 robots × 1 msg/s × 2 KB is 10 MB/s, about 860 GB a day raw and 77 TB over 90 days. " +
		"That is too much to keep as JSON rows, but compresses well (status messages repeat).\n\n" +
		"Ingest: robots post to a small, stateless Go gateway that validates, batches per second and writes to " +
		"PostgreSQL with COPY into a table partitioned by day. Partitions make the 90-day retention a DROP, " +
		"not a DELETE. I'd keep only the fields operators query as columns and the rest as compressed bytes.\n\n" +
		"The last hour: the gateway also keeps a ring buffer of the last 3,600 messages per robot in memory " +
		"(5,000 × 3,600 × 2 KB ≈ 36 GB is too much for one box, so shard robots over three gateways by id, " +
		"or keep a reduced 200-byte summary, which is 3.6 GB). Operators read from the buffer; older history " +
		"comes from Postgres with an index on (robot_id, ts).\n\n" +
		"Trade-offs: a gateway crash loses at most the current second's batch, which I think is acceptable " +
		"for telemetry but not for commands. I'm choosing Postgres over a time-series database because the " +
		"team already runs it well; if queries across all robots become common, I'd revisit that.",
	"About 10,000 messages per second, 20 MB/s, ~1.7 TB a day before compression.\n\nI would put a queue " +
		"(NATS or Kafka) between robots and storage so a slow database never makes robots drop data. A " +
		"consumer writes batches into a time-series store — TimescaleDB, since it is Postgres and supports " +
		"compression and retention policies. Operators' queries hit (robot_id, time) which is the natural " +
		"index; the last hour stays uncompressed and in memory, so one robot's hour comes back in tens of milliseconds.\n\n" +
		"Trade-off: one more moving part (the queue) in exchange for absorbing bursts, for instance when a whole " +
		"warehouse reconnects after a network outage.",
	"I would use Kafka to receive the messages and store them in Cassandra because it scales horizontally " +
		"and is good for time series. A REST API would read the data for the operators. For 90 days of " +
		"history we can set a TTL on the rows. This design can scale to many more robots.",
	"Store every message in a PostgreSQL table with robot_id, timestamp and the JSON. Add an index on " +
		"robot_id and timestamp. Delete rows older than 90 days with a nightly job. For the last hour, " +
		"query the table with a WHERE on the timestamp. If it gets slow, add read replicas.",
	"Use a cloud service like AWS IoT and a database.",
}
