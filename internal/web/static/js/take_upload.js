// take_upload sends one take to the server while it is being recorded.
// Chunks arrive from MediaRecorder every second; each is first written to
// TakesDB, then appended to the take's tus upload in order. When the
// connection drops, chunks pile up on the device and go out, from the
// offset the server reports, once it is back. The last request states
// the length, which completes the upload: the take is then saved.

import { TusError } from "./tus.js";

const MAX_BODY = 8 << 20; // bytes per PATCH when catching up

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class TakeUpload extends EventTarget {
  // take is the TakesDB record; client a tus Client; meta the upload's
  // metadata (step_id and the like).
  constructor(db, client, take, meta) {
    super();
    this.db = db;
    this.client = client;
    this.take = take;
    this.meta = meta;
    this.running = false;
    this.failed = null;
    this.online = true;
  }

  // add keeps a recorded chunk and sends it when it can.
  async add(blob) {
    if (!blob || blob.size === 0) return;
    const t = this.take;
    const seq = t.chunks || 0;
    t.chunks = seq + 1;
    const offset = t.bytes;
    t.bytes += blob.size;
    await this.db.addChunk(t.key, seq, offset, blob);
    await this.db.putTake(t).catch(() => {}); // the chunks are what count; see resume
    this.kick();
  }

  // stop marks the recording finished; what is left is sent with the length.
  async stop(seconds) {
    this.take.stopped = true;
    if (seconds) this.take.seconds = seconds;
    await this.db.putTake(this.take);
    this.kick();
  }

  get progress() {
    const t = this.take;
    return { acked: t.acked, bytes: t.bytes, stopped: t.stopped, saved: !!t.saved, online: this.online, failed: this.failed };
  }

  emit(type) {
    this.dispatchEvent(new CustomEvent(type, { detail: this.progress }));
  }

  // kick starts the send loop unless it runs already.
  kick() {
    if (this.running || this.failed || this.take.saved) return;
    this.running = true;
    this.loop()
      .catch(async (e) => {
        this.failed = e.message || String(e);
        // The server will never take this upload (discarded, or not
        // this person's): keeping it on the device would only retry. A
        // lost one stays: what the device holds is all there is of it.
        if (e instanceof TusError && [403, 404, 410].includes(e.status) && !e.lost) await this.db.deleteTake(this.take.key);
        this.permanent = true;
        this.emit("failed");
      })
      .finally(() => {
        this.running = false;
        // Chunks added while the loop was finishing.
        if (!this.failed && !this.take.saved && this.pendingWork()) this.kick();
      });
  }

  pendingWork() {
    const t = this.take;
    return t.acked < t.bytes || (t.stopped && !t.saved);
  }

  async loop() {
    let wait = 1000;
    while (this.pendingWork()) {
      try {
        await this.step();
        wait = 1000;
        if (!this.online) {
          this.online = true;
          this.emit("online");
        }
      } catch (e) {
        if (e instanceof TusError && e.lost && (await this.startOver())) continue;
        if (!(e instanceof TusError) || !e.retry) throw e;
        if (e.status === 0 && this.online) {
          this.online = false;
          this.emit("offline");
        }
        await Promise.race([sleep(wait), new Promise((r) => window.addEventListener("online", r, { once: true }))]);
        wait = Math.min(wait * 2, 15000);
        await this.resync();
      }
    }
  }

  // startOver forgets the take's upload, which the server lost (its
  // storage failed while it arrived), so that the next step sends the
  // whole take again as a new upload: the lost one does not count. It
  // says whether it did; after a few times it gives up.
  async startOver() {
    const t = this.take;
    if ((t.restarts || 0) >= 3) return false;
    t.restarts = (t.restarts || 0) + 1;
    t.url = null;
    t.mediaId = null;
    t.acked = 0;
    await this.db.putTake(t);
    this.emit("progress");
    return true;
  }

  // resync asks the server where the upload stands, after an error left
  // it unclear whether the last request arrived.
  async resync() {
    const t = this.take;
    if (!t.url) return;
    try {
      const { offset, length } = await this.client.offset(t.url);
      t.acked = offset;
      if (length !== null && offset === length && t.stopped && offset === t.bytes) t.saved = true;
      await this.db.putTake(t);
      if (t.saved) await this.finish();
    } catch (e) {
      if (e instanceof TusError && e.lost && (await this.startOver())) return;
      if (e instanceof TusError && !e.retry) throw e;
    }
  }

  async step() {
    const t = this.take;
    if (!t.url) {
      const { url, mediaId, found } = await this.client.create({ ...this.meta, take_key: t.key });
      t.url = url;
      t.mediaId = mediaId;
      t.acked = 0;
      await this.db.putTake(t);
      this.emit("created");
      if (found) return this.resync();
    }
    const chunks = await this.db.chunks(t.key, t.acked);
    const parts = [];
    let size = 0;
    for (const c of chunks) {
      if (c.offset >= t.bytes) break;
      const start = Math.max(0, t.acked - c.offset);
      let part = start ? c.blob.slice(start) : c.blob;
      // Never past what the take record says was recorded: a chunk
      // written just before a crash, without its record, is left out.
      if (c.offset + c.blob.size > t.bytes) part = part.slice(0, part.size - (c.offset + c.blob.size - t.bytes));
      if (size > 0 && size + part.size > MAX_BODY) break;
      parts.push(part);
      size += part.size;
    }
    if (size === 0 && !(t.stopped && t.acked === t.bytes)) {
      if (t.acked < t.bytes) throw new Error("a recorded part of this take is missing on this device");
      return; // nothing to send until the next chunk
    }
    const body = new Blob(parts, { type: "application/offset+octet-stream" });
    const last = t.stopped && t.acked + size === t.bytes;
    const before = t.acked;
    t.acked = await this.client.append(t.url, t.acked, body, last ? t.bytes : undefined);
    if (size > 0 && t.acked <= before) {
      // The server took nothing: its upload is not where this device
      // thinks. Ask it, after a pause, rather than sending again at once.
      t.acked = before;
      throw new TusError("the server did not take the chunk", 409);
    }
    // Chunks stay on the device until the whole take is saved: should the
    // server ever report less than it acknowledged, they are still here.
    await this.db.putTake(t);
    this.emit("progress");
    if (last && t.acked === t.bytes) {
      t.saved = true;
      await this.finish();
    }
  }

  async finish() {
    await this.db.deleteTake(this.take.key);
    this.emit("saved");
  }
}
