// insert: buttons with data-insert="<text>" data-target="<textarea id>"
// put their text where the cursor is in that text area, as typing would.
// The row of buttons is hidden without JavaScript, where the text is
// typed by hand.
for (const b of document.querySelectorAll("button[data-insert]")) {
  b.closest("[hidden]")?.removeAttribute("hidden");
  b.addEventListener("click", () => {
    const area = document.getElementById(b.dataset.target);
    if (!area) return;
    area.focus();
    const { selectionStart: from, selectionEnd: to } = area;
    // execCommand keeps the browser's undo; setRangeText where it is gone.
    if (!document.execCommand?.("insertText", false, b.dataset.insert)) {
      area.setRangeText(b.dataset.insert, from, to, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
}
