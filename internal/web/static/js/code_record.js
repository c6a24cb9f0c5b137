// code_record: what the code editor records while the candidate writes,
// as the step told them before they started (package activity): every
// change to the code as timed change sets, pastes and drops (their length
// and first line), leaving and coming back to the page, and language
// switches. It is sent beside the autosave, and never stops the candidate:
// if sending fails, it is tried again later, and a full record simply
// stops recording.
//
// Frames are JSON arrays, first the milliseconds since the frame before:
// [dt, from, to, "text", …] for changes at once, in the document before
// them (UTF-16 code units, as CodeMirror counts); [dt, "P", length, "first
// line"] before a paste, "D" before a drop; [dt, "B"] the page was left,
// [dt, "F"] it came back; [dt, "L", "go"] the language was switched.

const keepaliveLimit = 60000; // browsers refuse keepalive bodies over 64 KiB

export class Recorder {
  // url: where frames go; base: the code the editor opened with.
  constructor(url, base) {
    this.url = url;
    this.base = base;
    this.session = randomName();
    this.started = Date.now();
    this.last = performance.now();
    this.frames = [];
    this.acked = 0; // frames the server holds
    this.sending = null;
    this.stopped = false;
    this.away = document.visibilityState === "hidden";
    this.timer = 0;

    const leave = () => { if (!this.away) { this.away = true; this.push(["B"]); this.flush(true); } };
    const back = () => { if (this.away) { this.away = false; this.push(["F"]); } };
    window.addEventListener("blur", leave);
    window.addEventListener("focus", back);
    document.addEventListener("visibilitychange", () => (document.visibilityState === "hidden" ? leave() : back()));
    window.addEventListener("pagehide", () => this.flush(true));
  }

  // update takes a CodeMirror view update: each transaction that changed
  // the code is a frame, after a paste or drop marker where it was one.
  update(u) {
    for (const tr of u.transactions) {
      if (!tr.docChanged) continue;
      const frame = [];
      let inserted = "";
      tr.changes.iterChanges((fromA, toA, _fromB, _toB, text) => {
        const s = text.toString();
        frame.push(fromA, toA, s);
        inserted += s;
      });
      if (tr.isUserEvent("input.paste")) this.push(["P", inserted.length, firstLine(inserted)]);
      else if (tr.isUserEvent("input.drop")) this.push(["D", inserted.length, firstLine(inserted)]);
      this.push(frame);
    }
  }

  // language records a switch of language.
  language(lang) { this.push(["L", lang]); }

  push(frame) {
    if (this.stopped) return;
    const now = performance.now();
    this.frames.push([Math.max(0, Math.round(now - this.last)), ...frame]);
    this.last = now;
    // Sent with the next save; at the latest half a minute from now.
    if (!this.timer) this.timer = setTimeout(() => { this.timer = 0; this.flush(); }, 30000);
  }

  // flush sends the frames the server does not hold yet. keepalive: the
  // page may be going, so the request must outlive it.
  async flush(keepalive = false) {
    if (this.stopped || this.acked >= this.frames.length) return;
    if (this.sending && !keepalive) return this.sending;
    const body = JSON.stringify({
      session: this.session,
      seq: this.acked,
      started: this.started,
      base: this.acked === 0 ? this.base : null,
      frames: this.frames.slice(this.acked),
    });
    keepalive = keepalive && body.length <= keepaliveLimit;
    this.sending = (async () => {
      try {
        const resp = await fetch(this.url, {
          method: "POST", body, keepalive, credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
        });
        const out = await resp.json().catch(() => ({}));
        if (typeof out.next === "number") this.acked = Math.min(out.next, this.frames.length);
        // Full, closed or refused for good: stop recording, never the candidate.
        if (resp.status === 413 || resp.status === 400 || resp.status === 404 || resp.status === 410) this.stopped = true;
      } catch {
        // Offline: the frames stay here and go with the next save.
      } finally {
        this.sending = null;
      }
    })();
    return this.sending;
  }
}

function firstLine(s) {
  for (const line of s.split("\n")) {
    const t = line.trim();
    if (t) return t.slice(0, 200);
  }
  return "";
}

function randomName() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}
