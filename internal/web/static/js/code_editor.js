// code_editor: the candidate's code editor on a coding step. It turns the
// plain textarea into CodeMirror (highlighting, indentation, brackets),
// keeps the textarea in step so the form posts as before, swaps in the
// starter code when the language changes, saves a few seconds after
// typing stops, records how the code is written (code_record.js), and
// shows "Run the visible tests" results without leaving the page. Without JavaScript the textarea and the buttons work alone.
import {
  EditorView, EditorState, Compartment, Prec, keymap, indentWithTab, indentUnit,
  basicSetup, python, javascript, go,
} from "../vendor/codemirror-6.0.2.js";
import "./code_view.js";
import { codeTheme } from "./code_theme.js";
import { Autosave } from "./autosave.js";
import { Recorder } from "./code_record.js";


function languageSupport(lang) {
  switch (lang) {
    case "python": return [python(), indentUnit.of("    ")];
    case "javascript": return [javascript(), indentUnit.of("  ")];
    case "go": return [go(), indentUnit.of("\t")];
    default: return [];
  }
}

function mount(form, area) {
  const select = document.getElementById("language");
  const hidden = form.querySelector("input[type=hidden][name=language]");
  const status = document.getElementById("code-status");
  const runOut = document.getElementById("code-run-out");
  const runButton = form.querySelector("button[formaction$='/run']");
  const starters = readJSON("code-starters");
  const language = () => (select ? select.value : hidden ? hidden.value : "");

  // Drafts per language, so switching back and forth loses nothing.
  const drafts = {};
  let current = language();
  const lang = new Compartment();
  let saver = null; // set once the editor exists
  // What the editor records, as the page says above it.
  const recorder = new Recorder(form.action + "/activity", area.value);

  const view = new EditorView({
    parent: wrapper(area),
    state: EditorState.create({
      doc: area.value,
      extensions: [
        basicSetup,
        codeTheme,
        // Above basicSetup's keys, whose Mod-Enter inserts a blank line.
        Prec.highest(keymap.of([
          { key: "Mod-Enter", run: () => { run(); return true; } },
          { key: "Mod-s", run: () => { save(); return true; } },
          indentWithTab,
        ])),
        lang.of(languageSupport(current)),
        EditorView.contentAttributes.of({
          "aria-labelledby": "code-label",
          "aria-describedby": "code-hint code-keys",
          "autocapitalize": "off",
          "autocorrect": "off",
          "spellcheck": "false",
        }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          recorder.update(u);
          area.value = u.state.doc.toString();
          changed();
        }),
      ],
    }),
  });
  area.hidden = true;
  area.setAttribute("aria-hidden", "true");
  area.tabIndex = -1;
  document.getElementById("code-keys")?.removeAttribute("hidden");
  // The label points at the textarea; send its clicks to the editor.
  document.getElementById("code-label")?.addEventListener("click", (e) => { e.preventDefault(); view.focus(); });

  if (select) {
    select.addEventListener("change", () => {
      drafts[current] = view.state.doc.toString();
      current = select.value;
      recorder.language(current);
      const next = drafts[current] ?? starters[current] ?? "";
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: next },
        effects: lang.reconfigure(languageSupport(current)),
      });
      for (const d of document.querySelectorAll("details.code-tests[data-language]")) {
        d.hidden = d.dataset.language !== current;
      }
      say(`Switched to ${select.options[select.selectedIndex].text}.`);
    });
  }

  // Autosave (see autosave.js): two seconds after the last change, when
  // the page is hidden or left, and before a link is followed.
  const grading = new GradingBox(document.getElementById("code-grading-out"));
  saver = new Autosave(form, {
    status,
    delay: 2000,
    onSaved: () => { grading.refresh(); recorder.flush(); },
    write: (value) => {
      const body = new URLSearchParams(value);
      if (select && body.get("language")) {
        select.value = body.get("language");
        if (select.value !== current) recorder.language(select.value);
        current = select.value;
      }
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: body.get("code") ?? "" },
        effects: lang.reconfigure(languageSupport(current)),
      });
    },
  });
  function changed() { saver?.changed(); }
  function save() { saver.save(); }

  let running = false;
  async function run() {
    if (!runButton || running) return;
    running = true;
    runButton.disabled = true;
    const label = runButton.textContent;
    runButton.textContent = "Running…";
    runOut.setAttribute("aria-busy", "true");
    try {
      const resp = await post(runButton.formAction, new FormData(form), { "X-Anyhour-Fragment": "run" });
      runOut.innerHTML = await resp.text();
    } catch {
      runOut.innerHTML = "";
      const p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = "The run did not happen: you seem to be offline. Try again when you are back.";
      runOut.append(p);
    } finally {
      running = false;
      runButton.disabled = false;
      runButton.textContent = label;
      runOut.removeAttribute("aria-busy");
    }
  }
  runButton?.addEventListener("click", (e) => { e.preventDefault(); run(); });

  function say(text) { if (status) status.textContent = text; }
}

// GradingBox keeps "Your saved code" current: after each save, and while
// a grading is queued or running, it asks the server again, sooner at
// first, and shows the result in place.
class GradingBox {
  constructor(box) {
    this.box = box;
    this.timer = 0;
    this.tries = 0;
    if (box?.querySelector("[data-pending]")) this.poll();
  }

  refresh() {
    this.tries = 0;
    this.fetch();
  }

  poll() {
    clearTimeout(this.timer);
    // 1 s apart for the first 20 s, then 5 s, for up to ten minutes.
    const wait = this.tries < 20 ? 1000 : 5000;
    if (this.tries++ > 130) return;
    this.timer = setTimeout(() => this.fetch(), wait);
  }

  async fetch() {
    if (!this.box) return;
    clearTimeout(this.timer);
    try {
      const resp = await fetch(this.box.dataset.url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!resp.ok) return;
      const html = await resp.text();
      if (html !== this.box.innerHTML) this.box.innerHTML = html;
    } catch {
      // Offline: try again on the next save, or the next poll.
    }
    if (this.box.querySelector("[data-pending]")) this.poll();
  }
}

function post(url, body, headers, keepalive = false) {
  return fetch(url, { method: "POST", body: new URLSearchParams(body), headers, credentials: "same-origin", keepalive });
}

function readJSON(id) {
  try { return JSON.parse(document.getElementById(id)?.textContent || "{}") || {}; } catch { return {}; }
}

// wrapper puts the editor where the textarea was.
function wrapper(area) {
  const div = document.createElement("div");
  div.className = "code-editor";
  area.after(div);
  return div;
}

const form = document.querySelector("form.cand-code");
const area = document.getElementById("code");
if (form && area) mount(form, area);
