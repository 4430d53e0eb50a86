// The sandbox (and lesson) page: draws every state the session sends over
// the websocket and sends clicks and keys back as script lines.
import { t, el, lang, commonKeys, isTyping, toggleHelp } from "./common.js";
import { Diagram, Lamport, msgName, msgLabel } from "./diagram.js";
import { Player } from "./player.js";
import { startLesson } from "./lesson.js";
import { mpRender, mpFields, mpCtls } from "./mp.js";
import { raftRender, raftFields, raftCtls, raftCard } from "./raft.js";
import { keepRecord, resume, wasResumed } from "./resume.js";
import { followLayout } from "./taborder.js";

const $ = (id) => document.getElementById(id);
let view = JSON.parse($("initial").textContent);
const sessionId = view.session;
let prevView = null;
let selected = null; // selected in-flight message id
let ws = null, wsOpen = false, retries = 0;
const listeners = []; // other modules (the lesson panel) that want each view
const onConnect = [];
function whenConnected(f) { if (wsOpen) f(); else onConnect.push(f); }

// ---- websocket ------------------------------------------------------------

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(`${proto}//${location.host}/ws/${sessionId}`);
  ws.onopen = () => { wsOpen = true; retries = 0; setConn("connected"); for (const f of onConnect.splice(0)) f(); };
  ws.onclose = async () => {
    wsOpen = false;
    setConn("reconnecting");
    retries++;
    // A server that is up but no longer knows the session (a restart
    // without a store, an expiry): re-create it from this browser's copy.
    if (await sessionLost()) return;
    setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retries, 5)));
  };
  ws.onmessage = (ev) => {
    const f = JSON.parse(ev.data);
    if (f.type === "state") onView(f);
    else if (f.type === "error") showError(f.message, f.cmd);
    else if (f.type === "log") onLog(f);
  };
}

let resuming = false;
async function sessionLost() {
  if (resuming) return true;
  let known = true;
  try { known = await keepRecord(sessionId); } catch { return false; } // the server is down: retry
  if (known) return false;
  resuming = true;
  setConn("reconnecting");
  const r = await resume(sessionId);
  if (!r.ok) { // nothing to re-create it from: say so once and stop
    $("gallery-banner").before(el("p", { class: "resumed-note failed", role: "alert" }, r.msg ? t("ui.resume_failed", { err: r.msg }) : t("err.no_session")));
  }
  return true;
}

// keepSoon keeps this session's record in the browser a moment after
// each change.
let keepTimer = null;
function keepSoon() {
  clearTimeout(keepTimer);
  keepTimer = setTimeout(() => keepRecord(sessionId).catch(() => {}), 300);
}

function setConn(s) {
  const c = $("conn");
  c.textContent = t("ui." + s);
  c.className = "conn " + s;
  document.body.dataset.conn = s;
}

export function send(cmd) {
  if (!wsOpen) { showError(t("ui.offline")); return false; }
  ws.send(JSON.stringify({ cmd }));
  return true;
}

let errTimer = null;
let pendingCmd = null; // the command box's line, until the server answers
function showError(msg, cmd) {
  const e = $("error");
  // The server's message usually names its command already ("crash: …").
  const verb = cmd ? cmd.trim().split(/\s+/)[0] : "";
  e.textContent = cmd && !msg.startsWith(verb + ":") && !msg.startsWith(verb + " ") ? `${cmd}: ${msg}` : msg;
  if (cmd && cmd === pendingCmd) pendingCmd = null; // keep the input to fix it
  e.classList.add("show");
  clearTimeout(errTimer);
  errTimer = setTimeout(() => e.classList.remove("show"), 6000);
}

// ---- rendering --------------------------------------------------------------

const diagram = new Diagram($("diagram"), $("wires"), $("nodes"), {
  nodeCard: (nd, v) => nodeCard(nd, v),
  select: (id, focus) => select(id, focus),
  selected: () => selected,
  chipMenu: (m, chip) => chipMenu(m, chip),
  busy: () => player.playing,
});

// The player paces multi-event actions; at the end of each it draws the
// final state and marks what changed.
const player = new Player(diagram, {
  caption: (v, i) => caption(v, i),
  announce: (v, i) => announceEvent(v, i),
  changed: (v, before, after, names) => markNodes(v, before, after, names),
  finish: (v, prev) => finishDraw(v, prev),
  speed: () => animMillis(),
});

// animMillis is how long one event's motion takes, from the speed slider
// (the same scale as Play).
function animMillis() {
  const x = Number($("speed").value);
  const ms = 2000 * Math.pow(50 / 2000, x / 100);
  return Math.round(Math.min(1400, Math.max(180, ms * 1.6)));
}

let highlightedSeq = -1;
function finishDraw(v, prev) {
  diagram.drawCards(v.state.nodes, v);
  diagram.drawMessages(v.state.inflight, { instant: true });
  if (v.last.length) caption(v, v.last.length - 1); else caption(v, -1);
  if (prev && v.last.length && highlightedSeq !== v.seq) {
    highlightedSeq = v.seq;
    markChanges(v, prev);
  }
  renderLegend(v);
  announceRest(v);
  $("btn-skip").hidden = true;
}

// markChanges highlights, on each node, the fields whose value differs
// from the previous state.
function markChanges(v, prev) {
  markNodes(v, prev.state.nodes, v.state.nodes, null, prev);
}

