// file_upload: a file step's form, uploading each file chosen through the
// tus endpoint in chunks, with its progress said aloud, and resuming where
// the server got to when the connection drops. Without JavaScript (or on
// a browser without fetch) the form posts the files as they are, through
// the same checks on the server.
import { Client, TusError } from "./tus.js";

const form = document.querySelector("form.cand-file-form[data-tus]");
const CHUNK = 1 << 20; // 1 MB a PATCH: progress to show, little to resend
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (form && window.fetch && window.Blob) {
  const input = form.querySelector("input[type=file]");
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector(".upload-status");
  const client = new Client(form.dataset.tus, { Authorization: "Bearer " + form.dataset.token });
  const say = (text, bad = false) => {
    status.textContent = text;
    status.classList.toggle("error", bad);
  };

  // upload sends one file and resolves once the server has all of it.
  // If the server lost the upload (its storage failed while it arrived),
  // the file goes again, as a new upload, a few times at most.
  async function upload(file) {
    for (let tries = 1; ; tries++) {
      try {
        return await uploadOnce(file);
      } catch (e) {
        if (!(e instanceof TusError) || !e.lost || tries >= 3) throw e;
        say(`The server lost ${file.name} on its way; sending it again.`);
      }
    }
  }

  async function uploadOnce(file) {
    const max = parseInt(form.dataset.maxBytes, 10);
    if (max && file.size > max) {
      throw new TusError(`it is larger than the ${Math.round(max / (1 << 20))} MB allowed`, 413, true);
    }
    const { url } = await client.createKnown({ purpose: "file", step_id: form.dataset.stepId, filename: file.name }, file.size);
    let offset = 0;
    let failures = 0;
    while (offset < file.size || file.size === 0) {
      try {
        offset = await client.append(url, offset, file.slice(offset, offset + CHUNK));
        failures = 0;
        say(`Uploading ${file.name}: ${Math.floor((offset * 100) / Math.max(file.size, 1))}%`);
        if (file.size === 0) break;
      } catch (e) {
        if (!(e instanceof TusError) || e.lost || !e.retry || failures >= 30) throw e;
        failures++;
        say(`The connection dropped while uploading ${file.name}; trying again. What was sent is kept.`);
        await sleep(Math.min(500 * 2 ** failures, 15000));
        try {
          offset = (await client.offset(url)).offset;
        } catch (e) {
          if (e instanceof TusError && e.lost) throw e;
          /* still offline: the next append tries again */
        }
      }
    }
  }

  form.addEventListener("submit", async (ev) => {
    const files = Array.from(input.files || []);
    if (files.length === 0) return; // the browser says a file is needed
    ev.preventDefault();
    button.disabled = true;
    let done = 0;
    for (const file of files) {
      try {
        await upload(file);
        done++;
      } catch (e) {
        say(`${file.name} was not uploaded: ${e.message}.${done ? " The files before it are saved." : ""}`, true);
        button.disabled = false;
        if (done) setTimeout(() => window.location.reload(), 2500);
        return;
      }
    }
    say(`Uploaded ${done} ${done === 1 ? "file" : "files"}.`);
    window.location.reload();
  });
}
