// The side-by-side page: one schedule on Multi-Paxos and on Raft. The
// panes, the timeline and the counters are comparepanel.js's; this page
// adds the schedule editor, the ready examples, the link and the keys.
import { t, commonKeys, isTyping } from "./common.js";
import { makeComparePanel } from "./comparepanel.js";

const $ = (id) => document.getElementById(id);
const script = $("cmp-script");
const errBox = $("cmp-error");
const panel = makeComparePanel();

async function run() {
  errBox.hidden = true;
  $("cmp-run").disabled = true;
  $("cmp-run").textContent = t("compare.running");
  try {
    const res = await fetch("/compare", { method: "POST", body: new URLSearchParams({ script: script.value }) });
    const j = await res.json().catch(() => ({ error: t("compare.failed") }));
    if (!res.ok || j.error) {
      errBox.textContent = j.error || t("compare.failed");
      errBox.hidden = false;
      return;
    }
    panel.load(j);
    document.querySelector(".cmp-timeline").scrollIntoView({ block: "start" });
    history.replaceState(null, "", "/compare?script=" + encodeURIComponent(script.value));
  } catch {
    errBox.textContent = t("compare.failed");
    errBox.hidden = false;
  } finally {
    $("cmp-run").disabled = false;
    $("cmp-run").textContent = t("compare.run");
  }
}

$("cmp-run").addEventListener("click", run);
for (const b of document.querySelectorAll(".cmp-ex")) {
  b.addEventListener("click", () => { script.value = b.dataset.text; run(); });
}
$("cmp-link").addEventListener("click", async () => {
  const url = location.origin + "/compare?script=" + encodeURIComponent(script.value);
  history.replaceState(null, "", url);
  try { await navigator.clipboard.writeText(url); $("cmp-link").textContent = t("compare.copied"); } catch { /* the address bar has it */ }
});
document.addEventListener("keydown", (e) => {
  if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === " " || e.key === "p") { panel.play(); e.preventDefault(); return; }
  if (e.key === "ArrowLeft") { panel.stop(); panel.show(panel.tick() - 1); e.preventDefault(); return; }
  if (e.key === "ArrowRight") { panel.stop(); panel.show(panel.tick() + 1); e.preventDefault(); return; }
  if (commonKeys(e)) e.preventDefault();
});

const init = $("cmp-initial");
if (init) panel.load(JSON.parse(init.textContent));
