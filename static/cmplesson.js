// A lesson's comparison step (web/cmplesson.go): the /compare page's panes,
// timeline and counters in place of the live cluster, with the step's
// schedule in an editor. A prediction keeps the comparison hidden until the
// learner has answered; a goal is judged on the schedule last run here.
// Only a lesson page with such a step loads this module (its own script
// tag, web/compare.templ); it follows the session through app.js's
// window.paxviz.
import { t } from "./common.js";
import { makeComparePanel } from "./comparepanel.js";

function startCompareSteps(content, api) {
  const $ = (id) => document.getElementById(id);
  const box = $("lesson-compare");
  if (!box) return () => {};
  const panel = makeComparePanel();
  const errBox = $("cmp-error");
  let shownRev = -1;
  let fetching = -1;

  // loaded shows a comparison once: the reply to the learner's run and the
  // view announcing it may come in either order.
  function loaded(j) {
    if (j.rev <= shownRev) return;
    shownRev = j.rev;
    panel.load(j.comparison);
    $("cmp-script").value = j.script;
    $("cmp-own").textContent = j.own ? t("cmpl.own") : "";
    box.dataset.rev = String(j.rev);
    document.body.dataset.cmpRev = String(j.rev);
  }

  async function fetchNow(session, rev) {
    if (fetching === rev) return;
    fetching = rev;
    try {
      const res = await fetch(`/s/${session}/compare`);
      const j = await res.json();
      if (res.ok && !j.error) loaded(j);
    } catch { /* the next view tries again */ } finally { fetching = -1; }
  }

  async function run() {
    const v = api.currentView();
    errBox.hidden = true;
    $("cmp-run").disabled = true;
    $("cmp-run").textContent = t("compare.running");
    try {
      const res = await fetch(`/s/${v.session}/compare`, { method: "POST", body: new URLSearchParams({ script: $("cmp-script").value }) });
      const j = await res.json().catch(() => ({ error: t("compare.failed") }));
      if (!res.ok || j.error) {
        errBox.textContent = j.error || t("compare.failed");
        errBox.hidden = false;
        return;
      }
      loaded(j);
    } catch {
      errBox.textContent = t("compare.failed");
      errBox.hidden = false;
    } finally {
      $("cmp-run").disabled = false;
      $("cmp-run").textContent = t("compare.run");
    }
  }
  $("cmp-run").addEventListener("click", run);

  let lastStep = -1;
  function render(v) {
    const lv = v.lesson;
    const st = content.steps[lv.step];
    const on = !!(st.compare && lv.compare);
    box.hidden = !on;
    document.body.classList.toggle("cmp-step", on);
    if (!on) { panel.stop(); lastStep = lv.step; return; }
    if (lastStep !== lv.step) {
      lastStep = lv.step;
      errBox.hidden = true;
      $("cmp-editor").open = !!st.goal;
    }
    const q = st.question;
    const locked = !!(q && q.kind === "predict" && !lv.revealed && lv.answer < 0);
    $("cmp-locked").hidden = !locked;
    $("cmp-view").hidden = locked;
    if (locked) panel.stop();
    if (lv.compare.rev > shownRev) fetchNow(v.session, lv.compare.rev);
  }
  api.onEachView(render);
  render(api.currentView());
}

// Module scripts run in document order, before DOMContentLoaded: app.js
// (which comes after this one) has set window.paxviz by then.
document.addEventListener("DOMContentLoaded", () => {
  const content = document.getElementById("lesson-content");
  if (content && window.paxviz) startCompareSteps(JSON.parse(content.textContent), window.paxviz);
});
