// drafts: the copies of answers this device keeps until the server has
// them, under "anyhour-answer:<application>/<step>". A copy is removed as
// soon as the server has the answer, when the answers are submitted, and
// after thirty days whatever happens, so a shared computer does not keep
// someone's words for long.
const prefix = "anyhour-answer:";
const maxAge = 30 * 24 * 3600 * 1000;

function store() {
  try { return window.localStorage; } catch { return null; }
}

export function readDraft(key) {
  if (!key) return null;
  try {
    const d = JSON.parse(store()?.getItem(prefix + key) || "null");
    return d && typeof d.value === "string" ? d : null;
  } catch {
    return null;
  }
}

export function writeDraft(key, draft) {
  if (!key) return;
  try { store()?.setItem(prefix + key, JSON.stringify(draft)); } catch { /* full or refused: the server copy remains */ }
}

export function removeDraft(key) {
  if (!key) return;
  try { store()?.removeItem(prefix + key); } catch { /* nothing to do */ }
}

// removeDrafts removes every copy kept for one application.
export function removeDrafts(app) {
  forEachDraft((key) => { if (key.startsWith(prefix + app + "/")) store().removeItem(key); });
}

export function purgeOldDrafts() {
  const now = Date.now();
  forEachDraft((key) => {
    const d = readDraft(key.slice(prefix.length));
    if (!d || !(now - d.at < maxAge)) store().removeItem(key);
  });
}

function forEachDraft(fn) {
  const s = store();
  if (!s) return;
  try {
    const keys = [];
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i);
      if (k && k.startsWith(prefix)) keys.push(k);
    }
    keys.forEach(fn);
  } catch { /* storage refused */ }
}
