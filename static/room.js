// The classroom page (instructor and students): follows the room's shared
// session over the room socket, runs polls, and lets a student try it
// themselves on a private fork (an ordinary session on /ws/{id}). A room
// runs any protocol: a view with v.mp or v.raft is drawn by the same
// Multi-Paxos or Raft code as the sandbox (mp.js, raft.js).
import { t, el, commonKeys, isTyping } from "./common.js";
import { Diagram, msgName } from "./diagram.js";
import { mpRender, mpFields, mpCtls } from "./mp.js";
import { raftRender, raftFields, raftCtls, raftCard } from "./raft.js";
import { pollQuestionText, choiceText, answerVerb, markResult } from "./roompoll.js";

const $ = (id) => document.getElementById(id);
const cfg = JSON.parse($("room-config").textContent);
const lessonEl = $("lesson-content");
const lesson = lessonEl ? JSON.parse(lessonEl.textContent) : null;
const instructor = cfg.instructor;

let roomView = JSON.parse($("initial").textContent); // the class's state
let forkView = null; // the student's own fork's state
let prevDrawn = null;
let status = null; // the latest "room" frame
let dash = null; // the latest "dash" frame (instructor)
let me = { num: 0, poll: 0, round: 0, answer: -1, fork: "" };
let roomWS = null, roomOpen = false, roomRetries = 0, roomClosed = false;
let forkWS = null, forkOpen = false, forkId = "";

// ---- sockets ----------------------------------------------------------------

