// compare: on a phone, where the candidates compared stand one at a time
// in a row that swipes, "Next candidate" brings the next one into view
// and moves the focus to its name. Without JavaScript the link's anchor
// does the same, less precisely.
for (const a of document.querySelectorAll(".compare-next a[href^='#cand-']")) {
  a.addEventListener("click", (e) => {
    const col = document.querySelector(a.getAttribute("href"));
    if (!col) return;
    e.preventDefault();
    col.scrollIntoView({ behavior: "auto", block: "nearest", inline: "start" });
    const h = col.querySelector("h2 a");
    h?.focus({ preventScroll: true });
    history.replaceState(null, "", a.getAttribute("href"));
  });
}
