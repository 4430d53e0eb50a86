// Sessions that survive: this browser keeps the record of each session it
// shows (its script, and a lesson's step, answer and reveal); when the
// server no longer knows a session (a restart, an expiry) the page posts
// the record to /resume and carries on in the new session, saying so.
import { t } from "./common.js";

const PREFIX = "paxviz.session.";
const KEEP = 8; // records kept in this browser (the newest)

function stored(id) {
  try { return JSON.parse(localStorage.getItem(PREFIX + id) || "null"); } catch { return null; }
}

function put(id, rec) {
  const entry = JSON.stringify({ rec, at: Date.now() });
  for (let tries = 0; tries < 2; tries++) {
    try { localStorage.setItem(PREFIX + id, entry); break; } catch { prune(1); }
  }
  prune(KEEP);
}

// prune keeps the newest `keep` records.
function prune(keep) {
  const all = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k.startsWith(PREFIX)) all.push([k, (stored(k.slice(PREFIX.length)) || {}).at || 0]);
  }
  all.sort((a, b) => b[1] - a[1]);
  for (const [k] of all.slice(keep)) localStorage.removeItem(k);
}

// keepRecord fetches the session's record and keeps it; it answers false
// when the server does not know the session (404).
export async function keepRecord(id) {
  const r = await fetch(`/s/${id}/record`, { cache: "no-store" });
  if (r.status === 404) return false;
  if (r.ok) put(id, await r.json());
  return true;
}

// resume re-creates session id from its record and opens the new one;
// false (with a message for the page) when it cannot.
export async function resume(id) {
  const s = stored(id);
  if (!s || !s.rec) return { ok: false, msg: "" };
  let j;
  try {
    const r = await fetch("/resume", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(s.rec) });
    j = await r.json();
  } catch (e) {
    return { ok: false, msg: String(e) };
  }
  if (!j.id) return { ok: false, msg: j.error || "" };
  put(j.id, s.rec);
  localStorage.removeItem(PREFIX + id);
  sessionStorage.setItem("paxviz.resumed", "1");
  const q = new URLSearchParams(location.search);
  q.delete("lang"); // the language is in the cookie now
  const qs = q.toString();
  location.replace(j.url + (qs ? "?" + qs : ""));
  return { ok: true };
}

// wasResumed says (once) that this page is a session just re-created.
export function wasResumed() {
  if (sessionStorage.getItem("paxviz.resumed") !== "1") return false;
  sessionStorage.removeItem("paxviz.resumed");
  return true;
}

// On the "no such session" page: re-create it when this browser can.
const tag = document.querySelector("script[data-session]");
if (tag) {
  const msg = document.getElementById("error-message");
  if (stored(tag.dataset.session)) {
    msg.textContent = t("ui.resuming");
    resume(tag.dataset.session).then((r) => { if (!r.ok) msg.textContent = t("ui.resume_failed", { err: r.msg }); });
  }
}
