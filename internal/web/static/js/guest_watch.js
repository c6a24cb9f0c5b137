// guest_watch: what a guest plays of a recording through a share link is
// reported to the team, in the guest's name, as the page says: the
// browser's own record of the stretches played (video.played), sent when
// playing pauses or ends, every fifteen seconds while it plays, and as
// the page goes.
// A blind review's guest hears an <audio> element, reported the same way.
for (const video of document.querySelectorAll("video[data-watch-url], audio[data-watch-url]")) {
  let sent = "";
  const send = (keepalive = false) => {
    const spans = [];
    for (let i = 0; i < video.played.length; i++) spans.push([video.played.start(i), video.played.end(i)]);
    const body = JSON.stringify({ spans });
    if (!spans.length || body === sent) return;
    sent = body;
    fetch(video.dataset.watchUrl, {
      method: "POST", body, keepalive, credentials: "omit",
      headers: { "Content-Type": "application/json" },
    }).catch(() => { sent = ""; });
  };
  let timer = 0;
  video.addEventListener("play", () => { clearInterval(timer); timer = setInterval(send, 15000); });
  video.addEventListener("pause", () => { clearInterval(timer); send(); });
  video.addEventListener("ended", () => { clearInterval(timer); send(); });
  window.addEventListener("pagehide", () => send(true));
}
