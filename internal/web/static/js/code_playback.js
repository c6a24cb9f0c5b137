// code_playback: a reviewer replays how a code answer was written, from
// the editor's record (package activity): play and pause, speeds 1× to
// 10×, a scrubber, pauses skipped or kept, and pastes marked on the
// timeline as buttons that jump to them. The code is shown in a read-only
// editor; the record's time runs from session to session without the
// hours between them.
import { EditorView, EditorState, lineNumbers, python, javascript, go } from "../vendor/codemirror-6.0.2.js";
import { codeTheme } from "./code_theme.js";

const languages = { python, javascript, go };
const maxPause = 5000; // ms a pause lasts when pauses are skipped

const box = document.getElementById("playback");
if (box) start(box);

async function start(box) {
  const status = document.getElementById("pb-status");
  let rec;
  try {
    const resp = await fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!resp.ok) throw new Error(String(resp.status));
    rec = await resp.json();
  } catch {
    status.textContent = "The record could not be loaded. Reload the page to try again.";
    return;
  }
  const player = new Player(box, rec);
  status.textContent = rec.complete
    ? "Ready. The replay ends with the saved code."
    : `Ready, but note: ${rec.problem}`;
  player.seek(0);
}

class Player {
  constructor(box, rec) {
    this.ops = flatten(rec);
    this.play = document.getElementById("pb-play");
    this.speed = document.getElementById("pb-speed");
    this.skip = document.getElementById("pb-skip");
    this.pos = document.getElementById("pb-pos");
    this.time = document.getElementById("pb-time");
    this.marks = document.getElementById("pb-marks");
    const lang = languages[rec.language];
    this.view = new EditorView({
      parent: document.getElementById("pb-code"),
      state: EditorState.create({
        doc: "",
        extensions: [
          lineNumbers(), codeTheme, lang ? lang() : [],
          EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "The code at this point of the replay" }),
        ],
      }),
    });
    this.view.dom.classList.add("code-view");
    this.done = 0; // ops applied
    this.at = 0; // ms on the timeline
    this.timer = 0;
    document.getElementById("pb-controls").hidden = false;
    document.getElementById("pb-track").hidden = false;
    this.retime();

    this.play.addEventListener("click", () => (this.timer ? this.pause() : this.start()));
    this.pos.addEventListener("input", () => { this.pause(); this.seek(Number(this.pos.value)); });
    this.skip.addEventListener("change", () => {
      const i = this.done;
      this.retime();
      this.seek(i > 0 ? this.ops[i - 1].t : 0);
    });
  }

  // retime lays the ops on the timeline, pauses skipped or kept, and
  // marks pastes and sessions on it.
  retime() {
    let t = 0;
    for (const op of this.ops) {
      t += this.skip.checked ? Math.min(op.dt, maxPause) : op.dt;
      op.t = t;
    }
    this.total = t;
    this.pos.max = String(t);
    this.marks.replaceChildren();
    this.ops.forEach((op, i) => {
      if (op.kind !== "paste" && op.kind !== "drop" && !(op.kind === "reset" && op.t > 0)) return;
      const b = document.createElement("button");
      b.type = "button";
      b.className = `pb-mark pb-${op.kind}`;
      b.style.left = `${this.total ? (100 * op.t) / this.total : 0}%`;
      const what = op.kind === "reset" ? "The editor opened again"
        : `${op.kind === "paste" ? "Paste" : "Drop"} of ${op.length} characters`;
      b.setAttribute("aria-label", `${what}, at ${clock(op.t)}`);
      b.title = `${what}${op.first ? `: ${op.first}` : ""}`;
      // To the code just before the paste, or as the editor opened.
      b.addEventListener("click", () => { this.pause(); this.show(op.kind === "reset" ? i + 1 : i, op.t); });
      this.marks.append(b);
    });
  }

  start() {
    if (this.at >= this.total) this.seek(0);
    this.play.textContent = "Pause";
    let last = performance.now();
    const tick = (now) => {
      this.seek(Math.min(this.total, this.at + (now - last) * Number(this.speed.value)));
      last = now;
      if (this.at >= this.total) { this.pause(); return; }
      this.timer = requestAnimationFrame(tick);
    };
    this.timer = requestAnimationFrame(tick);
  }

  pause() {
    cancelAnimationFrame(this.timer);
    this.timer = 0;
    this.play.textContent = this.at >= this.total ? "Play again" : "Play";
  }

  // seek shows the code as it was at ms t on the timeline: forward from
  // where it is, or again from the last reset before t.
  seek(t) {
    let target = 0;
    while (target < this.ops.length && this.ops[target].t <= t) target++;
    this.show(target, t);
  }

  // show shows the code after the first target ops, at ms t.
  show(target, t) {
    let doc = this.view.state.doc;
    let i = this.done;
    if (target < i) {
      i = 0;
      doc = EditorState.create({ doc: "" }).doc;
      for (let k = target - 1; k >= 0; k--) {
        if (this.ops[k].kind === "reset") { i = k; break; }
      }
    }
    const state = EditorState.create({ doc });
    let tr = state;
    for (; i < target; i++) {
      const op = this.ops[i];
      if (op.kind === "reset") tr = EditorState.create({ doc: op.doc });
      else if (op.kind === "change") tr = tr.update({ changes: op.changes }).state;
    }
    this.done = target;
    this.at = t;
    if (tr.doc !== this.view.state.doc) {
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: tr.doc } });
    }
    this.pos.value = String(Math.round(t));
    const text = `${clock(t)} / ${clock(this.total)}`;
    this.time.textContent = text;
    this.pos.setAttribute("aria-valuetext", text);
  }
}

// flatten turns the record's sessions into ops: a reset where a session
// starts from code of its own, then its frames.
function flatten(rec) {
  const ops = [];
  rec.sessions.forEach((s, n) => {
    if (!s.continues || n === 0) ops.push({ kind: "reset", dt: 0, doc: s.base });
    for (const f of s.frames) {
      const dt = f[0];
      if (typeof f[1] === "string") {
        const kind = { P: "paste", D: "drop", B: "leave", F: "return", L: "language" }[f[1]] || "other";
        ops.push({ kind, dt, length: f[2], first: f[3] });
        continue;
      }
      const changes = [];
      for (let i = 1; i + 2 < f.length; i += 3) changes.push({ from: f[i], to: f[i + 1], insert: f[i + 2] });
      ops.push({ kind: "change", dt, changes });
    }
  });
  return ops;
}

function clock(ms) {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
