// autosave: a candidate's answer is saved as they type, and nothing typed
// is lost on the way.
//
// - A pause in typing (or a choice ticked) saves the answer through the
//   step's own form action, and the status line says "Saved at 14:03."
// - Until the server has it, every change is also kept on this device
//   (localStorage, by application and step, never by the link's token) and
//   removed once saved. Coming back after a reload, a crash or time offline
//   puts it back; if the saved answer changed meanwhile on another device,
//   the candidate chooses which to keep.
// - Following a link on the page first saves; leaving while the answer
//   cannot be saved (offline, or the server said no) brings up the
//   browser's "leave this page?" warning. Reload, back and closing the tab
//   send what was typed as the page goes.
//
// Without JavaScript the form's Save buttons do the same work by hand.
import { readDraft, writeDraft, removeDraft, purgeOldDrafts } from "./drafts.js";

const keepaliveLimit = 60000; // browsers refuse keepalive bodies over 64 KiB

export class Autosave {
  // form: the step's form; its fields other than "then" are the answer.
  // write(value): put a saved value back into the controls (defaults to
  // setting the form's fields). status: the element for the status line.
  constructor(form, { write, status, delay = 1500, onSaved } = {}) {
    this.form = form;
    this.key = form.dataset.draft;
    this.status = status;
    this.delay = delay;
    this.write = write || ((value) => writeFields(form, value));
    this.onSaved = onSaved || (() => {});
    this.saved = this.read(); // what the server has
    this.base = this.saved; // what the server had when the page loaded
    this.failed = ""; // "", "offline" or "refused"
    this.note = ""; // said before the next "Saved at …"
    this.timer = 0;
    this.retry = 0;
    this.inflight = null;
    purgeOldDrafts();
    this.restore();

    form.addEventListener("submit", () => clearTimeout(this.timer));
    window.addEventListener("online", () => { if (this.dirty()) this.save(); });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flushOnExit();
    });
    window.addEventListener("pagehide", () => { this.unloading = true; this.flushOnExit(); });
    window.addEventListener("beforeunload", (e) => {
      // From here the next page may load before a save in flight lands,
      // so the copy on this device stays for that page to settle.
      this.unloading = true;
      if (!this.dirty() || this.leaving) return;
      if (!this.flushOnExit() || this.failed || !navigator.onLine) {
        e.preventDefault();
        e.returnValue = "";
      }
    });
    document.addEventListener("click", (e) => this.follow(e));
  }

  // read is the answer the controls hold, as a form body.
  read() {
    const body = new URLSearchParams(new FormData(this.form));
    body.delete("then");
    return body.toString();
  }

  dirty() { return this.read() !== this.saved; }

  // changed is called on every edit: keep it here, save after a pause.
  changed(delay = this.delay) {
    this.unloading = false; // typing again: the page stayed
    const value = this.read();
    if (value === this.saved) {
      removeDraft(this.key);
    } else {
      writeDraft(this.key, { base: this.base, value, at: Date.now() });
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  // save sends the answer if the server does not have it yet, one save at
  // a time, and reports whether the server now has what the page holds.
  async save() {
    clearTimeout(this.timer);
    clearTimeout(this.retry);
    while (this.inflight) await this.inflight;
    const value = this.read();
    if (value === this.saved) return true;
    this.say("Saving…");
    this.inflight = this.send(value);
    await this.inflight;
    this.inflight = null;
    if (this.failed === "offline") {
      this.retry = setTimeout(() => this.save(), 10000);
    } else if (!this.failed && this.dirty()) {
      this.changed();
    }
    return !this.dirty();
  }

  async send(value) {
    const body = new URLSearchParams(value);
    body.set("then", "stay");
    let resp;
    try {
      resp = await fetch(this.form.action, {
        method: "POST", body, credentials: "same-origin", headers: { "X-Anyhour-Autosave": "1" },
      });
    } catch {
      this.failed = "offline";
      this.say("Not saved: you seem to be offline. What you typed is kept on this device and will be saved when you are back.", true);
      return;
    }
    const plain = (resp.headers.get("Content-Type") || "").startsWith("text/plain");
    const text = plain ? (await resp.text()).trim() : "";
    if (resp.ok) {
      this.saved = value;
      this.base = value;
      this.failed = "";
      if (!this.unloading && readDraft(this.key)?.value === value) removeDraft(this.key);
      this.say(this.note + (text || "Saved."));
      this.note = "";
      this.onSaved();
      return;
    }
    // A server error may pass; a refusal (closed, too long) will not.
    this.failed = resp.status >= 500 ? "offline" : "refused";
    this.say(text || "Not saved: please try again in a moment. What you typed is kept on this device.", true);
  }

  // flushOnExit sends unsaved changes as the page goes, and reports whether
  // it could.
  flushOnExit() {
    if (!this.dirty()) return true;
    const value = this.read();
    const body = new URLSearchParams(value);
    body.set("then", "stay");
    if (body.toString().length > keepaliveLimit || this.failed === "refused") return false;
    try {
      fetch(this.form.action, {
        method: "POST", body, credentials: "same-origin", keepalive: true, headers: { "X-Anyhour-Autosave": "1" },
      }).then((resp) => { if (resp.ok) this.saved = value; }).catch(() => {});
    } catch {
      return false;
    }
    return true;
  }

  // follow saves before a link on the page is followed; if saving fails
  // the link is still followed, and the browser's warning asks first.
  async follow(e) {
    const a = e.target.closest?.("a[href]");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (a.target && a.target !== "_self") return;
    if (!this.dirty()) return;
    e.preventDefault();
    const ok = await this.save();
    this.leaving = ok;
    location.assign(a.href);
  }

  // restore puts back what this device kept and the server does not have.
  restore() {
    const draft = readDraft(this.key);
    if (!draft) return;
    if (draft.value === this.saved) { removeDraft(this.key); return; }
    if (draft.base === this.saved) {
      this.write(draft.value);
      this.say("Restored what you typed on this device that had not been saved; saving it now.");
      this.note = "Restored what this device kept. ";
      this.save();
      return;
    }
    this.offer(draft);
  }

  // offer asks which answer to keep when the saved one changed elsewhere
  // after this device's copy was typed.
  offer(draft) {
    const box = document.createElement("div");
    box.className = "notice draft-choice";
    box.setAttribute("role", "alert");
    const when = new Date(draft.at).toLocaleString("en-GB", {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
    const p = document.createElement("p");
    p.textContent = `This device kept a different version of this answer, typed on ${when}, that was never saved. ` +
      "The answer below is the one saved since, perhaps from another device.";
    const use = button("Use the version from this device", () => {
      this.write(draft.value);
      this.base = this.saved;
      box.remove();
      this.changed(0);
    });
    const keep = button("Keep the saved answer", () => { removeDraft(this.key); box.remove(); });
    const actions = document.createElement("div");
    actions.className = "actions";
    actions.append(use, keep);
    box.append(p, actions);
    this.form.before(box);
  }

  say(text, error = false) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

// writeFields sets the form's controls to a saved body.
function writeFields(form, value) {
  const body = new URLSearchParams(value);
  for (const el of form.elements) {
    if (!el.name || el.name === "then") continue;
    if (el.type === "checkbox" || el.type === "radio") {
      el.checked = body.getAll(el.name).includes(el.value);
    } else if (body.has(el.name) && "value" in el && el.type !== "hidden" && el.type !== "submit") {
      el.value = body.get(el.name);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}