function wsURL(path) {
  return (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + path;
}

function connectRoom() {
  roomWS = new WebSocket(wsURL(`/r/${cfg.code}/ws`));
  roomWS.onopen = () => { roomOpen = true; roomRetries = 0; setConn("connected"); };
  roomWS.onclose = () => {
    roomOpen = false;
    if (roomClosed) { setConn("closed"); return; }
    setConn("reconnecting");
    roomRetries++;
    setTimeout(connectRoom, Math.min(5000, 250 * 2 ** Math.min(roomRetries, 5)));
  };
  roomWS.onmessage = (ev) => {
    const f = JSON.parse(ev.data);
    switch (f.type) {
      case "state": if (!(f.seq <= (roomView.seq || 0) && roomView.session === f.session)) { roomView = f; if (!onFork()) draw(); } break;
      case "room": if (!status || f.rev >= status.rev) { status = f; renderStatus(); } break;
      case "dash": if (!dash || f.rev >= dash.rev) { dash = f; renderDash(); } break;
      case "you": onYou(f); break;
      case "error": showError(f.message, f.cmd); break;
    }
  };
}

function connectFork(id) {
  if (forkWS) { forkWS.onclose = null; forkWS.close(); }
  forkId = id;
  forkWS = new WebSocket(wsURL(`/ws/${id}`));
  forkWS.onopen = () => { forkOpen = true; };
  forkWS.onclose = () => {
    forkOpen = false;
    if (forkId === id) setTimeout(() => { if (forkId === id) connectFork(id); }, 1000);
  };
  forkWS.onmessage = (ev) => {
    const f = JSON.parse(ev.data);
    if (f.type === "state") { if (!forkView || f.seq > forkView.seq || f.session !== forkView.session) { forkView = f; if (onFork()) draw(); } }
    else if (f.type === "error") showError(f.message, f.cmd);
  };
}

function leaveFork() {
  forkId = "";
  forkView = null;
  if (forkWS) { forkWS.onclose = null; forkWS.close(); forkWS = null; }
}

function onFork() { return !instructor && forkId !== "" && forkView !== null; }

function setConn(s) {
  const c = $("conn");
  c.textContent = s === "closed" ? t("room.closed") : t("ui." + s);
  c.className = "conn " + s;
  document.body.dataset.conn = s;
}

// sendRoom sends a room verb; sendCmd a session command to the socket the
// page is driving (the class for the instructor, the fork for a student).
function sendRoom(verb) {
  if (!roomOpen) { showError(t("ui.offline")); return false; }
  roomWS.send(JSON.stringify({ room: verb }));
  return true;
}
function sendCmd(cmd) {
  if (onFork()) {
    if (!forkOpen) { showError(t("ui.offline")); return false; }
    forkWS.send(JSON.stringify({ cmd }));
    return true;
  }
  if (!roomOpen) { showError(t("ui.offline")); return false; }
  roomWS.send(JSON.stringify({ cmd }));
  return true;
}

let errTimer = null;
function showError(msg, cmd) {
  const e = $("error");
  e.textContent = cmd ? `${cmd}: ${msg}` : msg;
  e.classList.add("show");
  clearTimeout(errTimer);
  errTimer = setTimeout(() => e.classList.remove("show"), 6000);
}

// ---- the cluster ----------------------------------------------------------------

const diagram = new Diagram($("diagram"), $("wires"), $("nodes"), {
  nodeCard: (nd, v) => nodeCard(nd, v || current()),
  select: () => {},
  selected: () => null,
  chipMenu: (m) => { if (canAct()) sendCmd(`deliver #${m.id}`); },
  busy: () => false,
});

function canAct() { return instructor || onFork(); }
function current() { return onFork() ? forkView : roomView; }

function nodeCard(nd, v) {
  const card = el("article", { class: `node role-${nd.role} ${nd.up ? "up" : "down"}`, dataset: { node: nd.name }, tabindex: "0",
    "aria-label": `${nd.name} ${t("role." + nd.role)} ${nd.up ? t("ui.up") : t("ui.down")}` });
  card.append(el("header", {}, el("strong", { class: "name" }, nd.name), el("span", { class: "role" }, t("role." + nd.role)),
    el("span", { class: "status" }, nd.up ? t("ui.up") : t("ui.down"))));
  const rows = el("dl", {});
  if (v && (v.mp || v.raft)) return logCard(card, rows, nd, v);
  const row = (k, val) => rows.append(el("dt", {}, k), el("dd", {}, val));
  if (nd.proposer) {
    const p = nd.proposer;
    row(t("ui.phase"), t("phase." + p.phase) + (p.ballot ? " · " + p.ballot : ""));
    if (p.own) row(t("ui.own_value"), p.own);
  }
  if (nd.acceptor) {
    row(t("ui.promised"), nd.acceptor.promised || t("ui.nothing"));
    row(t("ui.accepted"), nd.acceptor.accepted_ballot ? `(${nd.acceptor.accepted_ballot}, ${nd.acceptor.accepted_value})` : t("ui.nothing"));
  }
  if (nd.learner) row(t("ui.learned"), nd.learner.learned ? `${nd.learner.learned} (${nd.learner.learned_ballot})` : t("ui.not_learned"));
  card.append(rows);
  return card;
}

// logCard fills a Multi-Paxos or Raft server's (or client's) card as the
// sandbox does; its buttons only for who may act (the instructor, or a
// student on their own copy).
function logCard(card, rows, nd, v) {
  for (const f of v.mp ? mpFields(nd, v) : raftFields(nd, v)) {
    rows.append(el("dt", { dataset: { field: f.key } }, f.label), el("dd", { class: f.cls || "", dataset: { field: f.key } }, f.value));
  }
  card.append(rows);
  if (canAct()) {
    const ctls = el("div", { class: "ctls" });
    if (v.mp) mpCtls(ctls, nd, v, sendCmd); else raftCtls(ctls, nd, v, sendCmd);
    card.append(ctls);
  }
  if (v.raft) raftCard(card, nd, v);
  return card;
}

function draw() {
  const v = current();
  if (!v || v.type !== "state") return;
  document.body.classList.toggle("on-fork", onFork());
  $("cluster-line").textContent = v.state.cluster;
  diagram.drawCards(v.state.nodes, v);
  diagram.drawMessages(v.state.inflight, { instant: true });
  prevDrawn = v;
  if (v.mp) mpRender(v);
  else if (v.raft) {
    raftRender(v, sendCmd);
    // The tick buttons drive the cluster: only for who may act.
    $("raft-tools").hidden = !canAct();
  } else {
    const box = $("chosen");
    box.replaceChildren(el("span", { class: "label" }, t("ui.godseye")));
    if (!v.state.chosen.length) box.append(el("span", {}, t("ui.chosen_none")));
    for (const c of v.state.chosen_detail || []) box.append(el("span", { class: "chosen-value" }, t("ui.chosen", { v: c.value, b: c.ballot, acc: c.acceptors.join(", "), step: c.step })));
  }
  const list = $("msg-list");
  list.replaceChildren();
  $("inflight-count").textContent = `(${v.state.inflight.length})`;
  if (!v.state.inflight.length) list.append(el("li", { class: "empty" }, t("ui.none_inflight")));
  for (const m of v.state.inflight) {
    const li = el("li", { class: "msg t-" + m.type, dataset: { msg: m.id } },
      el("span", { class: "msg-id" }, "#" + m.id), el("span", { class: "msg-type" }, msgName(m.type)),
      el("span", { class: "msg-text" }, m.text.replace(/^\S+ /, "")));
    if (canAct()) {
      li.append(el("span", { class: "msg-btns" },
        el("button", { type: "button", class: "deliver", onclick: () => sendCmd("deliver #" + m.id) }, t("ui.deliver")),
        el("button", { type: "button", class: "drop", onclick: () => sendCmd("drop #" + m.id) }, t("ui.drop"))));
    }
    list.append(li);
  }
  $("step-out").textContent = t("ui.step_of", { step: v.step, end: v.end, time: v.now });
  $("btn-undo").disabled = v.step === 0;
  $("btn-redo").disabled = v.step >= v.end;
  $("btn-step").disabled = !v.enabled;
  $("btn-play").textContent = v.playing ? t("ui.pause") : t("ui.play");
  $("room-controls").hidden = !canAct();
  renderLesson(v);
  renderMode();
  // The narration of the last action, in this page's language.
  const nar = $("room-narration");
  nar.replaceChildren();
  for (const ev of v.last.slice(-4)) {
    const notes = ev.notes.map((n) => t(n.key, n.args)).join(" ");
    nar.append(el("li", {}, el("code", {}, `${ev.step}. ${ev.act}`), notes ? " — " + notes : ""));
  }
  const last = v.last.length ? v.last[v.last.length - 1] : null;
  $("live").textContent = last ? `${t("ui.step_n", { n: last.step })}: ${last.act}` : t("ui.step_of", { step: v.step, end: v.end, time: v.now });
}

function renderLesson(v) {
  if (!lesson || !$("room-lesson")) return;
  const k = v.lesson ? v.lesson.step : 0;
  const st = lesson.steps[k];
  if (!st) return;
  $("room-lesson-title").textContent = t("room.step_title", { n: k + 1, total: lesson.steps.length, title: st.title });
  const body = $("room-lesson-body");
  if (body.dataset.step !== String(k)) { body.innerHTML = st.html; body.dataset.step = String(k); }
  const goal = $("room-goal");
  goal.replaceChildren();
  if (st.goal && v.lesson && onFork()) {
    goal.append(el("div", { class: "goal-text" }), el("p", { class: v.lesson.met ? "goal-met" : "goal-open", id: "goal-status" }, v.lesson.met ? t("room.goal_met") : t("room.goal_open")));
    goal.firstChild.innerHTML = st.goal.html;
  }
  for (const id of ["lesson-prev", "lesson-next", "lesson-reveal"]) if ($(id)) $(id).hidden = onFork();
  if ($("lesson-prev")) {
    $("lesson-prev").disabled = k === 0;
    $("lesson-next").disabled = k + 1 >= lesson.steps.length;
    $("lesson-reveal").disabled = !(st.question && st.question.has_reveal) || (v.lesson && v.lesson.revealed);
  }
}

function renderMode() {
  const m = $("room-mode");
  if (instructor) { m.textContent = t("room.you_teach"); return; }
  m.textContent = onFork() ? t("room.on_fork") : t("room.following");
  m.className = "room-mode " + (onFork() ? "fork" : "live");
  const released = status && status.released;
  $("btn-fork").hidden = onFork() || !released;
  $("btn-back").hidden = !onFork();
  $("btn-share").hidden = !onFork();
  $("try-hint").textContent = onFork() ? t("room.fork_hint") : released ? t("room.released_hint") : t("room.wait_hint");
}

// ---- room status, polls, dashboard ------------------------------------------------

function renderStatus() {
  const s = status;
  $("room-students").textContent = t("room.students", { n: s.students });
  if (s.closed) { roomClosed = true; setConn("closed"); document.body.classList.add("room-closed"); }
  if (instructor) {
    $("btn-release").setAttribute("aria-pressed", s.released ? "true" : "false");
    $("btn-release").textContent = s.released ? t("room.recall") : t("room.release");
    $("btn-lock").setAttribute("aria-pressed", s.locked ? "true" : "false");
    $("btn-lock").textContent = s.locked ? t("room.unlock") : t("room.lock");
    const p = s.poll;
    $("poll-reveal").disabled = !p || p.revealed;
    $("poll-revote").disabled = !p || !p.revealed;
    $("poll-end").disabled = !p;
  }
  renderPoll();
  renderMode();
}

function pollQuestion(p) {
  if (p.kind === "lesson" && lesson && lesson.steps[p.step] && lesson.steps[p.step].question) {
    const q = lesson.steps[p.step].question;
    const d = el("div", { class: "poll-q" });
    d.innerHTML = q.html;
    return { q: d, choices: q.choices.map((c) => { const s = el("span", {}); s.innerHTML = c; return s; }) };
  }
  return { q: el("p", { class: "poll-q" }, pollQuestionText(p)), choices: p.choices.map((c) => el("span", {}, choiceText(c))) };
}

function renderPoll() {
  const box = $("room-poll");
  box.replaceChildren();
  const p = status && status.poll;
  if (!p) { box.hidden = true; return; }
  box.hidden = false;
  const { q, choices } = pollQuestion(p);
  box.append(el("h2", {}, p.round > 1 ? t("room.poll_round", { n: p.round }) : t("room.poll_title")), q);
  const mine = me.poll === p.id && me.round === p.round ? me.answer : -1;
  const ol = el("ol", { class: "poll-choices" });
  const total = (p.hist || []).reduce((a, b) => a + b, 0) || 1;
  choices.forEach((c, i) => {
    const li = el("li", { class: "poll-choice" + (mine === i ? " mine" : ""), dataset: { choice: i } });
    if (!instructor && p.open) {
      li.append(el("button", { type: "button", class: "poll-answer", id: `poll-choice-${i}`, "aria-pressed": mine === i ? "true" : "false",
        onclick: () => sendRoom(answerVerb(p, i)) }, c));
    } else li.append(el("span", { class: "poll-text" }, c));
    if (p.revealed && p.hist) {
      const n = p.hist[i] || 0;
      const bar = el("span", { class: "bar", "aria-hidden": "true" });
      bar.style.setProperty("--w", `${Math.round((100 * n) / total)}%`); // CSSOM: the CSP forbids style attributes
      li.append(bar, el("span", { class: "count", dataset: { count: n } }, String(n)));
      if (p.rounds && p.rounds.length) li.append(el("span", { class: "before" }, t("room.before", { n: p.rounds[p.rounds.length - 1][i] || 0 })));
    }
    ol.append(li);
  });
  box.append(ol);
  const result = markResult(p, [...ol.children]);
  if (result) box.append(result);
  box.append(el("p", { class: "poll-count", id: "poll-count", dataset: { answered: p.answered } },
    t("room.answered", { n: p.answered, total: status.students })));
  if (!instructor) {
    const hint = mine >= 0 ? (p.open ? "room.you_answered" : "room.answer_final") : p.open ? "room.please_answer" : "room.poll_closed";
    box.append(el("p", { class: "hint", id: "poll-hint" }, t(hint)));
  }
  if (p.revealed) box.append(el("p", { class: "hint" }, t("room.revealed_hint")));
}

function renderDash() {
  if (!instructor) return;
  const d = dash;
  const box = $("dash");
  box.replaceChildren(el("h2", {}, t("room.dashboard")));
  const dl = el("dl", { class: "dash-counts" });
  const row = (k, v, id) => dl.append(el("dt", {}, k), el("dd", { id }, String(v)));
  row(t("room.d_connected"), d.connected, "d-connected");
  row(t("room.d_joined"), d.students, "d-joined");
  row(t("room.d_forks"), d.on_forks, "d-forks");
  if (lesson) row(t("room.d_goal"), d.goal_met, "d-goal");
  const langs = Object.keys(d.by_lang || {}).sort().map((k) => `${k}: ${d.by_lang[k]}`).join(", ");
  if (langs) row(t("room.d_langs"), langs, "d-langs");
  box.append(dl);
  if (d.poll) {
    const det = el("details", { class: "dash-split" }, el("summary", {}, t("room.d_split")));
    det.append(el("p", {}, (d.poll.hist || []).map((n, i) => `${i + 1}: ${n}`).join(" · ")));
    det.append(sparkline(d.poll.timeline || []));
    box.append(det);
  }
  if (d.polls && d.polls.length) {
    const ol = el("ol", { class: "dash-polls" });
    for (const p of d.polls.slice(-5)) ol.append(el("li", {}, `${pollQuestionText(p)} — ${(p.hist || []).join(" / ")}`));
    box.append(el("h3", {}, t("room.d_past")), ol);
  }
  const shares = $("shares");
  shares.replaceChildren();
  if (!d.shares.length) shares.append(el("li", { class: "empty" }, t("room.no_shares")));
  for (const s of d.shares) {
    shares.append(el("li", { dataset: { share: s.id } }, t("room.share_item", { n: s.student, step: s.step }), " ",
      el("button", { type: "button", class: "project", id: `project-${s.id}`, onclick: () => sendRoom(`project ${s.id}`) }, t("room.project"))));
  }
}

// sparkline draws answers over time (the dashboard's curve).
function sparkline(points) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("viewBox", "0 0 200 40");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("room.d_curve"));
  if (!points.length) return svg;
  const maxT = Math.max(...points.map((p) => p.ms), 1), maxN = Math.max(...points.map((p) => p.answered), 1);
  const pl = document.createElementNS(ns, "polyline");
  pl.setAttribute("points", points.map((p) => `${(200 * p.ms) / maxT},${40 - (38 * p.answered) / maxN}`).join(" "));
  svg.append(pl);
  return svg;
}

