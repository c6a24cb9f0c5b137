// tus: a small client for the tus 1.0 resumable-upload protocol, with
// the parts a recorder needs: creating an upload whose length is not
// known yet (creation-defer-length), appending at an offset, asking the
// server how far it got, and stating the length with the last chunk.
// tus-js-client does more, but it reads from a finished file or a stream
// it owns; a recording that is kept chunk by chunk in IndexedDB and sent
// while it grows is simpler to drive with these four requests.

// TusError is an error the server answered; status 0 means the request
// never got an answer (offline, connection cut).
export class TusError extends Error {
  constructor(message, status, final = false, code = "") {
    super(message);
    this.status = status;
    this.final = final; // trying again cannot help, whatever the status
    this.code = code; // the API's error code, when the server said one
  }
  // lost says the server could not keep the upload (its storage failed
  // while it arrived): send everything again as a new upload.
  get lost() {
    return this.status === 410 && this.code === "upload_lost";
  }
  // retry says whether trying again later can succeed.
  get retry() {
    if (this.final) return false;
    return this.status === 0 || this.status === 409 || this.status === 423 || this.status >= 500 || this.status === 429;
  }
}

function encodeMeta(meta) {
  return Object.entries(meta)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => {
      const bytes = new TextEncoder().encode(String(v));
      let bin = "";
      bytes.forEach((b) => (bin += String.fromCharCode(b)));
      return k + " " + btoa(bin);
    })
    .join(",");
}

async function send(url, init, accept = () => false) {
  let resp;
  try {
    resp = await fetch(url, { credentials: "same-origin", cache: "no-store", ...init });
  } catch (e) {
    throw new TusError("no connection", 0);
  }
  if (resp.ok || accept(resp)) return resp;
  let message = resp.statusText || "the server refused the upload";
  let code = "";
  try {
    const body = await resp.json();
    if (body && body.error && body.error.message) message = body.error.message;
    if (body && body.error && body.error.code) code = body.error.code;
  } catch (e) {
    /* not JSON (a HEAD has no body) */
  }
  throw new TusError(message, resp.status, false, code || (resp.headers.get("Anyhour-Error") || ""));
}

// Client talks to one tus endpoint with fixed extra headers (such as an
// Authorization header).
export class Client {
  constructor(endpoint, headers = {}) {
    this.endpoint = endpoint;
    this.headers = { "Tus-Resumable": "1.0.0", ...headers };
  }

  // create starts an upload of deferred length and returns its URL and
  // the id of the recording the server made for it. When the answer to
  // an earlier create of the same take (meta.take_key) was lost, the
  // server points at that upload instead, and found is true. A refusal
  // is final: the take cannot start (no takes left, another one still
  // uploading, the deadline passed).
  async create(meta) {
    let found = false;
    const resp = await send(this.endpoint, {
      method: "POST",
      headers: { ...this.headers, "Upload-Defer-Length": "1", "Upload-Metadata": encodeMeta(meta) },
    }, (r) => (found = r.status === 409 && r.headers.has("Location"))).catch((e) => {
      if (e instanceof TusError && e.status >= 400 && e.status < 500 && e.status !== 429) e.final = true;
      throw e;
    });
    const location = resp.headers.get("Location");
    if (!location) throw new TusError("the server gave no upload address", resp.status);
    // Keep only the path: behind a proxy the server may not know the
    // scheme and host the browser sees.
    const url = new URL(location, window.location.href).pathname;
    return { url, mediaId: resp.headers.get("Anyhour-Media-Id"), found };
  }

  // createKnown starts an upload whose length is known (a file chosen on
  // disk) and returns its URL and the headers the server answered with.
  // A refusal is final: the name, type, size or count is not allowed.
  async createKnown(meta, length) {
    const resp = await send(this.endpoint, {
      method: "POST",
      headers: { ...this.headers, "Upload-Length": String(length), "Upload-Metadata": encodeMeta(meta) },
    }).catch((e) => {
      if (e instanceof TusError && e.status >= 400 && e.status < 500 && e.status !== 429) e.final = true;
      throw e;
    });
    const location = resp.headers.get("Location");
    if (!location) throw new TusError("the server gave no upload address", resp.status);
    return { url: new URL(location, window.location.href).pathname, headers: resp.headers };
  }

  // offset asks how many bytes of the upload the server has.
  async offset(url) {
    const resp = await send(url, { method: "HEAD", headers: this.headers });
    const n = parseInt(resp.headers.get("Upload-Offset"), 10);
    if (Number.isNaN(n)) throw new TusError("the server gave no offset", resp.status);
    const length = resp.headers.get("Upload-Length");
    return { offset: n, length: length === null ? null : parseInt(length, 10) };
  }

  // append sends body at offset; with length, it is the last chunk and
  // length the whole upload's size. It returns the new offset.
  async append(url, offset, body, length) {
    const headers = { ...this.headers, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) };
    if (length !== undefined) headers["Upload-Length"] = String(length);
    const resp = await send(url, { method: "PATCH", headers, body });
    const n = parseInt(resp.headers.get("Upload-Offset"), 10);
    return Number.isNaN(n) ? offset + body.size : n;
  }

  // discard gives up an unfinished upload.
  async discard(url) {
    await send(url, { method: "DELETE", headers: this.headers });
  }
}