// markNodes highlights the fields of the cards whose value differs between
// the node states before and after (only the nodes named in only, when
// given); pv is the view the before states belong to.
function markNodes(v, before, after, only, pv) {
  for (const nd of after) {
    if (only && !only.includes(nd.name)) continue;
    const was = before.find((n) => n.name === nd.name);
    if (!was) continue;
    const old = new Map(nodeFields(was, pv || v).map((f) => [f.key, f.value]));
    const card = document.querySelector(`.node[data-node="${nd.name}"]`);
    if (!card) continue;
    let any = false;
    for (const f of nodeFields(nd, v)) {
      if (old.get(f.key) === f.value) continue;
      any = true;
      for (const e of card.querySelectorAll(`[data-field="${f.key}"]`)) e.classList.add("changed");
    }
    if (was.up !== nd.up) { any = true; card.querySelector(".status")?.classList.add("changed"); }
    if (any) card.classList.add("touched");
  }
}

// caption says in words what event i of view v did (i < 0: where we are).
function caption(v, i) {
  const box = $("caption");
  box.replaceChildren();
  if (i < 0) {
    const l = log.lines.get(v.step);
    if (!v.step) { box.append(el("span", { class: "cap-text" }, t("ui.caption_start"))); return; }
    box.append(el("span", { class: "cap-step" }, t("ui.step_n", { n: v.step }) + " "),
      el("span", { class: "cap-text" }, l ? narration(l.notes || [], l.sent || [], l.a) : ""));
    return;
  }
  const ev = v.last[i];
  const n = v.last.length;
  if (v.last_omitted) box.append(el("span", { class: "cap-omitted" }, t("ui.last_omitted", { n: v.last_omitted }) + " "));
  box.append(el("span", { class: "cap-step" }, t("ui.step_n", { n: ev.step }) + (n > 1 ? " " + t("ui.event_of", { i: i + 1, n }) : "") + " "),
    el("span", { class: "cap-text" }, narration(ev.notes, ev.sent.map((s) => [s.msg.id, s.msg.from, s.msg.to, s.fate]), ev.act)));
  if (player.playing) $("btn-skip").hidden = false;
}

function narration(notes, sent, act) {
  const parts = notes.map(noteText);
  for (const x of sent) if (x[3] === "blocked" || x[3] === "lost") parts.push(t("ui.fate_" + x[3], { id: x[0], from: x[1], to: x[2] }));
  return parts.length ? parts.join(" · ") : act;
}

// renderLegend explains colours, chips and the god's-eye panel; it names
// every message type seen so far (generic over protocols).
const seenTypes = new Set();
function renderLegend(v) {
  const before = seenTypes.size;
  for (const m of v.state.inflight) seenTypes.add(m.type);
  for (const ev of v.last) { if (ev.msg) seenTypes.add(ev.msg.type); for (const s of ev.sent) seenTypes.add(s.msg.type); }
  const box = $("legend-body");
  if (box.childElementCount && before === seenTypes.size) return;
  box.replaceChildren();
  const types = el("ul", { class: "legend-types" });
  for (const ty of seenTypes) types.append(el("li", {}, el("span", { class: "chip sample t-" + ty }, msgName(ty) + " →")));
  if (seenTypes.size) box.append(el("p", {}, t("legend.types")), types);
  const item = (mark, cls, key) => el("li", {}, el("span", { class: "chip sample " + cls }, mark), " ", t(key));
  box.append(el("ul", { class: "legend-fates" },
    item("→", "", "legend.direction"),
    item("✗", "dropped", "legend.dropped"),
    item("×2", "dup-new", "legend.dup"),
    item("✂", "cut", "legend.cut"),
    item("∅", "lost", "legend.lost")));
  const roles = el("ul", { class: "legend-roles" });
  const roleNames = [...new Set(v.state.nodes.map((n) => n.role))];
  for (const r of roleNames) roles.append(el("li", {}, el("span", { class: "swatch role-" + r }), " " + t("role." + r)));
  roles.append(el("li", {}, el("span", { class: "swatch down" }), " " + t("legend.down")));
  roles.append(el("li", {}, el("span", { class: "swatch changed" }), " " + t("legend.changed")));
  box.append(roles, el("p", {}, t("legend.godseye")));
}

// chipMenu opens Deliver / Drop / Duplicate beside a message chip in the
// diagram (click, touch or keyboard; Escape closes it).
function chipMenu(m, chip) {
  closeChipMenu();
  select(m.id, false);
  const act = (verb) => { closeChipMenu(); send(`${verb} #${m.id}`); };
  const menu = el("div", { class: "chip-menu", role: "menu", "aria-label": `#${m.id} ${m.text}`, id: "chip-menu" },
    el("div", { class: "chip-menu-title" }, `#${m.id} ${msgLabel(m)} · ${m.from}→${m.to}`),
    el("button", { type: "button", role: "menuitem", class: "deliver", onclick: () => act("deliver") }, t("ui.deliver")),
    el("button", { type: "button", role: "menuitem", class: "drop", onclick: () => act("drop") }, t("ui.drop")),
    el("button", { type: "button", role: "menuitem", class: "dup", onclick: () => act("dup") }, t("ui.dup")),
    el("button", { type: "button", role: "menuitem", class: "close", "aria-label": t("ui.close"), onclick: closeChipMenu }, "×"));
  menu.style.left = chip.style.left;
  menu.style.top = chip.style.top;
  $("diagram").append(menu);
  menu.querySelector("button").focus({ preventScroll: true });
}
function closeChipMenu() { document.getElementById("chip-menu")?.remove(); }
const lamport = new Lamport($("lamport"), (s) => send("goto " + s));

