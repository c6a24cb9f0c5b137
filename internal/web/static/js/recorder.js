// recorder: the video answer recorder, a plain ES module that enhances
// <div class="recorder" data-…> on a page. Without JavaScript the page
// explains what recording needs; with it, the candidate
//   1. checks their camera and microphone (preview, level meter, choice
//      of devices, plain words for a refused permission or no device),
//   2. gets the think time, if the step has one, as a countdown,
//   3. records, with a timer that stops at the step's limit, while every
//      chunk is kept on the device and uploaded at once (take_upload.js),
//   4. sees the state at every moment: recording, uploading (progress),
//      saved; and after a reload, an unfinished take resumes by itself.
// The team records prompt, intro and outro videos with the same module
// (data-purpose), or picks a file to upload. In practice mode nothing
// leaves the browser: the take is played back and thrown away.

import { Client, TusError } from "./tus.js";
import { TakesDB } from "./takes_db.js";
import { TakeUpload } from "./take_upload.js";

const CHUNK_MS = 1000;
// The recording's bitrate, video and sound together, stays under a slow
// 1 Mbit/s uplink, so that uploading keeps pace with recording and the
// take is saved seconds after it stops. 480p at this rate is clear for a
// face and a voice.
const VIDEO_BPS = 650000;
const AUDIO_BPS = 48000;
const TYPES = [
  "video/webm;codecs=vp9,opus",
  "video/webm;codecs=vp8,opus",
  "video/webm",
  "video/mp4;codecs=avc1,mp4a",
  "video/mp4",
];

function pickType() {
  if (!window.MediaRecorder) return null;
  for (const t of TYPES) if (MediaRecorder.isTypeSupported(t)) return t;
  return "";
}

function clock(s) {
  s = Math.max(0, Math.round(s));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function mb(n) {
  return (n / 1048576).toFixed(n < 10485760 ? 1 : 0) + " MB";
}

// h builds an element: h("p", {class: "x"}, "text", child…).
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

// own runs fn while this tab holds the lock named after a take, so that a
// take is uploaded by one tab at a time: a second tab open on the same
// step would otherwise send the same bytes, or state a shorter length.
// It resolves false, without running fn, if another tab holds it.
function own(key, fn) {
  if (!navigator.locks) return fn().then(() => true);
  return navigator.locks.request("anyhour-take:" + key, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await fn();
    return true;
  });
}

// until resolves when upload is saved or has failed for good.
function until(upload) {
  return new Promise((resolve) => {
    upload.addEventListener("saved", resolve);
    upload.addEventListener("failed", () => upload.permanent && resolve());
  });
}

function deviceError(e) {
  switch (e && e.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Your browser is not allowing this page to use the camera and microphone. Allow them for this site (often through the camera icon in the address bar), then press Try again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera or microphone was found. Connect one, then press Try again.";
    case "NotReadableError":
    case "AbortError":
      return "The camera or microphone is in use by another app, or could not start. Close other apps that use them, then press Try again.";
  }
  return "The camera and microphone could not be started (" + ((e && e.message) || e) + "). Press Try again.";
}

class Recorder {
  constructor(root) {
    this.root = root;
    const d = root.dataset;
    this.cfg = {
      scope: d.scope,
      endpoint: d.endpoint || "/api/v1/uploads/",
      token: d.token || "",
      stepId: d.stepId || "",
      interviewId: d.interviewId || "",
      purpose: d.purpose || "answer",
      think: parseInt(d.thinkSeconds || "0", 10),
      max: parseInt(d.maxSeconds || "120", 10),
      takesLeft: parseInt(d.takesLeft || "1", 10),
      takesMade: parseInt(d.takesMade || "0", 10),
      practice: d.practice === "true",
      allowFile: d.allowFile === "true",
      doneURL: d.doneUrl || "",
    };
    this.type = pickType();
    this.stream = null;
  }

  async start() {
    this.root.replaceChildren();
    this.root.classList.add("recorder-on");
    this.status = h("p", { class: "rec-status", role: "status", "aria-live": "polite" });
    this.alert = h("p", { class: "error", role: "alert", hidden: true });
    this.panel = h("div", { class: "rec-panel" });
    this.root.append(this.alert, this.panel, this.status);
    if (!this.cfg.practice) {
      this.db = await TakesDB.open();
      this.client = new Client(this.cfg.endpoint, this.cfg.token ? { Authorization: "Bearer " + this.cfg.token } : {});
      const left = await this.db.unfinished(this.cfg.scope);
      if (left.length) return this.resume(left[0]);
    }
    if (location.hash === "#" + this.root.id && this.canRecord()) {
      // The candidate has just agreed with "I agree, turn on my camera":
      // do what the button said, once (a reload shows the intro).
      history.replaceState(null, "", location.pathname + location.search);
      return this.check();
    }
    this.showIntro();
  }

