// copy: buttons with data-copy="<selector>" copy that element's text, and
// say so. They are hidden without JavaScript, where selecting the text
// and copying it works as ever.
for (const b of document.querySelectorAll("button[data-copy]")) {
  b.hidden = false;
  b.setAttribute("aria-live", "polite"); // before the first "Copied", so it is heard
  const label = b.innerHTML;
  b.addEventListener("click", async () => {
    const el = document.querySelector(b.dataset.copy);
    if (!el) return;
    const text = el.dataset.copyText ?? el.textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = "Copied";
    } catch {
      // No clipboard (an insecure origin, say): select the text instead.
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      b.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => { b.innerHTML = label; }, 2500);
  });
}