function onView(v) {
  if (v.seq <= (view.seq || 0) && prevView) return; // stale
  // A new state: an earlier error no longer applies, and a command typed
  // in the box has worked, so the box is cleared.
  $("error").classList.remove("show");
  if (pendingCmd !== null && $("command").value.trim() === pendingCmd) $("command").value = "";
  pendingCmd = null;
  prevView = view;
  view = v;
  render(true);
  for (const f of listeners) f(v);
  keepSoon();
}

export function onEachView(f) { listeners.push(f); }
export function currentView() { return view; }

function render(animate) {
  const v = view;
  $("cluster-line").replaceChildren(v.state.cluster, v.state.bugs.length ? el("span", { class: "bugs-on" }, " " + t("ui.bugs_on", { bugs: v.state.bugs.join(", ") })) : "");
  document.body.classList.toggle("violated", v.state.violations.length > 0);
  if (selected !== null && !v.state.inflight.some((m) => m.id === selected)) selected = null;
  player.show(v, prevView, animate);
  renderChosen(v);
  renderInvariants(v);
  renderInflight(v);
  renderControls(v);
  renderBranches(v);
  renderPartitionBar(v);
  renderGallery(v);
  if (v.mp) mpRender(v);
  if (v.raft) raftRender(v, send);
  syncLog(v);
}

function nodeByName(v, name) { return v.state.nodes.find((n) => n.name === name); }

function ctlButton(ctl, label, cmd, extra) {
  return el("button", { type: "button", class: "ctl", "data-ctl": ctl, onclick: () => send(cmd), ...(extra || {}) }, label);
}

function nodeCard(nd, v) {
  const groups = new Set(v.state.nodes.map((n) => n.group));
  const card = el("article", {
    class: `node role-${nd.role} ${nd.up ? "up" : "down"}` + (groups.size > 1 ? ` g${nd.group % 4}` : ""),
    dataset: { node: nd.name }, tabindex: "0", "aria-label": `${nd.name} ${t("role." + nd.role)} ${nd.up ? t("ui.up") : t("ui.down")}`,
  });
  const head = el("header", {},
    el("strong", { class: "name" }, nd.name),
    el("span", { class: "role" }, t("role." + nd.role)),
    groups.size > 1 ? el("span", { class: "group-badge" }, t("ui.group") + " " + "ABCDEFGHI"[nd.group] ) : null,
    el("span", { class: "status" }, nd.up ? t("ui.up") : t("ui.down")));
  card.append(head);
  const rows = el("dl", {});
  for (const f of nodeFields(nd, v)) rows.append(el("dt", { dataset: { field: f.key } }, f.label), el("dd", { class: f.cls || "", dataset: { field: f.key } }, f.value));
  card.append(rows);
  const ctls = el("div", { class: "ctls" });
  if (v.mp) mpCtls(ctls, nd, v, send);
  else if (v.raft) raftCtls(ctls, nd, v, send);
  else if (nd.up) {
    if (nd.proposer) {
      ctls.append(el("button", { type: "button", class: "ctl", "data-ctl": "propose", onclick: () => openPropose(card, nd) }, t("ui.propose")));
      if (nd.proposer.own) ctls.append(ctlButton("timeout", t("ui.timeout"), "timeout " + nd.name));
    }
    ctls.append(ctlButton("crash", t("ui.crash"), "crash " + nd.name, { class: "ctl danger" }));
  } else {
    ctls.append(ctlButton("restart", t("ui.restart"), "restart " + nd.name));
  }
  card.append(ctls);
  if (v.raft) raftCard(card, nd, v);
  return card;
}

// nodeFields lists the rows of a node's card: key (stable, for marking
// what changed), label, value and class.
function nodeFields(nd, v) {
  if (v.mp) return mpFields(nd, v);
  if (v.raft) return raftFields(nd, v);
  const out = [];
  const row = (key, label, value, cls) => out.push({ key, label, value, cls });
  if (nd.proposer) {
    const p = nd.proposer;
    row("phase", t("ui.phase"), t("phase." + p.phase) + (p.ballot ? " · " + p.ballot : ""), "phase-" + p.phase);
    if (p.own) row("own", t("ui.own_value"), p.own);
    if (p.phase === "preparing") row("promises", t("ui.promises"), `${p.count}/${p.quorum}` + (p.promises.length ? " (" + p.promises.join(", ") + ")" : ""));
    if (p.proposed && p.phase !== "preparing" && p.phase !== "done") row("proposes", t("ui.proposes"), p.adopted_from ? t("ui.adopted", { v: p.proposed, b: p.adopted_from }) : t("ui.own", { v: p.proposed }));
    if (nd.timer >= 0) row("timer", t("ui.timer"), t("ui.timer_at", { d: nd.timer, now: v.now }));
    if (p.round_used && p.phase === "idle") row("round_used", t("ui.round_used"), String(p.round_used));
  }
  if (nd.acceptor) {
    const a = nd.acceptor;
    row("promised", t("ui.promised"), a.promised || t("ui.nothing"));
    row("accepted", t("ui.accepted"), a.accepted_ballot ? `(${a.accepted_ballot}, ${a.accepted_value})` : t("ui.nothing"));
  }
  if (nd.learner) {
    const l = nd.learner;
    row("learned", t("ui.learned"), l.learned ? `${l.learned} (${l.learned_ballot})` : t("ui.not_learned"), l.learned ? "learned" : "");
    if (!l.learned && l.heard.length) row("heard", t("ui.heard"), l.heard.map((h) => `${h.from}:(${h.ballot},${h.value})`).join(" "));
  }
  return out;
}