  canRecord() {
    return this.type !== null && !!navigator.mediaDevices && !!navigator.mediaDevices.getUserMedia && this.cfg.takesLeft > 0;
  }

  say(msg) {
    this.status.textContent = msg;
  }

  fail(msg) {
    this.alert.textContent = msg;
    this.alert.hidden = !msg;
  }

  // showIntro offers the device check, or a file, before recording.
  showIntro() {
    this.fail("");
    const parts = [];
    if (this.type === null || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      parts.push(h("p", { class: "notice" }, window.isSecureContext
        ? "This browser cannot record video. Please open this page in a recent Chrome, Edge, Firefox or Safari."
        : "Recording needs a secure (https) connection to this site."));
    } else if (this.cfg.takesLeft > 0 || this.cfg.practice) {
      // The first take starts with a check of the camera and microphone;
      // a later one says what it is for.
      const label = this.cfg.takesMade > 0 && !this.cfg.practice
        ? `Record another take (${this.cfg.takesLeft} left)`
        : "Check camera and microphone";
      parts.push(h("button", { type: "button", class: "primary", onclick: () => this.check() }, label));
    }
    if (this.cfg.allowFile) {
      const input = h("input", { type: "file", id: this.cfg.scope + "-file", accept: "video/*", class: "rec-file" });
      input.addEventListener("change", () => input.files[0] && this.uploadFile(input.files[0]));
      parts.push(h("p", {}, h("label", { for: input.id }, "Or upload a video file: "), input));
    }
    this.panel.replaceChildren(...parts);
  }

