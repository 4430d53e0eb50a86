// Home page: lesson progress (kept in this browser) and the sandbox form.
import { t, el, commonKeys, isTyping } from "./common.js";

for (const span of document.querySelectorAll("[data-progress]")) {
  const id = span.dataset.progress;
  let p = null;
  try { p = JSON.parse(localStorage.getItem("paxviz.lesson." + id) || "null"); } catch { p = null; }
  if (p && p.total) {
    const done = p.done ? t("home.done") : t("home.progress", { n: Math.min(p.step + 1, p.total), total: p.total });
    span.textContent = done;
    span.classList.add(p.done ? "done" : "started");
    // Continue in the same session (re-created from this browser's copy
    // if the server lost it), or start over.
    const link = span.closest("li")?.querySelector("a");
    if (link && p.session && /^[0-9a-f]+$/.test(p.session) && !p.done) link.href = "/s/" + p.session;
    const again = el("a", { href: `/lessons/${encodeURIComponent(id)}?step=1`, class: "start-over", onclick: () => localStorage.removeItem("paxviz.lesson." + id) }, t("lesson.start_over"));
    span.after(" ", again);
  }
}

// Show only the counts that fit the chosen mode.
const form = document.getElementById("sandbox-form");
function syncMode() {
  if (!form) return;
  const servers = form.querySelector('input[name="mode"][value="servers"]').checked;
  for (const name of ["proposers", "acceptors", "learners"]) {
    form.querySelector(`input[name="${name}"]`).closest("label").hidden = servers;
  }
  form.querySelector('input[name="servers"]').closest("label").hidden = !servers;
}
form?.addEventListener("change", syncMode);
syncMode();

document.addEventListener("keydown", (e) => {
  if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  if (commonKeys(e)) e.preventDefault();
});