const VALUES = ["X", "Y", "Z", "W", "V", "U", "T", "S", "R"];
function openPropose(card, nd) {
  const idx = Math.max(0, parseInt(nd.name.slice(1), 10) - 1);
  const input = el("input", { type: "text", value: VALUES[idx % VALUES.length], size: "6", "aria-label": t("ui.propose_value"), pattern: "[A-Za-z0-9_:.\\-]{1,64}", title: t("ui.propose_pattern"), required: true });
  const form = el("form", { class: "propose-form", onsubmit: (e) => { e.preventDefault(); send(`propose ${nd.name} ${input.value.trim()}`); } },
    input, el("button", { type: "submit" }, t("ui.ok")), el("button", { type: "button", onclick: () => form.remove() }, t("ui.cancel")));
  card.querySelector(".ctls").replaceWith(form);
  input.focus();
  input.select();
}

function renderChosen(v) {
  const box = $("chosen");
  box.replaceChildren();
  const learned = v.state.nodes.filter((n) => n.learner && n.learner.learned);
  if (!v.state.chosen.length) {
    box.className = "chosen none";
    box.append(el("span", { class: "label" }, t("ui.godseye")), el("span", {}, t("ui.chosen_none")));
  } else {
    box.className = "chosen" + (v.state.chosen.length > 1 ? " many" : "");
    box.append(el("span", { class: "label" }, t("ui.godseye")));
    for (const c of v.state.chosen_detail) {
      const knowers = learned.filter((n) => n.learner.learned === c.value).map((n) => n.name);
      box.append(el("span", { class: "chosen-value" }, t("ui.chosen", { v: c.value, b: c.ballot, acc: c.acceptors.join(", "), step: c.step })),
        el("span", { class: "knowers" }, knowers.length ? t("ui.known_by", { who: knowers.join(", ") }) : t("ui.known_by_none")));
    }
  }
  const odd = learned.filter((n) => !v.state.chosen.includes(n.learner.learned));
  for (const n of odd) box.append(el("span", { class: "wrong-learn" }, t("ui.learned_unchosen", { node: n.name, v: n.learner.learned })));
}

function renderInvariants(v) {
  const box = $("invariants");
  box.replaceChildren(el("h2", {}, t("ui.invariants")));
  const ul = el("ul", {});
  for (const inv of v.invariants) {
    const li = el("li", { class: inv.ok ? "ok" : "broken", dataset: { inv: inv.name } },
      el("span", { class: "mark", "aria-hidden": "true" }, inv.ok ? "✓" : "✗"),
      el("span", { class: "inv-name" }, t("inv." + inv.name)));
    if (!inv.ok) {
      li.append(el("span", { class: "inv-detail" }, t("viol." + inv.name, inv.args)),
        el("button", { type: "button", class: "link", onclick: () => send("goto " + inv.step) }, t("ui.go_step", { n: inv.step })));
    }
    ul.append(li);
  }
  box.append(ul);
}

function renderInflight(v) {
  const list = $("msg-list");
  list.replaceChildren();
  $("inflight-count").textContent = `(${v.state.inflight.length})`;
  if (!v.state.inflight.length) list.append(el("li", { class: "empty" }, t("ui.none_inflight")));
  const act = (verb, m) => { keepFocusAt(m.id); send(`${verb} #${m.id}`); };
  for (const m of v.state.inflight) {
    const li = el("li", {
      class: "msg t-" + m.type + (m.id === selected ? " selected" : ""), tabindex: "0", dataset: { msg: m.id },
      "aria-label": `#${m.id} ${m.text}`, onfocus: () => select(m.id, false), onclick: (e) => { if (e.target === li) select(m.id, false); },
    },
    el("span", { class: "msg-id" }, "#" + m.id),
    el("span", { class: "msg-type" }, msgName(m.type)),
    el("span", { class: "msg-text" }, m.text.replace(/^\S+ /, "")),
    el("span", { class: "msg-btns" },
      el("button", { type: "button", class: "deliver", onclick: () => act("deliver", m), "aria-label": t("ui.deliver") + " #" + m.id }, t("ui.deliver")),
      el("button", { type: "button", class: "drop", onclick: () => act("drop", m), "aria-label": t("ui.drop") + " #" + m.id }, t("ui.drop")),
      el("button", { type: "button", class: "dup", onclick: () => act("dup", m), "aria-label": t("ui.dup") + " #" + m.id }, t("ui.dup"))));
    list.append(li);
  }
  if (focusIndex !== null) {
    const items = list.querySelectorAll("li.msg");
    const li = items[Math.min(focusIndex, items.length - 1)];
    focusIndex = null;
    if (li) { select(Number(li.dataset.msg), false); li.focus({ preventScroll: true }); }
  }
}

// keepFocusAt remembers where message id is in the list when it is acted
// on by keyboard (or from the list), so that focus moves to the message
// that takes its place: the next one.
let focusIndex = null;
function keepFocusAt(id) {
  const inList = document.activeElement && document.activeElement.closest && document.activeElement.closest("#msg-list");
  if (!inList && document.activeElement !== document.body) return;
  const i = view.state.inflight.findIndex((m) => m.id === id);
  if (i >= 0) focusIndex = i;
}

