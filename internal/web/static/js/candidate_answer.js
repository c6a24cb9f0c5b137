// candidate_answer: written answers and choices save themselves as the
// candidate types or ticks (see autosave.js). Without JavaScript the
// form's Save buttons do it.
import { Autosave } from "./autosave.js";

const form = document.querySelector("form.cand-answer[data-draft]:not(.cand-code)");
if (form) {
  const saver = new Autosave(form, { status: document.getElementById("save-status") });
  form.addEventListener("input", (e) => { if (e.target.name === "text") saver.changed(); });
  form.addEventListener("change", (e) => { if (e.target.name === "choice") saver.changed(0); });
}
