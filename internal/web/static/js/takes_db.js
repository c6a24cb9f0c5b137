// takes_db keeps every recorded chunk in IndexedDB until the server has
// acknowledged it, so that a reload, a crash or an hour offline loses
// nothing: the page finds the unfinished take when it comes back and
// sends the rest. Where IndexedDB is refused (some private windows) the
// chunks are kept in memory instead: uploads still resume after a lost
// connection, though not after a reload.
//
// Store "takes": one record per take, keyed by key
//   {key, scope, url, mediaId, mimeType, bytes, acked, stopped, seconds, startedAt}
// where bytes is what was recorded so far and acked what the server has.
// Store "chunks": [key, seq] → {key, seq, offset, blob}.

const DB_NAME = "anyhour-recordings";
const VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("aborted"));
  });
}

const chunkRange = (key) => IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]);

export class TakesDB {
  static async open() {
    try {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("takes")) db.createObjectStore("takes", { keyPath: "key" });
        if (!db.objectStoreNames.contains("chunks")) db.createObjectStore("chunks", { keyPath: ["key", "seq"] });
      };
      return new TakesDB(await request(req));
    } catch (e) {
      return new TakesDB(null);
    }
  }

  constructor(db) {
    this.db = db;
    this.memTakes = new Map();
    this.memChunks = new Map(); // key → [chunk]
  }

  // durable reports whether takes survive a reload.
  get durable() {
    return this.db !== null;
  }

  async putTake(take) {
    if (!this.db) {
      this.memTakes.set(take.key, { ...take });
      return;
    }
    const tx = this.db.transaction("takes", "readwrite");
    tx.objectStore("takes").put(take);
    await done(tx);
  }

  // unfinished returns the takes of scope that still have bytes to send.
  async unfinished(scope) {
    const all = this.db ? await request(this.db.transaction("takes").objectStore("takes").getAll()) : [...this.memTakes.values()];
    return all.filter((t) => t.scope === scope).sort((a, b) => a.startedAt - b.startedAt);
  }

  // addChunk keeps a chunk. Should the device refuse to store it (its
  // disk full), the chunk is kept in memory instead, so that the
  // recording goes on and uploads; only a reload would lose it.
  async addChunk(key, seq, offset, blob) {
    if (this.db) {
      try {
        const tx = this.db.transaction("chunks", "readwrite");
        tx.objectStore("chunks").put({ key, seq, offset, blob });
        await done(tx);
        return;
      } catch (e) {
        /* fall back to memory */
      }
    }
    if (!this.memChunks.has(key)) this.memChunks.set(key, []);
    this.memChunks.get(key).push({ key, seq, offset, blob });
  }

  // chunks returns the take's chunks that end after offset, in order.
  async chunks(key, offset) {
    const stored = this.db ? await request(this.db.transaction("chunks").objectStore("chunks").getAll(chunkRange(key))) : [];
    const all = stored.concat(this.memChunks.get(key) || []);
    return all.filter((c) => c.offset + c.blob.size > offset).sort((a, b) => a.seq - b.seq);
  }

  // recorded is how many bytes of the take's chunks this device holds
  // from the start without a gap.
  async recorded(key) {
    let end = 0;
    for (const c of await this.chunks(key, 0)) {
      if (c.offset > end) break;
      end = Math.max(end, c.offset + c.blob.size);
    }
    return end;
  }

  async deleteTake(key) {
    this.memChunks.delete(key);
    if (!this.db) {
      this.memTakes.delete(key);
      return;
    }
    const tx = this.db.transaction(["takes", "chunks"], "readwrite");
    tx.objectStore("takes").delete(key);
    tx.objectStore("chunks").delete(chunkRange(key));
    await done(tx);
  }
}
