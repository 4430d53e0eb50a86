// The lesson panel: narrative beside the live cluster, Next/Back, the goal
// with live feedback, a hint, the question and its reveal, progress kept in
// this browser, and an instructor (projector) mode.
import { t, el, isTyping, setBig, toggleBig } from "./common.js";

export function startLesson(content, api) {
  const $ = (id) => document.getElementById(id);
  const key = "paxviz.lesson." + content.id;
  let hintShown = -1;
  let shownStep = -1;
  // An argument "@KEY" of a goal line stands for KEY's translation (a
  // comparison's counters, web/cmplesson.go).
  const said = (args) => Object.fromEntries(Object.entries(args || {}).map(([k, x]) => [k, typeof x === "string" && x.startsWith("@") ? t(x.slice(1)) : x]));

  const progress = () => { try { return JSON.parse(localStorage.getItem(key) || "null") || {}; } catch { return {}; } };
  // Progress kept in this browser: the session (so that the home page
  // links back to it), the step, and which goals were reached and which
  // questions answered. A lesson is done when every goal was reached and
  // every question answered, not when its last step was opened.
  function save(v) {
    const p = progress();
    const lv = v.lesson;
    p.total = content.steps.length;
    p.step = lv.step;
    p.session = v.session;
    p.max = Math.max(p.max || 0, lv.step);
    p.met = p.met || {};
    p.answered = p.answered || {};
    if (lv.met) p.met[lv.step] = true;
    if (lv.answer >= 0 || lv.revealed) p.answered[lv.step] = true;
    p.done = remaining(p).length === 0;
    localStorage.setItem(key, JSON.stringify(p));
    return p;
  }

  // remaining lists the (1-based) steps whose goal or question is still open.
  function remaining(p) {
    const out = [];
    content.steps.forEach((st, k) => {
      if ((st.goal && !(p.met || {})[k]) || (st.question && !(p.answered || {})[k])) out.push(k + 1);
    });
    return out;
  }

  function startOver() {
    localStorage.removeItem(key);
    location.href = `/lessons/${encodeURIComponent(content.id)}?step=1`;
  }

  function html(container, markup) {
    // Lesson HTML is rendered safe by the server (no raw HTML from lesson
    // files, only http(s)/mailto links); it is trusted here.
    const tpl = document.createElement("template");
    tpl.innerHTML = markup;
    container.replaceChildren(tpl.content);
  }

  function render(v) {
    const lv = v.lesson;
    if (!lv) return;
    const st = content.steps[lv.step];
    const newStep = shownStep !== lv.step;
    $("lesson-pos").textContent = t("lesson.pos", { n: lv.step + 1, total: content.steps.length });
    $("lesson-prev").disabled = lv.step === 0;
    $("lesson-next").disabled = lv.step >= content.steps.length - 1;
    if (newStep) {
      $("lesson-step-title").textContent = st.title;
      html($("lesson-body"), st.html);
      hintShown = -1;
      shownStep = lv.step;
      $("lesson").scrollTop = 0;
    }
    renderGoal(v, st);
    renderQuestion(v, st);
    save(v);
    renderEnd(v);
  }

  function renderGoal(v, st) {
    const box = $("lesson-goal");
    box.replaceChildren();
    if (!st.goal) return;
    const lv = v.lesson;
    const wrap = el("section", { class: "lesson-goal" + (lv.met ? " met" : ""), "aria-label": t("lesson.goal") });
    wrap.append(el("h3", {}, t("lesson.goal")));
    const text = el("div", { class: "goal-text" });
    html(text, st.goal.html);
    wrap.append(text);
    wrap.append(el("p", { class: "goal-status", role: "status" }, lv.met ? t("lesson.goal_met") : t(st.compare ? "cmpl.goal_open" : "lesson.goal_open")));
    const ul = el("ul", { class: "goal-checks" });
    for (const c of lv.checks) {
      const want = c.want ? t(c.want, said(c.want_args)) : c.text;
      const args = Object.fromEntries(Object.entries(said(c.args)).map(([k, x]) => [k, x === "none" ? t("ui.nothing") : x]));
      ul.append(el("li", { class: c.ok ? "ok" : "open", title: c.text }, (c.ok ? "✓ " : "○ ") + want + (c.ok ? "" : " — " + t("lesson.now", { state: t(c.key, args) }))));
    }
    wrap.append(ul);
    const btns = el("div", { class: "lesson-nav" });
    if (st.goal.hint) btns.append(el("button", { type: "button", id: "lesson-hint", onclick: () => { hintShown = lv.step; renderGoal(api.currentView(), st); } }, t("lesson.hint")));
    btns.append(el("button", { type: "button", id: "lesson-solve", "aria-keyshortcuts": "m", onclick: () => api.send("lesson solve") }, t("lesson.solve")));
    wrap.append(btns);
    if (hintShown === lv.step && st.goal.hint) {
      const h = el("div", { class: "goal-hint" });
      html(h, st.goal.hint);
      wrap.append(h);
    }
    if (lv.solved) wrap.append(el("p", { class: "hint" }, t("lesson.solved")));
    box.append(wrap);
  }

  function renderQuestion(v, st) {
    const box = $("lesson-question");
    box.replaceChildren();
    const q = st.question;
    if (!q) return;
    const lv = v.lesson;
    const answered = lv.answer >= 0 || lv.revealed;
    const wrap = el("section", { class: "lesson-question", "aria-label": q.kind === "predict" ? t("lesson.predict") : t("lesson.question") });
    wrap.append(el("h3", {}, q.kind === "predict" ? t("lesson.predict") : t("lesson.question")));
    const prompt = el("div", {});
    html(prompt, q.html);
    wrap.append(prompt);
    (q.choices || []).forEach((c, i) => {
      let cls = "choice";
      if (answered && lv.answer === i) cls += lv.correct ? " right" : " wrong";
      const b = el("button", { type: "button", class: cls, dataset: { choice: i + 1 }, "aria-pressed": lv.answer === i ? "true" : "false",
        onclick: () => api.send("lesson answer " + (i + 1)) }, `${"ABCDEFGHIJ"[i]}. `);
      const span = el("span", {});
      html(span, c);
      b.append(span);
      wrap.append(b);
    });
    if (q.kind === "predict" && !lv.revealed) {
      wrap.append(el("button", { type: "button", id: "lesson-reveal", onclick: () => api.send("lesson reveal") }, t("lesson.reveal")));
    }
    if (answered) {
      if (lv.answer >= 0 && (q.choices || []).length) wrap.append(el("p", { class: "verdict " + (lv.correct ? "right" : "wrong"), role: "status" }, lv.correct ? t("lesson.right") : t("lesson.wrong")));
      const ex = el("div", { class: "explanation" });
      html(ex, q.explanation);
      wrap.append(el("h4", {}, t("lesson.explanation")), ex);
    }
    box.append(wrap);
  }

  function renderEnd(v) {
    const box = $("lesson-end");
    box.replaceChildren();
    if (v.lesson.step !== content.steps.length - 1) return;
    const left = remaining(progress());
    box.append(el("p", { class: "lesson-done" }, left.length ? t("lesson.not_done", { steps: left.join(", ") }) : t("lesson.done")),
      el("a", { class: "button primary", id: "lesson-sandbox", href: `/s/${v.session}/fork` }, t("lesson.to_sandbox")),
      " ", el("button", { type: "button", id: "lesson-start-over", onclick: startOver }, t("lesson.start_over")),
      " ", el("a", { href: "/" }, t("lesson.more")));
  }

  $("lesson-next").addEventListener("click", () => api.send("lesson next"));
  $("lesson-prev").addEventListener("click", () => api.send("lesson prev"));
  $("lesson-reset").addEventListener("click", () => api.send("lesson reset"));
  $("lesson-big").addEventListener("click", toggleBig);

  document.addEventListener("keydown", (e) => {
    if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    const v = api.currentView();
    let handled = true;
    switch (e.key) {
      case "g": case "PageDown": api.send("lesson next"); break;
      case "b": case "PageUp": api.send("lesson prev"); break;
      case "r": {
        const q = content.steps[v.lesson.step].question;
        if (q && q.kind === "predict" && !v.lesson.revealed) api.send("lesson reveal"); else handled = false;
        break;
      }
      case "h": document.getElementById("lesson-hint")?.click(); break;
      case "a": {
        // The question's choices: focus the chosen one (or the first);
        // Tab moves between them, Enter answers.
        const c = document.querySelector('#lesson-question .choice[aria-pressed="true"]') || document.querySelector("#lesson-question .choice");
        if (c) c.focus(); else handled = false;
        break;
      }
      case "m": if (document.getElementById("lesson-solve")) api.send("lesson solve"); else handled = false; break;
      case "R": api.send("lesson reset"); break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  // The session is in the URL; a lesson opened without a step (#continue)
  // goes on where this browser left off.
  const p = progress();
  const v0 = api.currentView();
  if (location.hash === "#continue") {
    history.replaceState(history.state, "", location.pathname + location.search);
    if (p.step > 0 && p.step < content.steps.length && v0.lesson.step === 0) {
      api.whenConnected(() => api.send("lesson goto " + (p.step + 1)));
    }
  }
  api.onEachView(render);
  render(v0);
}
