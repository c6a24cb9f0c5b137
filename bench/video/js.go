package main

import "encoding/json"

// previewReadyJS waits until the camera preview shows a picture.
const previewReadyJS = `new Promise((resolve) => {
	const tick = () => {
		const v = document.querySelector(".rec-preview");
		if (v && v.readyState >= 2) return resolve(v.readyState);
		setTimeout(tick, 100);
	};
	tick();
})`

// stopAndWaitJS presses stop and resolves with the milliseconds until
// the recorder shows "saved", timed in the page; it fails with the
// recorder's alert if one appears instead.
const stopAndWaitJS = `new Promise((resolve, reject) => {
	const t0 = performance.now();
	const check = () => {
		if (document.querySelector(".rec-saved")) {
			obs.disconnect();
			return resolve(performance.now() - t0);
		}
		const alert = document.querySelector(".recorder [role=alert]");
		if (alert && !alert.hidden && alert.textContent) {
			obs.disconnect();
			reject(new Error(alert.textContent));
		}
	};
	const obs = new MutationObserver(check);
	obs.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
	document.querySelector(".rec-stop").click();
	check();
})`

// uploadAfterStopJS (token, step id, size) uploads size random bytes as
// a recorder that uploads only after stop would: a tus upload of
// deferred length, PATCHes of 8 MiB (take_upload.js's MAX_BODY) in
// order, the last stating the length. It resolves with the milliseconds
// from the first request to the last answer.
const uploadAfterStopJS = `(async (token, stepId, size) => {
	const data = new Uint8Array(size);
	for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(i + 65536, size)));
	const blob = new Blob([data]);
	const auth = { "Tus-Resumable": "1.0.0", "Authorization": "Bearer " + token };
	const t0 = performance.now();
	let resp = await fetch("/api/v1/uploads/", { method: "POST", headers: { ...auth, "Upload-Defer-Length": "1",
		"Upload-Metadata": "step_id " + btoa(String(stepId)) + ",filename " + btoa("take.webm") + ",filetype " + btoa("video/webm") } });
	if (resp.status !== 201) throw new Error("create: " + resp.status + " " + await resp.text());
	const url = new URL(resp.headers.get("Location"), location.href).pathname;
	const MAX_BODY = 8 << 20;
	for (let off = 0; off < size; off += MAX_BODY) {
		const end = Math.min(off + MAX_BODY, size);
		const headers = { ...auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(off) };
		if (end === size) headers["Upload-Length"] = String(size);
		resp = await fetch(url, { method: "PATCH", headers, body: blob.slice(off, end) });
		if (resp.status !== 204) throw new Error("PATCH at " + off + ": " + resp.status + " " + await resp.text());
	}
	return performance.now() - t0;
})(%s, %d, %d)`

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}