function select(id, focus) {
  selected = id;
  for (const li of document.querySelectorAll("#msg-list li.msg")) li.classList.toggle("selected", Number(li.dataset.msg) === id);
  for (const c of document.querySelectorAll(".chip")) c.classList.toggle("selected", Number(c.dataset.msg) === id);
  if (focus) document.querySelector(`#msg-list li[data-msg="${id}"]`)?.focus();
}

function renderControls(v) {
  const tl = $("timeline");
  tl.max = String(v.end);
  if (!timelineDragging) tl.value = String(v.step);
  $("step-out").textContent = t("ui.step_of", { step: v.step, end: v.end, time: v.now });
  const running = v.playing && !v.replaying;
  $("btn-play").textContent = running ? t("ui.pause") : t("ui.play");
  $("btn-play").setAttribute("aria-pressed", running ? "true" : "false");
  $("btn-undo").disabled = v.step === 0;
  $("btn-redo").disabled = v.step >= v.end;
  $("btn-step").disabled = !v.enabled;
  $("btn-replay").disabled = v.step >= v.end && !v.replaying;
  $("btn-replay").textContent = v.replaying ? t("ui.pause") : t("ui.replay");
  document.body.classList.toggle("playing", running);
  document.body.classList.toggle("past", v.step < v.end);
  // Say before acting that acting in the past starts a new branch.
  const note = $("past-note");
  note.hidden = !(v.step < v.end) || v.replaying || !!v.gallery;
  note.textContent = note.hidden ? "" : t("ui.past_branch", { step: v.step, end: v.end });
}

function renderBranches(v) {
  const box = $("branches");
  box.replaceChildren();
  if (v.branches.length < 2) return;
  box.append(el("h3", {}, t("ui.branches") + (v.branches_total > v.branches.length ? " " + t("ui.branches_shown", { n: v.branches.length, total: v.branches_total }) : "")));
  box.append(branchTree(v));
  const ul = el("ul", {});
  v.branches.forEach((b, i) => {
    const label = b.current ? t("ui.current_branch", { end: b.end }) : t("ui.branch_from", { fork: b.fork, first: b.first, end: b.end });
    ul.append(el("li", { class: b.current ? "current" : "" }, el("span", {}, `${i + 1}. ${label}`),
      b.current ? null : el("button", { type: "button", onclick: () => send("branch " + b.id), dataset: { branch: b.id } }, t("ui.switch"))));
  });
  box.append(ul);
}

// branchTree draws the branches as a small tree: the current one as the
// trunk (step 0 to its end, a dot where we are), every other one leaving
// it at its fork step; a click switches to it (the list below is the same
// for the keyboard).
function branchTree(v) {
  const NS = "http://www.w3.org/2000/svg";
  const mk = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const [k, x] of Object.entries(attrs)) e.setAttribute(k, String(x)); return e; };
  const others = v.branches.filter((b) => !b.current);
  const W = 260, row = 16, H = 14 + row * others.length;
  const maxEnd = Math.max(1, ...v.branches.map((b) => b.end));
  const x = (s) => 8 + (s / maxEnd) * (W - 16);
  const g = mk("svg", { class: "branch-tree", viewBox: `0 0 ${W} ${H}`, width: W, height: H, "aria-hidden": "true" });
  const cur = v.branches.find((b) => b.current);
  if (cur) g.append(mk("line", { x1: x(0), y1: 7, x2: x(cur.end), y2: 7, class: "trunk" }), mk("circle", { cx: x(v.step), cy: 7, r: 4, class: "here" }));
  others.forEach((b, i) => {
    const y = 7 + row * (i + 1);
    const a = mk("g", { class: "offshoot", "data-branch": b.id });
    const title = mk("title", {});
    title.textContent = t("ui.branch_from", { fork: b.fork, first: b.first, end: b.end });
    a.append(title, mk("path", { d: `M${x(b.fork)},7 L${x(b.fork)},${y} L${x(b.end)},${y}`, class: "shoot" }), mk("circle", { cx: x(b.end), cy: y, r: 4, class: "tip" }),
      mk("rect", { x: x(b.fork) - 4, y: y - 7, width: Math.max(12, x(b.end) - x(b.fork) + 8), height: 14, class: "hit" }));
    a.addEventListener("click", () => send("branch " + b.id));
    g.append(a);
  });
  return g;
}

// ---- bug gallery: a counterexample replayed with pauses where the bug acts ----

function renderGallery(v) {
  const box = $("gallery-banner");
  box.replaceChildren();
  if (!v.gallery) return;
  const g = v.gallery;
  box.className = "gallery-banner" + (v.paused_bug ? " acting" : "");
  box.append(el("strong", {}, t("gallery.banner", { bug: g.bug, inv: g.invariant })), " ", el("span", {}, t(g.why || "gallery." + g.bug + ".why")));
  if (v.paused_bug) {
    const notes = v.last.flatMap((ev) => ev.notes).filter((n) => n.key.startsWith("note.bug.") || n.key === "note.mp.bug" || n.key.startsWith("note.raft.bug."));
    box.append(el("p", { class: "bug-acts", role: "status" }, t("gallery.bug_acts") + " " + notes.map((n) => t(n.key, n.args)).join(" ")));
  }
  if (v.step < v.end && !v.replaying) {
    box.append(el("button", { type: "button", class: "primary", id: "gallery-continue", onclick: () => send("replay ms=900") },
      v.step === 0 ? t("gallery.play") : t("gallery.continue")));
  } else if (v.state.violations.length) {
    box.append(el("p", { class: "bug-acts" }, t("gallery.ended", { inv: v.state.violations.join(", ") })));
  }
}