function onYou(f) {
  const wasFork = me.fork;
  me = f;
  if (f.fork && f.fork !== forkId) { forkView = null; connectFork(f.fork); }
  if (!f.fork && wasFork) { leaveFork(); prevDrawn = null; draw(); }
  renderPoll();
  renderMode();
}

// ---- controls ------------------------------------------------------------------

$("btn-step").addEventListener("click", () => sendCmd("run max=1"));
$("btn-undo").addEventListener("click", () => sendCmd("undo"));
$("btn-redo").addEventListener("click", () => sendCmd("redo"));
$("btn-play").addEventListener("click", () => sendCmd(current().playing ? "pause" : "play ms=700"));
$("command-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const line = $("command").value.trim();
  if (line && sendCmd(line)) $("command").value = "";
});
$("lesson-prev")?.addEventListener("click", () => sendCmd("lesson prev"));
$("lesson-next")?.addEventListener("click", () => sendCmd("lesson next"));
$("lesson-reveal")?.addEventListener("click", () => sendCmd("lesson reveal"));
$("btn-fork")?.addEventListener("click", () => sendRoom("fork"));
$("btn-back")?.addEventListener("click", () => sendRoom("back"));
$("btn-share")?.addEventListener("click", () => { if (sendRoom("share")) $("share-done").textContent = t("room.shared"); });
$("poll-value")?.addEventListener("click", () => { const at = $("poll-at") ? $("poll-at").value.trim() : ""; sendRoom("poll value" + (at ? " " + at : "")); });
for (const k of ["lesson", "message", "leader", "reveal", "revote", "end"]) $("poll-" + k)?.addEventListener("click", () => sendRoom("poll " + k));
$("btn-release")?.addEventListener("click", () => sendRoom(status && status.released ? "recall" : "release"));
$("btn-lock")?.addEventListener("click", () => sendRoom(status && status.locked ? "unlock" : "lock"));
$("btn-close")?.addEventListener("click", () => { if (confirm(t("room.close_confirm"))) sendRoom("close"); });

document.addEventListener("keydown", (e) => {
  if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  if (commonKeys(e)) { e.preventDefault(); return; }
  if (!canAct()) return;
  if (e.key === "n") { sendCmd("run max=1"); e.preventDefault(); }
  else if (e.key === "ArrowLeft") { sendCmd("undo"); e.preventDefault(); }
  else if (e.key === "ArrowRight") { sendCmd("redo"); e.preventDefault(); }
});

draw();
connectRoom();
// For tests and the console: the socket verbs and the current views.
window.paxvizRoom = {
  sendRoom, sendCmd, roomView: () => roomView, forkView: () => forkView, status: () => status, dash: () => dash, me: () => me,
  raw: (obj) => roomWS.send(JSON.stringify(obj)),
};
