package takehome

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// preReceive is the hook git runs before it accepts a push: what a push
// must satisfy, each refusal a line the candidate reads as "remote: …".
// The server tells it, for each push, in the environment, why the
// repository takes no pushes at all (ANYHOUR_REFUSE: the answers were
// submitted) and when it closes (ANYHOUR_CLOSES_AT, Unix seconds: the
// window or the deadline, as extended), checked again once the push has
// arrived. The limits are written into it. New objects sit in git's
// quarantine while it runs, which git's commands here see.
const preReceive = `#!/bin/sh
# Written by anyhour. What a push to this repository must satisfy.
zero=0000000000000000000000000000000000000000
max_file=%d
max_repo_kb=%d
say() { echo "anyhour: $*" >&2; }
if [ -n "$ANYHOUR_REFUSE" ]; then
	say "$ANYHOUR_REFUSE"
	exit 1
fi
closes=$ANYHOUR_CLOSES_AT
if [ -n "$closes" ] && [ "$(date +%%s)" -ge "$closes" ]; then
	say "this take-home closed at $(date -u -d "@$closes" '+%%Y-%%m-%%d %%H:%%M UTC'); pushes are no longer taken."
	say "Everything you pushed before then is kept and will be reviewed."
	exit 1
fi
while read -r old new ref; do
	if [ "$ref" != "refs/heads/main" ]; then
		say "only the branch main is taken, not $ref. Push your work to main: git push origin HEAD:main"
		exit 1
	fi
	if [ "$new" = "$zero" ]; then
		say "main cannot be deleted."
		exit 1
	fi
	range=$new
	if [ "$old" != "$zero" ]; then
		if ! git merge-base --is-ancestor "$old" "$new"; then
			say "this push would rewrite main's history (a force-push), which is refused so that nothing pushed is lost."
			say "Bring in what is on main first (git pull --rebase), then push again."
			exit 1
		fi
		range="$old..$new"
	fi
	big=$(git rev-list --objects "$range" | git cat-file --batch-check='%%(objecttype) %%(objectsize) %%(rest)' |
		awk -v max="$max_file" '$1 == "blob" && $2 > max { $1 = ""; size = $2; $2 = ""; sub(/^ +/, ""); print $0 " (" int(size / 1048576) " MB)"; exit }')
	if [ -n "$big" ]; then
		say "$big is larger than the limit of $((max_file / 1048576)) MB a file. Remove it from your commits and push again."
		exit 1
	fi
done
kb=$(du -sk "$GIT_DIR/objects" | cut -f1)
if [ "$kb" -gt "$max_repo_kb" ]; then
	say "with this push the repository would hold $((kb / 1024)) MB, more than the limit of $((max_repo_kb / 1024)) MB."
	say "Remove large files from your commits and push again."
	exit 1
fi
exit 0
`

// postReceive is the hook git runs once a push is in: when the server
// asks (ANYHOUR_PUSH_DIR, a directory of this request's own), it says
// which commit arrived, then waits for the server's report on the push
// (its grading, if it comes within a few seconds) and passes it on to
// the candidate as "remote: …" lines.
const postReceive = `#!/bin/sh
# Written by anyhour. Tells the server what arrived, and passes on its report.
[ -n "$ANYHOUR_PUSH_DIR" ] || exit 0
while read -r old new ref; do
	if [ "$ref" = "refs/heads/main" ]; then
		echo "$new" > "$ANYHOUR_PUSH_DIR/pushed.tmp" && mv "$ANYHOUR_PUSH_DIR/pushed.tmp" "$ANYHOUR_PUSH_DIR/pushed"
	fi
done
i=0
while [ ! -f "$ANYHOUR_PUSH_DIR/report" ] && [ "$i" -lt %d ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -f "$ANYHOUR_PUSH_DIR/report" ] && cat "$ANYHOUR_PUSH_DIR/report" >&2
exit 0
`

// templatePreReceive is a template repository's pre-receive hook: the
// push's commit and quarantine go to the server (ANYHOUR_PUSH_DIR), which
// saves its files as the step's or refuses them, and answers in the
// files accepted or refused, a line each to pass on.
const templatePreReceive = `#!/bin/sh
# Written by anyhour. A push here becomes the step's files once anyhour has checked them.
zero=0000000000000000000000000000000000000000
say() { echo "anyhour: $*" >&2; }
if [ -z "$ANYHOUR_PUSH_DIR" ]; then
	say "this repository takes pushes through anyhour only."
	exit 1
fi
n=0
while read -r old new ref; do
	n=$((n + 1))
	if [ "$ref" != "refs/heads/main" ] || [ "$n" -gt 1 ]; then
		say "only the branch main is taken, not $ref. Push to main: git push origin HEAD:main"
		exit 1
	fi
	if [ "$new" = "$zero" ]; then
		say "main cannot be deleted."
		exit 1
	fi
	if [ "$old" != "$zero" ] && ! git merge-base --is-ancestor "$old" "$new"; then
		say "this push would rewrite main's history, which is refused. Pull first (git pull --rebase), then push again."
		exit 1
	fi
	printf '%%s\n%%s\n' "$new" "$GIT_QUARANTINE_PATH" > "$ANYHOUR_PUSH_DIR/proposed.tmp" &&
		mv "$ANYHOUR_PUSH_DIR/proposed.tmp" "$ANYHOUR_PUSH_DIR/proposed"
done
i=0
while [ ! -f "$ANYHOUR_PUSH_DIR/accepted" ] && [ ! -f "$ANYHOUR_PUSH_DIR/refused" ] && [ "$i" -lt %d ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -f "$ANYHOUR_PUSH_DIR/accepted" ]; then
	sed 's/^/anyhour: /' "$ANYHOUR_PUSH_DIR/accepted" >&2
	exit 0
fi
if [ -f "$ANYHOUR_PUSH_DIR/refused" ]; then
	sed 's/^/anyhour: /' "$ANYHOUR_PUSH_DIR/refused" >&2
else
	say "anyhour did not answer in time; nothing was changed. Push again in a minute."
fi
exit 1
`

// writeTemplateHook writes a template repository's hook.
func writeTemplateHook(dir string) error {
	hook := fmt.Sprintf(templatePreReceive, int(hookWait/(100*time.Millisecond)))
	return writeFile(filepath.Join(dir, "hooks", "pre-receive"), []byte(hook), 0o755)
}

// ReportWait is the longest a push waits for its grading before the
// candidate is told where to see it (Service.SetReportWait changes it).
const ReportWait = 12 * time.Second

// hookWait is the longest the hook waits for the server's report: longer
// than any report takes, so that the report, which always comes, is
// never cut off.
const hookWait = 30 * time.Second

// writeHooks writes the repository's hooks.
func writeHooks(dir string, maxFile, maxRepo int64) error {
	hook := fmt.Sprintf(preReceive, maxFile, maxRepo/1024)
	if err := writeFile(filepath.Join(dir, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		return err
	}
	post := fmt.Sprintf(postReceive, int(hookWait/(100*time.Millisecond)))
	return writeFile(filepath.Join(dir, "hooks", "post-receive"), []byte(post), 0o755)
}

// writeFile replaces a file at once: a push running meanwhile reads the
// old one or the new one.
func writeFile(name string, data []byte, mode os.FileMode) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