// ---- search from here ----------------------------------------------------------

$("btn-search").addEventListener("click", async () => {
  const out = $("search-result");
  out.replaceChildren(t("ui.search_running"));
  $("btn-search").disabled = true;
  try {
    const r = await fetch(`/s/${sessionId}/search` + ($("search-deep").checked ? "?deep=1" : ""));
    const j = await r.json();
    out.replaceChildren();
    if (j.error) out.append(t("ui.search_error", { err: j.error }));
    else if (j.found) {
      out.append(el("span", { class: "found" }, t("ui.search_found", { inv: j.invariant, n: j.steps, states: j.states, secs: j.seconds.toFixed(2) })), " ",
        el("a", { href: j.url, class: "button primary", id: "search-open" }, t("ui.search_open")));
    } else {
      out.append(j.truncated ? t("ui.search_partial_words", { states: j.states, secs: j.seconds.toFixed(2) }) : t("ui.search_none_words", { states: j.states, secs: j.seconds.toFixed(2) }));
    }
    if (!j.error && j.said) out.append(el("p", { class: "search-said" }, j.said));
    if (j.found && j.script) out.append(el("details", { class: "search-script" }, el("summary", {}, t("gallery.script")), el("pre", {}, el("code", {}, j.script))));
  } catch (e) {
    out.replaceChildren(t("ui.search_error", { err: String(e) }));
  } finally {
    $("btn-search").disabled = false;
  }
});

// ---- partition tool ----------------------------------------------------------

let partitionDraft = null; // node name -> group index
function renderPartitionBar(v) {
  const bar = $("partition-bar");
  bar.replaceChildren();
  if (!partitionDraft) {
    bar.append(el("button", { type: "button", id: "btn-partition", onclick: () => { partitionDraft = Object.fromEntries(v.state.nodes.map((n) => [n.name, 0])); renderPartitionBar(view); bar.querySelector("button.pnode")?.focus(); } }, t("ui.partition")));
    if (v.state.partitioned) bar.append(el("button", { type: "button", id: "btn-heal", onclick: () => send("heal") }, t("ui.heal")), el("span", { class: "hint" }, t("ui.partitioned")));
    return;
  }
  bar.append(el("span", { class: "hint" }, t("ui.partition_hint")));
  for (const n of v.state.nodes) {
    const g = partitionDraft[n.name] || 0;
    bar.append(el("button", { type: "button", class: `pnode g${g}`, "aria-label": `${n.name}: ${t("ui.group")} ${"ABC"[g]}`,
      onclick: () => { partitionDraft[n.name] = (g + 1) % 3; renderPartitionBar(view); bar.querySelector(`[data-p="${n.name}"]`)?.focus(); }, dataset: { p: n.name } },
      `${n.name} · ${"ABC"[g]}`));
  }
  bar.append(el("button", { type: "button", id: "btn-apply-partition", class: "primary", onclick: () => {
    const groups = [[], [], []];
    for (const [name, g] of Object.entries(partitionDraft)) groups[g].push(name);
    const used = groups.filter((g) => g.length);
    partitionDraft = null;
    if (used.length < 2) { renderPartitionBar(view); showError(t("ui.partition_one")); return; }
    send("partition " + used.map((g) => g.join(" ")).join(" | "));
  } }, t("ui.apply")), el("button", { type: "button", onclick: () => { partitionDraft = null; renderPartitionBar(view); } }, t("ui.cancel")));
}

// ---- the event log and the space-time diagram --------------------------------

const log = { branch: null, lines: new Map(), pending: false };
function syncLog(v) {
  const extended = prevView && log.branch !== null && prevView.step === prevView.end && v.step === v.end &&
    v.last.length && v.last[0].step === prevView.end + 1;
  if (log.branch !== v.branch && !extended) log.lines.clear();
  log.branch = v.branch;
  for (const s of [...log.lines.keys()]) if (s > v.end) log.lines.delete(s);
  if (extended || (v.last.length && v.step === v.end)) {
    for (const ev of v.last) {
      log.lines.set(ev.step, {
        s: ev.step, a: ev.act, k: ev.kind, kind: ev.kind, m: ev.msg ? ev.msg.text : undefined, id: ev.msg ? ev.msg.id : undefined,
        n: ev.node, f: ev.msg ? ev.msg.from : undefined, notes: ev.notes.filter((x) => !x.key.startsWith("viol.")),
        sent: ev.sent.map((s) => [s.msg.id, s.msg.from, s.msg.to, s.fate]),
      });
    }
  }
  requestLog(v);
  drawLog(v);
}

function requestLog(v) {
  if (log.pending || !wsOpen) return;
  const lo = Math.max(1, v.step - 200), hi = Math.min(v.end, v.step + 100);
  let from = -1;
  for (let s = lo; s <= hi; s++) if (!log.lines.has(s)) { from = s; break; }
  if (from < 0) return;
  log.pending = true;
  send(`log ${from - 1} ${Math.min(hi, from + 499)}`);
}

function onLog(f) {
  log.pending = false;
  if (f.branch !== view.branch) { requestLog(view); return; }
  for (const l of f.lines) { l.kind = l.k; log.lines.set(l.s, l); }
  drawLog(view);
  if (!view.last.length && !player.playing) caption(view, -1);
  requestLog(view);
}

