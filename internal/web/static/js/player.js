// player: the reviewer's video player on the application page. Without
// it each .player[data-media-id] is a plain <video> with a comment form
// and links that open the recording at a moment. This adds:
//   - speed buttons, remembered on this device;
//   - keyboard shortcuts while focus is in the player;
//   - comments added without a reload, their times as buttons that seek;
//   - watch tracking: the spans actually played are reported to
//     /media/{id}/views, so the team sees who watched how much.

const RATES = [1, 1.25, 1.5, 2];
const RATE_KEY = "anyhour.player.rate";
const REPORT_EVERY = 10000; // ms between reports while playing
// A jump of more than this many seconds beyond what the clock and the
// speed explain is a seek: what was skipped was not watched.
const MAX_JUMP = 1.5;

// A blind review's player holds an <audio> element instead: every part
// below works on either, as both are HTMLMediaElements.
for (const root of document.querySelectorAll(".player[data-media-id]")) {
  const video = root.querySelector("video, audio");
  if (video) enhance(root, video);
}

function enhance(root, video) {
  const say = status(root);
  const step = speeds(root, video);
  const focusComment = comments(root, video, say);
  const coverage = ownCoverage(root, video);
  track(root, video, coverage);
  shortcuts(root, video, {
    slower: () => say(`Speed ${step(-1)}×`),
    faster: () => say(`Speed ${step(+1)}×`),
    focusComment,
  });
  const tools = root.querySelector(".player-tools");
  if (tools) tools.hidden = false;
}

// clock writes seconds as m:ss, as the server does.
export function clock(seconds) {
  const n = Math.max(0, Math.round(seconds || 0));
  return `${Math.floor(n / 60)}:${String(n % 60).padStart(2, "0")}`;
}

// parseMoment reads a typed moment, as the server does: 42, 42.5, 0:42
// or 1:02:03. It returns null for anything else.
export function parseMoment(text) {
  const m = /^(?:(?:(\d{1,2}):)?(\d{1,3}):)?(\d{1,5}(?:\.\d{1,3})?)$/.exec(text.trim());
  if (!m) return null;
  const [h, min, s] = [Number(m[1] || 0), Number(m[2] || 0), Number(m[3])];
  if ((m[2] !== undefined && s >= 60) || (m[1] !== undefined && min >= 60)) return null;
  return h * 3600 + min * 60 + s;
}

// mergeSpans merges spans that overlap or nearly touch, as the server does.
export function mergeSpans(spans) {
  const out = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 0.25) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function status(root) {
  const el = root.querySelector(".player-status");
  return (text) => {
    if (el) el.textContent = text;
  };
}

// speeds wires the speed buttons and returns a function that moves the
// speed one step slower (-1) or faster (+1) and returns the new one.
function speeds(root, video) {
  const buttons = [...root.querySelectorAll(".speeds button[data-rate]")];
  const show = () => {
    for (const b of buttons) b.setAttribute("aria-pressed", String(Number(b.dataset.rate) === video.playbackRate));
  };
  const set = (rate) => {
    video.defaultPlaybackRate = rate; // kept if the browser reloads the media
    video.playbackRate = rate;
    show(); // at once; ratechange follows later
    try {
      localStorage.setItem(RATE_KEY, String(rate));
    } catch (e) {
      /* private mode: the speed is not remembered */
    }
  };
  for (const b of buttons) b.addEventListener("click", () => set(Number(b.dataset.rate)));
  video.addEventListener("ratechange", show);
  let saved = 1;
  try {
    saved = Number(localStorage.getItem(RATE_KEY)) || 1;
  } catch (e) {
    /* no storage */
  }
  if (RATES.includes(saved) && saved !== 1) set(saved);
  show();
  return (dir) => {
    const now = video.playbackRate;
    const i = dir > 0 ? RATES.findIndex((r) => r > now) : RATES.findLastIndex((r) => r < now);
    if (i >= 0) set(RATES[i]);
    return video.playbackRate;
  };
}

