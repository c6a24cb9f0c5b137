package demo

import (
	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// successJob is the customer-facing opening: two written answers and
// three quiz questions about handling accounts.
func successJob() job {
	return job{
		title: "Customer Success Lead",
		// Reviewed blind, to show it: the team sees Candidate 1, 2… and
		// hears the video answers.
		blind: true,
		description: "Our customers run warehouses that cannot stop. As Customer Success Lead you own the " +
			"relationship with 30 logistics companies after they sign: onboarding, adoption, renewals, and the " +
			"hard phone call when something breaks. You will work closely with support and product, and travel " +
			"to customer sites about four days a month.",
		interview: "First interview: video and written",
		intro: "Welcome, and thanks for applying!\n\n" +
			"There are seven steps; the list below says about how long each takes. First a short video to say hello; then two questions ask you " +
			"to write about real situations, and three are quick multiple-choice questions; last, you upload a document you wrote for customers. " +
			"Write the way you would write to a customer: clearly and kindly. " +
			"You can stop and come back at any time before the deadline.\n\n— Noor and the customer team",
		steps: []step{
			{Step: opening.Step{
				Kind: opening.KindVideo, Title: "Say hello", MaxSeconds: 90, Retakes: 1,
				Prompt: "In a minute or so, introduce yourself the way you would to a new customer on a first call.",
			}},
			{Step: opening.Step{
				Kind: opening.KindText, Title: "An account you turned around", Minutes: 12, MaxWords: 300,
				Prompt: "Tell us about a customer relationship that was going badly and what you did about it. " +
					"What was at stake, what did you try, and how did it end?",
			}, texts: successStory},
			{Step: opening.Step{
				Kind: opening.KindChoice, Title: "The angry email", Minutes: 2,
				Prompt: "A customer's robots have been down for two hours and their operations manager writes to you in capitals. What do you do first?",
				Options: []opening.Option{
					{Text: "Call them, acknowledge the impact, and agree when you will next update them", Correct: true},
					{Text: "Reply with a link to the troubleshooting guide"},
					{Text: "Forward the email to engineering and wait for a diagnosis before answering"},
					{Text: "Offer a discount on next month's invoice"},
				},
			}, picks: [3][]int{{0}, {0}, {2}}},
			{Step: opening.Step{
				Kind: opening.KindChoice, Title: "Early signs of churn", Minutes: 3, Multiple: true, Points: 3,
				Prompt: "Which of these are early signs that an account may not renew? Choose all that apply.",
				Options: []opening.Option{
					{Text: "Operators log in to the dashboard half as often as two months ago", Correct: true},
					{Text: "Your champion at the customer has left the company", Correct: true},
					{Text: "Support tickets stopped entirely after a busy period", Correct: true},
					{Text: "They asked for a quote for ten more robots"},
					{Text: "They invited a new colleague to the dashboard"},
				},
			}, picks: [3][]int{{0, 1, 2}, {0, 1}, {1, 3, 4}}},
			{Step: opening.Step{
				Kind: opening.KindText, Title: "The first 90 days", Minutes: 20, MaxWords: 250,
				Prompt: "A logistics company has just signed for 40 robots across two sites. Outline their first 90 " +
					"days: who you involve on both sides, which milestones you track, and how you will know it is working.",
			}, texts: successPlan},
			{Step: opening.Step{
				Kind: opening.KindChoice, Title: "Reading a survey", Minutes: 1,
				Prompt:  "A customer answers 6 out of 10 to \"How likely are you to recommend us?\". In Net Promoter terms they are a…",
				Options: []opening.Option{{Text: "Promoter"}, {Text: "Passive"}, {Text: "Detractor", Correct: true}},
			}, picks: [3][]int{{2}, {1}, {1}}},
			{Step: opening.Step{
				Kind: opening.KindFile, Title: "Something you wrote for customers", Minutes: 5,
				Prompt: "Upload a document you wrote for customers: a guide, a checklist, a plan. A PDF is best; " +
					"remove anything confidential first.",
				Files: &opening.FileRules{Types: []string{"pdf", "docx"}, MaxFiles: 2, MaxMB: 10},
			}},
		},
		candidates: successCandidates(),
	}
}

func successCandidates() []candidate {
	return []candidate{
		{name: "Fatima Al-Sayed", email: "fatima.alsayed@inbox.example", zone: "Asia/Dubai", daysAgo: 20.4, progress: submitted,
			texts: []int{0, 0}, skill: 0, reviews: []verdict{
				{by: account.Recruiter, ratings: []int{5, 4}, rec: review.StrongYes,
					note: "Turned a churning account into a renewal with a concrete weekly plan. Exactly the tone we want with customers."},
				{by: account.Owner, ratings: []int{5, 5}, rec: review.StrongYes,
					note: "The 90-day plan names owners and dates on both sides. Let's move fast on this one."},
			}},
		{name: "Jonas Weber", email: "jonas.weber@posteo.example", zone: "Europe/Vienna", daysAgo: 18.1, progress: submitted,
			texts: []int{2, 2}, skill: 1, reviews: []verdict{
				{by: account.Recruiter, ratings: []int{3, 3}, rec: review.Yes,
					note: "Friendly and experienced, though his plan is generic (\"regular check-ins\"). Worth a call to see if there's more depth."},
				{by: account.Reviewer, ratings: []int{3, 2}, rec: review.No,
					note: "I missed measurable milestones. Also picked the wrong answer on the NPS question."},
			}},
		{name: "Chiara Romano", email: "chiara.romano@correo.example", zone: "Europe/Rome", daysAgo: 16.0, progress: submitted,
			texts: []int{1, 1}, skill: 0, reviews: []verdict{
				{by: account.Owner, ratings: []int{4, 4}, rec: review.Yes,
					note: "Good instincts on the escalation, calm writing. Her onboarding plan leans on training sessions; I'd ask about adoption metrics."},
			}},
		{name: "Daniel Cohen", email: "daniel.cohen@mailbox.example", zone: "Asia/Jerusalem", daysAgo: 12.7, progress: submitted,
			texts: []int{4, 3}, skill: 2, reviews: []verdict{
				{by: account.Recruiter, ratings: []int{1, 2}, rec: review.No,
					note: "Answers are very thin and he'd offer a discount before calling the customer. Not for this role."},
			}},
		{name: "Aisha Bello", email: "aisha.bello@fastmail.example", zone: "Africa/Lagos", daysAgo: 9.5, progress: submitted,
			texts: []int{1, 0}, skill: 0},
		{name: "Marta Kowalska", email: "marta.kowalska@inbox.example", zone: "Europe/Warsaw", daysAgo: 7.2, progress: submitted,
			texts: []int{3, 2}, skill: 1},
		{name: "Oliver Hughes", email: "oliver.hughes@mailbox.example", zone: "Europe/London", daysAgo: 5.4, progress: submitted,
			texts: []int{4, 4}, skill: 2},
		{name: "Mei Chen", email: "mei.chen@posteo.example", zone: "Asia/Singapore", daysAgo: 3.9, progress: started,
			answered: 2, texts: []int{0}, skill: 0},
		{name: "Santiago Morales", email: "santiago.morales@correo.example", zone: "America/Mexico_City", daysAgo: 2.8, progress: started,
			answered: 4, texts: []int{2, -1}, skill: 1},
		{name: "Ingrid Johansen", email: "ingrid.johansen@fastmail.example", daysAgo: 1.6, progress: invited},
		{name: "Arjun Mehta", email: "arjun.mehta@inbox.example", daysAgo: 0.6, progress: invited},
	}
}

// successStory holds answers to "An account you turned around".
var successStory = []string{
	"Last year our largest retail customer told us in a QBR that they would not renew: the scanning " +
		"software we sold them kept failing at one of their three warehouses, and the site manager had " +
		"stopped using it.\n\nI flew out, spent two days on the floor with the night shift and found the " +
		"problem was half ours (a firmware bug) and half theirs (Wi-Fi dead spots nobody had reported). I " +
		"wrote a one-page plan with an owner and a date for every item on both sides and sent a short update " +
		"every Friday until it was done, including the weeks where nothing had moved.\n\nEight weeks later the " +
		"site was our best performer. They renewed for three years and the site manager became a reference " +
		"customer. What I took from it: people forgive bugs, they don't forgive silence.",
	"A hospital group I managed was furious after a botched data migration left nurses without their " +
		"schedules for a morning. The account was worth a fifth of my book.\n\nI called the head of nursing the " +
		"same day, didn't argue about whose fault it was, and asked what a good outcome would look like for her. " +
		"We agreed on a daily fifteen-minute call for two weeks, and I brought our engineer along so she heard " +
		"answers first-hand. We fixed the data in four days and wrote the post-mortem together.\n\nThey renewed, " +
		"smaller at first, and expanded to two more hospitals the following year.",
	"I had a customer who was unhappy because of many bugs in our product. I organised regular meetings with " +
		"them and with our product team to discuss the issues. It took some months but the relationship became " +
		"better and they stayed a customer. Communication is the most important thing in customer success.",
	"A client complained a lot about response times from support. I told them we were working on it and " +
		"escalated to my manager. In the end they got a new support contact and it was better.",
	"I always keep my customers happy so I have not had this problem.",
}

// successPlan holds answers to "The first 90 days".
var successPlan = []string{
	"Before day 1: a kickoff with their operations director (sponsor), both site managers and IT, and on our " +
		"side me, the deployment engineer and support. We agree on what success means in numbers: robots " +
		"in daily use, picks per hour, tickets per robot.\n\nDays 1–30: site A goes live with 20 robots. " +
		"Milestones: network survey passed, operators trained per shift, first week with no critical ticket.\n" +
		"Days 31–60: site B, reusing what site A taught us; site A's manager joins B's kickoff.\n" +
		"Days 61–90: review against the numbers with the sponsor, agree next quarter's goals, find a second " +
		"champion so we never depend on one person.\n\nI know it's working when usage grows without me pushing, " +
		"and when they call me about new ideas, not problems.",
	"Weeks 1–2: kickoff and training plan with both site managers and IT. Weeks 3–6: go live at the first " +
		"site, daily check-ins during the first week. Weeks 7–10: second site. Weeks 11–13: business review.\n\n" +
		"Metrics: robots active per day, time to resolve tickets, and a short survey of operators after training. " +
		"I'd also set up a shared channel with their team so small problems surface early.",
	"I would organise a kickoff meeting with all stakeholders, then training sessions for the users. After " +
		"that regular check-ins every two weeks to see how things are going. At the end of 90 days we do a " +
		"review meeting. It's working if the customer is satisfied.",
	"Introduce myself, do the training, then check in monthly and ask for feedback.",
	"Make sure the robots are installed and the customer is happy.",
}
