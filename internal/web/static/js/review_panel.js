// review_panel: the application page's scorecard saves itself as a draft
// (seen only by its author) each time a rating or recommendation is
// clicked and when the note pauses, so that nothing is lost to a reload
// or to another form on the page. j and k go to the next and previous
// candidate of the list the page was opened from. Without JavaScript the
// form's "Save draft" button keeps the draft, and the links work alone.
const form = document.getElementById("review-form");
const status = document.getElementById("draft-status");

if (form && form.dataset.draftUrl) {
  form.querySelector("button[value=draft]")?.setAttribute("hidden", "");
  let timer = 0;
  let sent = new URLSearchParams(new FormData(form)).toString();
  let saving = Promise.resolve();
  const save = () => {
    clearTimeout(timer);
    const body = new URLSearchParams(new FormData(form));
    body.delete("action");
    if (body.toString() === sent) return saving;
    saving = saving.then(async () => {
      try {
        const resp = await fetch(form.dataset.draftUrl, { method: "POST", body, credentials: "same-origin" });
        const text = (await resp.text()).trim();
        if (resp.ok) sent = body.toString();
        say(text || (resp.ok ? "Draft saved." : "Not saved: please try again."), !resp.ok);
      } catch {
        say("Not saved: you seem to be offline. Your choices stay on this page; submit when you are back.", true);
      }
    });
    return saving;
  };
  form.addEventListener("change", (e) => { if (e.target.type === "radio") save(); });
  form.addEventListener("input", (e) => {
    if (e.target.name !== "note") return;
    clearTimeout(timer);
    timer = setTimeout(save, 1000);
  });
  // Leaving with the note still pausing: send it as the page goes.
  window.addEventListener("pagehide", () => {
    const body = new URLSearchParams(new FormData(form));
    body.delete("action");
    if (body.toString() !== sent && body.toString().length < 60000) {
      fetch(form.dataset.draftUrl, { method: "POST", body, credentials: "same-origin", keepalive: true }).catch(() => {});
    }
  });
}

function say(text, error) {
  if (!status) return;
  status.textContent = text;
  status.classList.toggle("error", !!error);
}

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  if (e.key !== "j" && e.key !== "k") return;
  const t = e.target;
  if (t.closest?.("input, textarea, select, [contenteditable], .player, video")) return;
  const link = document.querySelector(`.app-nav a[data-key="${e.key}"]`);
  if (link) {
    e.preventDefault();
    location.assign(link.href);
  }
});