  // check opens the camera and microphone and shows the preview.
  async check(deviceIds = {}) {
    this.fail("");
    this.say("Starting the camera and microphone…");
    this.stopStream();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: deviceIds.video ? { deviceId: { exact: deviceIds.video } } : { width: { ideal: 854 }, height: { ideal: 480 } },
        audio: deviceIds.audio ? { deviceId: { exact: deviceIds.audio } } : true,
      });
    } catch (e) {
      this.say("");
      this.fail(deviceError(e));
      this.panel.replaceChildren(h("button", { type: "button", class: "primary", onclick: () => this.check() }, "Try again"));
      return;
    }
    const preview = h("video", { class: "rec-preview", muted: true, playsinline: true, autoplay: true, "aria-label": "Your camera" });
    preview.muted = true;
    preview.srcObject = this.stream;
    const meter = h("meter", { class: "rec-meter", min: "0", max: "1", low: "0.05", optimum: "0.5", value: "0", id: this.cfg.scope + "-level" });
    const quiet = h("p", { class: "hint", hidden: true }, "We cannot hear you. Check that the right microphone is chosen and not muted.");
    this.watchLevel(meter, quiet);
    const selects = await this.deviceSelects();
    const startLabel = this.cfg.practice ? "Start the practice recording" : this.cfg.think > 0 ? `I'm ready: start (${this.cfg.think} s to think first)` : "Start recording";
    this.panel.replaceChildren(
      h("div", { class: "rec-stage" }, preview),
      h("p", { class: "rec-level" }, h("label", { for: meter.id }, "Microphone level "), meter),
      quiet,
      selects,
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary rec-start", onclick: () => this.ready() }, startLabel)),
    );
    this.say("Camera and microphone are on. " + (this.cfg.practice ? "This is practice: nothing you record here is sent." : `You have up to ${clock(this.cfg.max)} per take.`));
  }

  async deviceSelects() {
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch (e) {
      return h("span");
    }
    const cur = (kind) => {
      const track = kind === "videoinput" ? this.stream.getVideoTracks()[0] : this.stream.getAudioTracks()[0];
      return track && track.getSettings ? track.getSettings().deviceId : "";
    };
    const wrap = h("div", { class: "rec-devices" });
    for (const [kind, label, key] of [["videoinput", "Camera", "video"], ["audioinput", "Microphone", "audio"]]) {
      const list = devices.filter((d) => d.kind === kind);
      if (list.length < 2) continue;
      const id = this.cfg.scope + "-" + key;
      const sel = h("select", { id }, ...list.map((d, i) => h("option", { value: d.deviceId, selected: d.deviceId === cur(kind) }, d.label || `${label} ${i + 1}`)));
      sel.addEventListener("change", () => this.check({ [key]: sel.value, [key === "video" ? "audio" : "video"]: cur(key === "video" ? "audioinput" : "videoinput") }));
      wrap.append(h("p", {}, h("label", { for: id }, label + " "), sel));
    }
    return wrap;
  }

  watchLevel(meter, quiet) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx || !this.stream.getAudioTracks().length) return;
    const ctx = new Ctx();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(this.stream).connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    let silentSince = performance.now();
    const stream = this.stream;
    const tick = () => {
      if (this.stream !== stream) return ctx.close();
      analyser.getByteTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += ((v - 128) / 128) ** 2;
      const level = Math.min(1, Math.sqrt(sum / data.length) * 4);
      meter.value = level;
      if (level > 0.03) silentSince = performance.now();
      quiet.hidden = performance.now() - silentSince < 4000;
      requestAnimationFrame(tick);
    };
    tick();
  }

  // ready runs the think time, if any, then records.
  ready() {
    if (this.cfg.practice || this.cfg.think <= 0) return this.record();
    let left = this.cfg.think;
    const count = h("p", { class: "rec-count", "aria-live": "off" }, String(left));
    const stage = this.panel.querySelector(".rec-stage");
    this.panel.replaceChildren(
      stage,
      h("p", { class: "rec-think" }, "Think about your answer. Recording starts in"),
      count,
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: () => go() }, "Start recording now")),
    );
    this.say(`Recording starts in ${left} seconds.`);
    const timer = setInterval(() => {
      left -= 1;
      count.textContent = String(left);
      if (left === 10 || left === 5) this.say(`Recording starts in ${left} seconds.`);
      if (left <= 0) go();
    }, 1000);
    const go = () => {
      clearInterval(timer);
      this.record();
    };
  }

  async record() {
    this.fail("");
    const type = this.type;
    let rec;
    try {
      const rate = { videoBitsPerSecond: VIDEO_BPS, audioBitsPerSecond: AUDIO_BPS };
      rec = new MediaRecorder(this.stream, type ? { mimeType: type, ...rate } : rate);
    } catch (e) {
      return this.fail("Recording could not start: " + e.message);
    }
    const mimeType = rec.mimeType || type || "video/webm";
    const chunks = [];
    let upload = null;
    if (!this.cfg.practice) {
      const take = { key: this.cfg.scope + ":" + Date.now(), scope: this.cfg.scope, mimeType, bytes: 0, acked: 0, chunks: 0, stopped: false, startedAt: Date.now() };
      await this.db.putTake(take);
      upload = this.track(new TakeUpload(this.db, this.client, take, this.meta(mimeType)));
      const mine = upload;
      own(take.key, () => until(mine));
      upload.kick();
    }
    // The length runs from when the recorder really starts to when Stop is
    // pressed: neither the camera's start nor the encoder's drain is in
    // the recording.
    let started = performance.now();
    rec.onstart = () => { started = performance.now(); };
    const elapsed = () => (performance.now() - started) / 1000;
    const timer = h("span", { class: "rec-timer" }, "0:00");
    const bar = h("progress", { class: "rec-bar", max: String(this.cfg.max), value: "0", "aria-label": "Time used" });
    const stop = h("button", { type: "button", class: "primary rec-stop", onclick: () => finish() }, "Stop recording");
    const stage = this.panel.querySelector(".rec-stage");
    this.panel.replaceChildren(stage, h("p", { class: "rec-live" }, h("span", { class: "rec-dot", "aria-hidden": "true" }), "Recording ", timer, ` / ${clock(this.cfg.max)}`), bar, h("div", { class: "actions" }, stop));
    stop.focus();
    this.say("Recording.");
    let stopped = false;
    rec.ondataavailable = (e) => {
      if (!e.data || !e.data.size) return;
      if (upload) upload.add(e.data);
      else chunks.push(e.data);
    };
    const tick = setInterval(() => {
      const s = elapsed();
      timer.textContent = clock(s);
      bar.value = Math.min(s, this.cfg.max);
      if (s >= this.cfg.max) finish();
      else if (Math.round(s) === this.cfg.max - 10) this.say("10 seconds left.");
    }, 250);
    const finish = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(tick);
      const seconds = elapsed();
      rec.onstop = () => {
        this.root.dataset.recordedSeconds = seconds.toFixed(2);
        this.stopStream();
        if (upload) {
          upload.stop(seconds);
          this.showUploading(upload);
        } else {
          this.showPractice(new Blob(chunks, { type: mimeType }));
        }
      };
      rec.stop();
    };
    rec.start(CHUNK_MS);
  }

  meta(mimeType) {
    const m = { filetype: mimeType, filename: "take." + (mimeType.includes("mp4") ? "mp4" : "webm") };
    if (this.cfg.stepId) m.step_id = this.cfg.stepId;
    if (this.cfg.purpose !== "answer") m.purpose = this.cfg.purpose;
    if (this.cfg.interviewId) m.interview_id = this.cfg.interviewId;
    return m;
  }

  // track shows an upload's state in the status line as it changes.
  track(upload) {
    upload.addEventListener("offline", () => {
      this.status.classList.add("notice");
      this.say("You are offline. Your recording is kept on this device and will upload when the connection is back.");
    });
    upload.addEventListener("online", () => {
      this.status.classList.remove("notice");
      this.say("Back online: uploading.");
    });
    upload.addEventListener("failed", (e) => {
      this.fail("The upload stopped: " + e.detail.failed);
      const forget = h("button", { type: "button", onclick: async () => {
        await this.db.deleteTake(upload.take.key);
        this.showIntro();
      } }, "Forget the copy on this device");
      this.panel.replaceChildren(h("p", {}, "The recording is still on this device. Write to the team if you need help; forget it only once you no longer need it."), h("div", { class: "actions" }, forget));
    });
    upload.addEventListener("saved", () => this.saved());
    return upload;
  }

  showUploading(upload) {
    const bar = h("progress", { class: "rec-bar", max: "1", value: "0", "aria-label": "Upload progress" });
    const text = h("span", {});
    const update = () => {
      const p = upload.progress;
      bar.max = Math.max(p.bytes, 1);
      bar.value = p.acked;
      text.textContent = p.acked >= p.bytes ? "Finishing…" : `${mb(p.acked)} of ${mb(p.bytes)} uploaded`;
    };
    upload.addEventListener("progress", update);
    update();
    this.panel.replaceChildren(h("p", { class: "rec-uploading", role: "status" }, "Uploading your recording. Please keep this page open."), bar, h("p", { class: "hint" }, text));
    if (!upload.progress.online) return;
    this.status.classList.remove("notice");
    this.say("");
  }

  async resume(take) {
    const upload = this.track(new TakeUpload(this.db, this.client, take, this.meta(take.mimeType)));
    const resumed = await own(take.key, async () => {
      // What this device holds decides the length: the take's record may
      // lag its chunks by one if the page died between the two writes.
      take.bytes = await this.db.recorded(take.key);
      if (!take.stopped) {
        // The page went away while recording: what was recorded is kept.
        await upload.stop(take.seconds);
      }
      this.showUploading(upload);
      this.panel.prepend(h("p", {}, "A recording that had not finished uploading was found on this device."));
      upload.kick();
      await until(upload);
    });
    if (!resumed) {
      this.panel.replaceChildren(h("p", { class: "notice" }, "This recording is being uploaded from another tab or window of this browser. Keep that one open until it says saved, then reload this page."));
    }
  }

  saved() {
    this.status.classList.remove("notice");
    this.panel.replaceChildren(h("p", { class: "rec-saved" }, h("span", { "aria-hidden": "true" }, "✓ "), "Saved. Your recording reached the team's server."));
    this.say("Saved.");
    if (this.cfg.doneURL) setTimeout(() => window.location.assign(this.cfg.doneURL), 1200);
  }

  async uploadFile(file) {
    const take = { key: this.cfg.scope + ":" + Date.now(), scope: this.cfg.scope, mimeType: file.type || "video/mp4", bytes: 0, acked: 0, chunks: 0, stopped: false, startedAt: Date.now() };
    const upload = this.track(new TakeUpload(this.db, this.client, take, { ...this.meta(take.mimeType), filename: file.name }));
    for (let off = 0; off < file.size; off += 4 << 20) await upload.add(file.slice(off, off + (4 << 20)));
    await upload.stop();
    this.showUploading(upload);
  }

  showPractice(blob) {
    const url = URL.createObjectURL(blob);
    this.panel.replaceChildren(
      h("p", {}, "Here is your practice recording. It has not been sent anywhere and is gone when you leave this page."),
      h("video", { class: "rec-preview", controls: true, playsinline: true, src: url, "aria-label": "Your practice recording" }),
      h("div", { class: "actions" }, h("button", { type: "button", onclick: () => { URL.revokeObjectURL(url); this.check(); } }, "Practise again")),
    );
    this.say("Practice recording finished.");
  }

  stopStream() {
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    this.stream = null;
  }
}

for (const root of document.querySelectorAll(".recorder[data-scope]")) {
  new Recorder(root).start().catch((e) => {
    root.append(h("p", { class: "error", role: "alert" }, "The recorder failed to start: " + e.message));
  });
}

export { Recorder, TusError };
