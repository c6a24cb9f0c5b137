// step_order: reorder the interview editor's steps in the page, by
// dragging a step's handle, by the arrow keys on the handle, or by "Move
// up" and "Move down", without a round trip. Each move renumbers the
// steps' hidden order fields, which the form posts as before, and is
// announced. Without JavaScript the buttons post the form and the server
// moves the step (interview_edit.go).
const form = document.querySelector("form.editor");
const said = document.getElementById("move-said");

function steps() { return [...form.querySelectorAll("fieldset.step-edit")]; }

function title(step) {
  return step.querySelector("input[name$='.title']")?.value.trim() || "Untitled step";
}

// renumber writes each step's place into its order field and legend, and
// enables the buttons that can move it.
function renumber() {
  const all = steps();
  all.forEach((step, i) => {
    const pos = step.querySelector("input[name$='.position']");
    if (pos) pos.value = String(i + 1);
    const n = step.querySelector("legend .step-n");
    if (n) n.textContent = String(i + 1);
    const [up, down] = step.querySelectorAll(".step-move button");
    if (up) up.disabled = i === 0;
    if (down) down.disabled = i === all.length - 1;
  });
}

function say(step) {
  const all = steps();
  said.textContent = `“${title(step)}” is now step ${all.indexOf(step) + 1} of ${all.length}.`;
}

// move puts step by places (-1 up, +1 down) and keeps the focus on what
// moved it.
function move(step, by, focus) {
  const all = steps();
  const i = all.indexOf(step);
  const j = i + by;
  if (j < 0 || j >= all.length) return;
  if (by < 0) all[j].before(step); else all[j].after(step);
  renumber();
  say(step);
  // A button the move disabled (the step reached the top or the bottom)
  // hands the focus to its partner.
  if (focus?.disabled) focus = [...step.querySelectorAll(".step-move button")].find((b) => !b.disabled) || step.querySelector(".step-handle");
  focus?.focus();
  step.scrollIntoView({ block: "nearest" });
}

if (form && said) {
  document.getElementById("move-hint")?.removeAttribute("hidden");
  document.getElementById("pos-hint")?.setAttribute("hidden", "");
  for (const step of steps()) {
    const handle = step.querySelector(".step-handle");
    const [up, down] = step.querySelectorAll(".step-move button");
    step.querySelector(".step-pos")?.setAttribute("hidden", "");
    up?.addEventListener("click", (e) => { e.preventDefault(); move(step, -1, up); });
    down?.addEventListener("click", (e) => { e.preventDefault(); move(step, +1, down); });
    if (!handle) continue;
    handle.hidden = false;
    handle.addEventListener("keydown", (e) => {
      if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        e.preventDefault();
        move(step, e.key === "ArrowUp" ? -1 : +1, handle);
      }
    });
    // The step is draggable only from its handle, so that text in its
    // fields can still be selected with the mouse.
    handle.addEventListener("pointerdown", () => { step.draggable = true; });
    handle.addEventListener("pointerup", () => { if (!step.classList.contains("dragging")) step.draggable = false; });
    step.addEventListener("dragstart", (e) => {
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", title(step));
      step.classList.add("dragging");
    });
    step.addEventListener("dragend", () => {
      step.draggable = false;
      step.classList.remove("dragging");
      renumber();
      say(step);
    });
  }
  form.addEventListener("dragover", (e) => {
    const dragged = form.querySelector("fieldset.step-edit.dragging");
    const over = e.target.closest?.("fieldset.step-edit");
    if (!dragged || !over) return;
    e.preventDefault();
    if (over === dragged) return;
    const box = over.getBoundingClientRect();
    if (e.clientY < box.top + box.height / 2) over.before(dragged); else over.after(dragged);
  });
  form.addEventListener("drop", (e) => {
    if (form.querySelector("fieldset.step-edit.dragging")) e.preventDefault();
  });
}
