// code_review: a candidate's review of a change, in one form that holds
// every comment and the summary (see codereview.html).
//
// - Pressing a line's number opens a comment under the file's changes, in
//   place, instead of saving and coming back; its preview appears after
//   the line, in both the unified and the side-by-side tables.
// - Everything saves itself as it is typed (autosave.js): a pause in
//   typing sends the whole form, and until the server has it the page's
//   state is kept on this device, comments opened since included.
// - Keys, outside text fields: j and k move to the next and the previous
//   change (a hunk), c comments on the line whose number has the focus.
//
// Without JavaScript the line buttons and Save do the same work by hand.
import { Autosave } from "./autosave.js";

const form = document.querySelector("form.cand-review[data-draft]");
if (form) {
  let next = Number(form.dataset.next) || 0;
  const saver = new Autosave(form, { status: document.getElementById("save-status"), write: restore });

  form.addEventListener("input", (e) => {
    const name = e.target.name || "";
    const m = name.match(/^comment\.(\d+)\.body$/);
    if (m) preview(m[1], e.target.value);
    if (name === "summary" || name.startsWith("comment.")) saver.changed();
  });
  form.addEventListener("click", (e) => {
    const line = e.target.closest("button.line-btn");
    if (line) {
      e.preventDefault();
      open(line.value, true);
      return;
    }
    const del = e.target.closest("button[name=delete]");
    if (del) {
      e.preventDefault();
      remove(del.value);
      saver.changed(0);
    }
  });
  document.addEventListener("keydown", keys);
  // c opens the comment when the key comes up: moved any sooner, the focus
  // would take the key's own character into the new comment.
  document.addEventListener("keyup", (e) => {
    const t = e.target;
    if (e.key === "c" && !e.ctrlKey && !e.metaKey && !e.altKey && t.classList?.contains("line-btn")) open(t.value, true);
  });

  // open adds a comment on "file:side:line" and, if focus, moves there.
  function open(value, focus, fields = {}) {
    const [file, side, line] = parse(value);
    if ((side !== "new" && side !== "old") || !/^[1-9][0-9]*$/.test(line)) return null;
    const list = [...form.querySelectorAll(".review-comments")].find((l) => l.dataset.path === file);
    if (!list) return null;
    const n = /^[0-9]+$/.test(fields.n ?? "") ? fields.n : String(next++);
    if (Number(n) >= next) next = Number(n) + 1;
    const fileN = list.dataset.file;
    const block = document.createElement("div");
    block.className = "review-comment new";
    block.id = "comment-" + n;
    block.dataset.n = n;
    const where = side === "old" ? `line ${line} as it was` : `line ${line}`;
    block.innerHTML =
      `<p class="small"><a></a></p>` +
      `<input type="hidden" name="comment.${n}.file"><input type="hidden" name="comment.${n}.side" value="${side}">` +
      `<input type="hidden" name="comment.${n}.start" value="${line}">` +
      `<div class="field-row narrow"><div><label for="c${n}-end">To line <span class="hint">(for a comment on several lines)</span></label>` +
      `<input id="c${n}-end" name="comment.${n}.end" type="number" min="${line}" inputmode="numeric" value="${line}"></div></div>` +
      `<label for="c${n}-body"></label>` +
      `<textarea id="c${n}-body" name="comment.${n}.body" rows="3" maxlength="10000"></textarea>` +
      `<button type="submit" class="link" name="delete" value="${n}" formnovalidate>Delete this comment</button>`;
    const link = block.querySelector("a");
    link.href = `#f${fileN}-${side}${line}`;
    link.textContent = "New comment on " + where;
    block.querySelector(`[name="comment.${n}.file"]`).value = file;
    block.querySelector("label[for$=-body]").textContent = `Your comment on ${file}, ${where}`;
    if (fields.end) block.querySelector(`[name="comment.${n}.end"]`).value = fields.end;
    if (fields.body) block.querySelector("textarea").value = fields.body;
    list.querySelector(".none")?.remove();
    list.append(block);
    count(fileN, 1);
    for (const id of [`f${fileN}-${side}${line}`, `f${fileN}-${side}${line}-s`, `f${fileN}-${side}${line}-w`]) {
      const row = document.getElementById(id)?.closest("tr");
      if (row) row.after(previewRow(row, n, file, where, fields.body || ""));
    }
    if (focus) block.querySelector("textarea").focus();
    return block;
  }

  function previewRow(row, n, file, where, body) {
    const tr = document.createElement("tr");
    tr.className = "comments";
    tr.dataset.previewRow = n;
    const td = document.createElement("td");
    td.colSpan = row.cells.length;
    td.innerHTML = `<div class="line-comment"><p class="small"><a href="#comment-${n}"></a></p><p class="preview" data-preview="${n}"></p></div>`;
    td.querySelector("a").textContent = "Your comment on " + where;
    td.querySelector(".preview").textContent = body;
    tr.append(td);
    return tr;
  }

  function preview(n, text) {
    for (const p of document.querySelectorAll(`[data-preview="${n}"]`)) p.textContent = text;
  }

  function remove(n) {
    const block = form.querySelector(`.review-comment[data-n="${n}"]`);
    if (!block) return;
    const list = block.closest(".review-comments");
    block.remove();
    count(list.dataset.file, -1);
    for (const p of document.querySelectorAll(`[data-preview="${n}"]`)) {
      const row = p.closest("tr");
      const item = p.closest(".line-comment");
      if (row && row.querySelectorAll(".line-comment").length <= 1) row.remove();
      else item?.remove();
    }
    list.querySelector("h3")?.focus?.();
  }

  function count(fileN, by) {
    for (const c of document.querySelectorAll(`[data-count="${fileN}"]`)) {
      c.textContent = String(Number(c.textContent) + by);
    }
  }

  // restore puts back a saved form body: comments this page lacks are
  // opened, comments it has that the body lacks are removed, and every
  // field takes its value.
  function restore(value) {
    const body = new URLSearchParams(value);
    const wanted = new Set();
    for (const [k] of body) {
      const m = k.match(/^comment\.(\d+)\.file$/);
      if (m) wanted.add(m[1]);
    }
    for (const block of [...form.querySelectorAll(".review-comment[data-n]")]) {
      if (!wanted.has(block.dataset.n)) remove(block.dataset.n);
    }
    for (const n of wanted) {
      if (form.querySelector(`.review-comment[data-n="${n}"]`)) continue;
      open(`${body.get(`comment.${n}.file`)}:${body.get(`comment.${n}.side`)}:${body.get(`comment.${n}.start`)}`, false,
        { n, end: body.get(`comment.${n}.end`), body: body.get(`comment.${n}.body`) });
    }
    for (const el of form.elements) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || !body.has(el.name)) continue;
      el.value = body.get(el.name);
      const m = el.name.match(/^comment\.(\d+)\.body$/);
      if (m) preview(m[1], el.value);
    }
  }

  function keys(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t.closest?.("input, textarea, select, [contenteditable]")) return;
    if (e.key === "c" && t.classList?.contains("line-btn")) {
      e.preventDefault(); // opened on keyup
      return;
    }
    if (e.key !== "j" && e.key !== "k") return;
    // The hunks of the table on show (unified or side by side).
    const hunks = [...form.querySelectorAll("tr.hunk")].filter((h) => h.offsetParent !== null);
    if (!hunks.length) return;
    e.preventDefault();
    const here = document.activeElement?.closest?.("tr");
    let i = -1;
    if (here) {
      for (let k = 0; k < hunks.length; k++) {
        if (hunks[k].compareDocumentPosition(here) & Node.DOCUMENT_POSITION_FOLLOWING || hunks[k] === here) i = k;
      }
    }
    const to = e.key === "j" ? Math.min(i + 1, hunks.length - 1) : Math.max(i - 1, 0);
    // The first line of that hunk that can take a comment.
    let row = hunks[to].nextElementSibling;
    while (row && !row.querySelector("button.line-btn") && !row.classList.contains("hunk")) row = row.nextElementSibling;
    const btn = row?.querySelector("button.line-btn");
    if (btn) {
      btn.focus();
      btn.scrollIntoView({ block: "center" });
    }
  }
}

// parse splits "file:side:line", the file's path holding any colons.
function parse(value) {
  const i = value.lastIndexOf(":");
  const j = value.lastIndexOf(":", i - 1);
  return [value.slice(0, j), value.slice(j + 1, i), value.slice(i + 1)];
}
