// candidate_words: a live word count under a text answer. The count is
// the server's (runs of non-space characters), so what it shows is what
// the word limit checks. Without JavaScript the count shown is the saved one.
const area = document.getElementById("answer");
const out = document.getElementById("answer-words");
if (area && out) {
  const max = Number(area.dataset.maxWords || 0);
  let timer;
  const update = () => {
    const words = area.value.split(/\s+/).filter(Boolean).length;
    const over = max > 0 && words > max;
    out.textContent = `${words} ${words === 1 ? "word" : "words"}` + (max ? ` of ${max}` : "") +
      (over ? ` — ${words - max} over the limit` : "");
    out.classList.toggle("over", over);
    area.setAttribute("aria-invalid", over ? "true" : "false");
  };
  // Update the polite live region after a pause in typing, so a screen
  // reader is not interrupted at every key.
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
  // Text put back from this device's copy arrives before this script
  // may have listened.
  update();
}