function shortcuts(root, video, actions) {
  root.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    // Typing is typing; and Space or Enter on a button presses it.
    if (t.closest("input, textarea, select, [contenteditable]")) return;
    switch (e.key) {
      case " ":
        // The video's own controls play and pause on Space when it has
        // focus (Chromium as the key comes up, whatever we do here).
        if (t === video || t.closest("button, a, summary")) return;
        toggle(video);
        break;
      case "k":
      case "K":
        toggle(video);
        break;
      case "j":
      case "J":
      case "ArrowLeft":
        seekBy(video, -5);
        break;
      case "l":
      case "L":
      case "ArrowRight":
        seekBy(video, 5);
        break;
      case "<":
      case "[":
        actions.slower();
        break;
      case ">":
      case "]":
        actions.faster();
        break;
      case "c":
      case "C":
        actions.focusComment();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
}

function toggle(video) {
  if (video.paused) video.play().catch(() => {});
  else video.pause();
}

function seekBy(video, seconds) {
  const end = Number.isFinite(video.duration) ? video.duration : Infinity;
  video.currentTime = Math.min(Math.max(video.currentTime + seconds, 0), end);
}

// comments turns the comment times into seek buttons and sends the form
// with fetch. It returns the action of the C shortcut.
function comments(root, video, say) {
  const list = root.querySelector(".comments");
  for (const a of root.querySelectorAll("a.at[data-at]")) a.replaceWith(atButton(Number(a.dataset.at)));
  root.addEventListener("click", (e) => {
    const b = e.target.closest("button.at[data-at]");
    if (!b) return;
    video.currentTime = Number(b.dataset.at);
    say(`At ${clock(video.currentTime)}`);
  });

  const form = root.querySelector("form.comment-form");
  if (!form || !list) return () => {};
  const at = form.elements.at;
  const body = form.elements.body;
  const submit = form.querySelector("button[type=submit]");
  const label = form.querySelector(".at-label");
  let moment = 0;
  let byHand = at.value !== ""; // a refused comment's moment, as typed
  const showAt = (t) => {
    if (label) label.textContent = t === null ? "" : ` at ${clock(t)}`;
  };
  const pin = (t) => {
    moment = t;
    at.value = clock(t);
    showAt(t);
  };
  // The moment follows the video until the reviewer starts a comment.
  const follow = () => {
    if (byHand || body.value !== "" || form.contains(document.activeElement)) return;
    pin(video.currentTime);
  };
  video.addEventListener("timeupdate", follow);
  video.addEventListener("seeked", follow);
  at.addEventListener("input", () => {
    byHand = true;
    showAt(parseMoment(at.value));
  });
  if (byHand) showAt(parseMoment(at.value));
  else pin(video.currentTime);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const seconds = at.value === clock(moment) ? moment : parseMoment(at.value);
    if (seconds === null) {
      problem(form, "Say when in the recording as minutes:seconds, such as 1:05.", at);
      return;
    }
    // Not disabled: that would take focus from the button.
    if (submit.getAttribute("aria-disabled") === "true") return;
    submit.setAttribute("aria-disabled", "true");
    try {
      const c = await postComment(form.action, seconds, body.value);
      list.append(commentItem(c));
      sortComments(list);
      root.querySelector(".no-comments")?.remove();
      problem(form, "");
      body.value = "";
      byHand = false;
      say(`Comment added at ${clock(c.at_seconds)}.`);
    } catch (err) {
      problem(form, err.message, err.field === "body" ? body : err.field ? at : null);
    } finally {
      submit.removeAttribute("aria-disabled");
    }
  });

  // The C shortcut: the moment is when C goes down; the box takes focus
  // when it comes up, so that the C is not typed into it.
  return () => {
    byHand = false;
    pin(video.currentTime);
    root.addEventListener("keyup", () => body.focus(), { once: true });
  };
}

async function postComment(url, seconds, text) {
  let resp;
  try {
    resp = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ at_seconds: seconds, body: text }),
    });
  } catch (e) {
    throw new Error("No connection: your comment is not saved yet. Try again in a moment.");
  }
  let data = null;
  if ((resp.headers.get("Content-Type") || "").startsWith("application/json")) data = await resp.json().catch(() => null);
  if (resp.status === 201 && data) return data;
  if (!data && resp.redirected) throw new Error("You have been signed out. Sign in again in another tab, then add your comment.");
  const err = new Error(data?.error?.message ? sentence(data.error.message) : "Your comment could not be added. Try again.");
  err.field = data?.error?.field;
  throw err;
}

function sentence(s) {
  return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".");
}

// problem shows msg above the form (or clears it) and puts focus on the
// field at fault.
function problem(form, msg, field) {
  let el = form.querySelector(".error");
  if (!msg) {
    el?.remove();
    return;
  }
  if (!el) {
    el = document.createElement("p");
    el.className = "error";
    el.setAttribute("role", "alert");
    form.prepend(el);
  }
  el.textContent = msg;
  field?.focus();
}

function atButton(seconds) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "at";
  b.dataset.at = String(seconds);
  const sr = document.createElement("span");
  sr.className = "sr-only";
  sr.textContent = "Play from ";
  b.append(sr, clock(seconds));
  return b;
}