function noteText(n) { return t(n.key, n.args); }

function drawLog(v) {
  const ol = $("log-list");
  const focusedStep = document.activeElement && document.activeElement.closest && document.activeElement.closest("#log-list") ? document.activeElement.closest("li")?.dataset.step : null;
  ol.replaceChildren();
  const lo = Math.max(1, v.step - 150), hi = Math.min(v.end, v.step + 60);
  if (lo > 1) ol.append(el("li", { class: "more" }, t("ui.log_earlier", { n: lo - 1 })));
  for (let s = lo; s <= hi; s++) {
    const l = log.lines.get(s);
    const li = el("li", { class: (s === v.step ? "cur" : "") + (s > v.step ? " future" : ""), dataset: { step: s } });
    const btn = el("button", { type: "button", class: "log-line", onclick: () => send("goto " + s), "aria-label": t("ui.step_n", { n: s }) + (l ? ": " + l.a : "") },
      el("span", { class: "log-step" }, String(s)), el("code", {}, l ? l.a : "…"), l && l.m ? el("span", { class: "log-msg" }, "# " + l.m) : null);
    li.append(btn);
    const extra = l ? (l.sent || []).filter((x) => x[3] !== "inflight").map((x) => t("ui.fate_" + x[3], { id: x[0], from: x[1], to: x[2] })) : [];
    if (l && ((l.notes && l.notes.length) || extra.length)) li.append(el("div", { class: "log-notes" }, [...(l.notes || []).map(noteText), ...extra].join(" · ")));
    ol.append(li);
  }
  if (!v.end) ol.append(el("li", { class: "empty" }, t("ui.log_empty")));
  const cur = ol.querySelector("li.cur");
  if (cur) ol.scrollTop = cur.offsetTop - ol.clientHeight / 2;
  // The log is one tab stop (the current line); arrow keys move inside.
  const lines = [...ol.querySelectorAll("button.log-line")];
  for (const b of lines) b.tabIndex = -1;
  const stop = (focusedStep && ol.querySelector(`li[data-step="${focusedStep}"] button`)) || cur?.querySelector("button") || lines[lines.length - 1];
  if (stop) {
    stop.tabIndex = 0;
    if (focusedStep) stop.focus({ preventScroll: true });
  }
  lamport.draw(v.state.nodes, [...log.lines.entries()].sort((a, b) => a[0] - b[0]), v.step, v.end);
}

$("log-list").addEventListener("keydown", (e) => {
  const lines = [...$("log-list").querySelectorAll("button.log-line")];
  const i = lines.indexOf(document.activeElement);
  if (i < 0) return;
  let j = -1;
  if (e.key === "ArrowDown") j = Math.min(lines.length - 1, i + 1);
  else if (e.key === "ArrowUp") j = Math.max(0, i - 1);
  else if (e.key === "Home") j = 0;
  else if (e.key === "End") j = lines.length - 1;
  if (j < 0) return;
  e.preventDefault();
  e.stopPropagation();
  lines[i].tabIndex = -1;
  lines[j].tabIndex = 0;
  lines[j].focus();
});

// ---- live region -------------------------------------------------------------

// Each event of a frame is announced once: as the sequence shows it, or,
// without a sequence (reduced motion, Skip), the ones not yet said
// together; a long action says how many events it had and its last.
let announced = { seq: -1, upto: -1 };
function eventSaid(ev) {
  return `${t("ui.step_n", { n: ev.step })}: ${ev.act}. ${ev.notes.map(noteText).join(". ")}`;
}
function announceEvent(v, i) {
  if (announced.seq === v.seq && announced.upto >= i) return;
  $("live").textContent = eventSaid(v.last[i]);
  announced = { seq: v.seq, upto: i };
}
function announceRest(v) {
  const live = $("live");
  if (!v.last.length) {
    if (announced.seq !== v.seq) live.textContent = t("ui.step_of", { step: v.step, end: v.end, time: v.now });
    announced = { seq: v.seq, upto: 0 };
    return;
  }
  const from = announced.seq === v.seq ? announced.upto + 1 : 0;
  if (from >= v.last.length) return;
  const evs = v.last.slice(from);
  live.textContent = evs.length <= 6 ? evs.map(eventSaid).join(" ") :
    t("ui.live_many", { n: evs.length, from: evs[0].step, to: evs[evs.length - 1].step }) + " " + eventSaid(evs[evs.length - 1]);
  announced = { seq: v.seq, upto: v.last.length - 1 };
}

// ---- controls ----------------------------------------------------------------

function playCmd() {
  const x = Number($("speed").value);
  const ms = Math.round(2000 * Math.pow(50 / 2000, x / 100));
  const drop = Math.min(100, Math.max(0, Number($("drop-rate").value) || 0));
  const dup = Math.min(100, Math.max(0, Number($("dup-rate").value) || 0));
  return `play ms=${ms} drop=${drop}% dup=${dup}% stop=${$("stop-chosen").checked ? "chosen" : "never"}`;
}
function togglePlay() { send(view.playing && !view.replaying ? "pause" : playCmd()); }
function step() {
  const drop = Number($("drop-rate").value) || 0, dup = Number($("dup-rate").value) || 0;
  send(`run max=1` + (drop ? ` drop=${drop}%` : "") + (dup ? ` dup=${dup}%` : ""));
}