// commentItem builds a comment as the server lists it.
function commentItem(c) {
  const li = document.createElement("li");
  li.id = `comment-${c.id}`;
  li.dataset.at = String(c.at_seconds);
  li.className = "new";
  const text = document.createElement("div");
  text.className = "comment-text";
  const meta = document.createElement("p");
  meta.className = "comment-meta";
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = c.author.name;
  const when = document.createElement("span");
  when.className = "muted";
  when.textContent = "· just now";
  meta.append(who, " ", when);
  const body = document.createElement("p");
  body.className = "comment-body";
  body.textContent = c.body;
  text.append(meta, body);
  li.append(atButton(c.at_seconds), text);
  return li;
}

function sortComments(list) {
  const items = [...list.children].sort((a, b) => Number(a.dataset.at) - Number(b.dataset.at));
  list.append(...items);
}

// ownCoverage redraws the viewer's own row of the coverage list with
// what they watch now, and returns a function that takes a report's
// spans and the server's total.
function ownCoverage(root, video) {
  const row = root.querySelector(".coverage li[data-mine]");
  if (!row) return () => {};
  let spans = [];
  try {
    spans = JSON.parse(row.dataset.spans || "[]");
  } catch (e) {
    /* start from what is watched now */
  }
  const duration = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : Number(root.dataset.duration) || 0);
  return (sent, watchedSeconds) => {
    const d = duration();
    if (!d) return;
    spans = mergeSpans(spans.concat(sent)).map(([a, b]) => [a, Math.min(b, d)]);
    const svg = row.querySelector("svg");
    svg.replaceChildren(
      ...spans.map(([a, b]) => {
        const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        r.setAttribute("x", ((a / d) * 1000).toFixed(1));
        r.setAttribute("width", (((b - a) / d) * 1000).toFixed(1));
        r.setAttribute("height", "10");
        return r;
      }),
    );
    row.querySelector(".cov-pct").textContent = `${Math.round(Math.min(watchedSeconds / d, 1) * 100)}%`;
    row.querySelector(".cov-spans").textContent = "Watched " + spans.map(([a, b]) => `${clock(a)} to ${clock(b)}`).join(", ") + ".";
  };
}

// track records the spans of the recording that play, and reports the
// ones not yet sent: every REPORT_EVERY while playing, on pause and at
// the end, and when the page is hidden or left (keepalive, so the
// request outlives the page).
function track(root, video, onReport) {
  const url = `/media/${root.dataset.mediaId}/views`;
  let start = null; // where the span being played began, or null
  let last = 0; // how far it got
  let lastClock = 0; // when, in seconds of performance.now()
  let unsent = [];
  let sending = false;
  let timer = 0;
  const now = () => performance.now() / 1000;
  const round = (t) => Math.round(t * 100) / 100;

  const begin = () => {
    start = last = video.currentTime;
    lastClock = now();
  };
  const close = () => {
    if (start !== null && last - start > 0.05) unsent.push([round(start), round(last)]);
    start = null;
  };
  // extend takes the span to the current time if playback got there by
  // playing; a jump ends it.
  const extend = () => {
    if (start === null) return false;
    const t = video.currentTime;
    const c = now();
    if (t < last || t - last > (c - lastClock) * video.playbackRate + MAX_JUMP) {
      close();
      return false;
    }
    last = t;
    lastClock = c;
    return true;
  };
  // checkpoint moves what has played so far into unsent, and goes on.
  const checkpoint = () => {
    if (!extend()) return;
    const t = last;
    close();
    start = t;
  };
  const send = (keepalive) => {
    if (unsent.length === 0 || (sending && !keepalive)) return;
    const spans = mergeSpans(unsent);
    unsent = [];
    sending = !keepalive;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ spans }),
    })
      .then((resp) => {
        if (resp.ok) return resp.json().then((d) => onReport(spans, d.watched_seconds));
        if (resp.status >= 500) throw new Error("retry");
        // Refused (signed out, say): sending again would not help.
      })
      .catch(() => {
        unsent = spans.concat(unsent); // no connection: keep them for the next report
      })
      .finally(() => {
        if (!keepalive) sending = false;
      });
  };
  const stop = () => {
    clearInterval(timer);
    timer = 0;
    extend();
    close();
    send(false);
  };

  video.addEventListener("play", () => {
    if (start === null) begin();
    if (!timer) {
      timer = setInterval(() => {
        checkpoint();
        send(false);
      }, REPORT_EVERY);
    }
  });
  video.addEventListener("timeupdate", () => {
    if (video.paused || video.seeking) return;
    if (!extend()) begin();
  });
  video.addEventListener("seeking", () => {
    close();
  });
  video.addEventListener("seeked", () => {
    if (!video.paused) begin();
  });
  video.addEventListener("pause", stop);
  video.addEventListener("ended", stop);
  const leave = () => {
    checkpoint();
    send(true);
  };
  addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") leave();
  });
}