$("btn-step").addEventListener("click", step);
$("btn-skip").addEventListener("click", () => player.skip());
$("btn-play").addEventListener("click", togglePlay);
$("btn-undo").addEventListener("click", () => send("undo"));
$("btn-redo").addEventListener("click", () => send("redo"));
$("btn-replay").addEventListener("click", () => send(view.replaying ? "pause" : "replay"));
for (const id of ["speed", "drop-rate", "dup-rate", "stop-chosen"]) $(id).addEventListener("change", () => { if (view.playing) send(playCmd()); });

let timelineDragging = false, timelineTimer = null;
$("timeline").addEventListener("input", (e) => {
  timelineDragging = true;
  clearTimeout(timelineTimer);
  timelineTimer = setTimeout(() => { send("goto " + e.target.value); timelineDragging = false; }, 60);
});

$("command-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("command");
  const line = input.value.trim();
  if (line && send(line)) pendingCmd = line;
});

// scopeNote says what a link or an export keeps: the current branch up to
// the current step, not the other branches nor the steps after it.
function scopeNote(v) {
  const others = Math.max(0, (v.branches_total || 1) - 1);
  return t("ui.link_scope", { step: v.step }) + (v.step < v.end ? " " + t("ui.link_later", { n: v.end - v.step }) : "") +
    (others ? " " + t("ui.link_others", { n: others }) : "");
}
onEachView((v) => { $("btn-export").title = scopeNote(v); });

$("btn-link").addEventListener("click", async () => {
  const r = await fetch(`/s/${sessionId}/link`);
  const j = await r.json();
  const url = location.origin + j.permalink;
  let copied = false;
  try { await navigator.clipboard.writeText(url); copied = true; } catch { copied = false; }
  const box = el("div", { class: "link-box", role: "dialog", "aria-label": t("ui.copy_link") },
    el("p", {}, copied ? t("ui.copied") : t("ui.copy_this")),
    el("input", { type: "text", value: url, readonly: true, id: "permalink", size: "60" }),
    el("p", { class: "hint", id: "link-scope" }, scopeNote(view)),
    el("button", { type: "button", onclick: () => box.remove() }, t("ui.close")));
  document.querySelector(".controls").append(box);
  box.querySelector("input").select();
});

$("import-file").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const body = new FormData();
  body.append("script", await file.text());
  const r = await fetch("/sandbox", { method: "POST", body });
  if (r.redirected && r.ok) { location.href = r.url; return; }
  const doc = new DOMParser().parseFromString(await r.text(), "text/html");
  showError(t("ui.import_failed") + " " + (doc.querySelector("[role=alert]")?.textContent || r.status));
});

// ---- keyboard ------------------------------------------------------------------

function moveSelection(delta) {
  const msgs = view.state.inflight;
  if (!msgs.length) return;
  let i = msgs.findIndex((m) => m.id === selected);
  i = i < 0 ? (delta > 0 ? 0 : msgs.length - 1) : Math.min(msgs.length - 1, Math.max(0, i + delta));
  select(msgs[i].id, true);
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    player.skip();
    closeChipMenu();
    if (partitionDraft) { partitionDraft = null; renderPartitionBar(view); }
    document.querySelector(".link-box")?.remove();
    document.querySelector(".propose-form") && render(false);
    if (isTyping(e)) e.target.blur();
    return;
  }
  if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.tagName === "BUTTON" && (e.key === "Enter" || e.key === " ")) return;
  if (commonKeys(e)) { e.preventDefault(); return; }
  let handled = true;
  switch (e.key) {
    case "n": step(); break;
    case "p": case " ": togglePlay(); break;
    case "P": send(view.replaying ? "pause" : "replay"); break;
    case "ArrowLeft": send("undo"); break;
    case "ArrowRight": send("redo"); break;
    case "Home": send("goto 0"); break;
    case "End": send("goto " + view.end); break;
    case "j": case "ArrowDown": moveSelection(1); break;
    case "k": case "ArrowUp": moveSelection(-1); break;
    case "d": case "Enter": if (selected !== null) { keepFocusAt(selected); send("deliver #" + selected); } else handled = false; break;
    case "x": if (selected !== null) { keepFocusAt(selected); send("drop #" + selected); } break;
    case "c": if (selected !== null) { keepFocusAt(selected); send("dup #" + selected); } break;
    case "s": if (player.playing) player.skip(); else handled = false; break;
    case ":": if (document.body.classList.contains("big")) handled = false; else $("command").focus(); break;
    default:
      if (/^[1-9]$/.test(e.key)) {
        const card = document.querySelectorAll(".node")[Number(e.key) - 1];
        if (card) card.focus(); else handled = false;
      } else handled = false;
  }
  if (handled) e.preventDefault();
});

// Keep the selection visible after re-render.
onEachView(() => { if (selected !== null) select(selected, false); });

render(false);
followLayout(document.querySelector("main.workspace"));
const lessonContent = document.getElementById("lesson-content");
if (lessonContent) startLesson(JSON.parse(lessonContent.textContent), { send, currentView, onEachView, whenConnected });
window.paxvizFirstDraw = performance.now();
if (wasResumed()) {
  $("gallery-banner").before(el("p", { class: "resumed-note", id: "resumed-note", role: "status" }, t("ui.resumed")));
}
keepSoon();
if (location.hash === "#replay" && view.step < view.end) whenConnected(() => send("replay ms=900"));
connect();
window.paxviz = { send, currentView, onEachView, sequencePlaying: () => player.playing };
