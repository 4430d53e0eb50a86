// The Raft view, beside the cluster diagram: each card shows the server's
// role, term, vote, its election (or heartbeat) timer as a draining ring,
// its log as term-coloured entries with the commit and apply points, and a
// leader's nextIndex/matchIndex per follower. Below: a log grid (servers ×
// indexes, the god's-eye committed row), the leaders' bookkeeping, tick
// controls and counters. app.js calls in here when a view has v.raft; the
// server computes everything, the page only draws it.
import { t, el } from "./common.js";

let css = false;
function ensure() {
  if (!css) {
    css = true;
    document.head.append(el("link", { rel: "stylesheet", href: "/static/raft.css" }));
    document.body.classList.add("raft");
    const cmd = document.getElementById("command");
    if (cmd) cmd.placeholder = t("raft.placeholder");
  }
  let box = document.getElementById("raft-panels");
  if (!box) {
    box = el("section", { id: "raft-panels", class: "raft-panels", "aria-label": t("raft.panels") },
      el("div", { id: "raft-tools", class: "raft-tools" }),
      el("div", { id: "raft-grid", class: "raft-grid" }),
      el("div", { id: "raft-leaders", class: "raft-leaders" }),
      el("div", { id: "raft-counters", class: "raft-counters" }));
    const anchor = document.getElementById("partition-bar") || document.getElementById("diagram");
    anchor.after(box);
  }
  return box;
}

const server = (v, name) => v.raft.servers.find((s) => s.name === name);

// entryText is an entry as the trace prints it, the no-op shortened.
export function entryText(e) { return `${e.t}:${e.v === "noop" ? "∅" : e.v}`; }

// termClass colours an entry by its term (eight tints, then again).
const termClass = (term) => "term-" + (((term - 1) % 8) + 8) % 8;

// raftFields lists a Raft card's rows (key, label, value): what app.js
// compares between states to mark what changed.
export function raftFields(nd, v) {
  const sv = server(v, nd.name);
  if (!sv) return [];
  const out = [];
  const row = (key, label, value, cls) => out.push({ key, label, value, cls });
  row("role", t("raft.term"), t("role." + sv.role) + " · t" + sv.term);
  row("vote", t("raft.voted_for"), sv.voted_for || t("raft.nobody"));
  if (sv.role === "candidate") row("votes", t("raft.votes"), `${sv.votes.length}/${v.raft.quorum} (${sv.votes.join(", ")})`);
  row("log", t("raft.log"), sv.log.map(entryText).join(" ") || "[]");
  row("commit", t("raft.commit_applied"), `${sv.commit} · ${sv.applied}`);
  if (sv.peers && sv.peers.length) row("peers", t("raft.next_match"), sv.peers.map((p) => `${p.name} ${p.next}/${p.match}`).join(" "));
  return out;
}

// timerRing draws a timer as a ring that drains: full at `full` ticks
// left, empty when it fires; the number in it is the ticks left.
function timerRing(tm) {
  const NS = "http://www.w3.org/2000/svg";
  const mk = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const [k, x] of Object.entries(attrs)) e.setAttribute(k, String(x)); return e; };
  const frac = Math.max(0, Math.min(1, tm.left / Math.max(1, tm.full)));
  const C = 2 * Math.PI * 15;
  const g = mk("svg", { viewBox: "0 0 36 36", class: "ring-svg", "aria-hidden": "true" });
  g.append(mk("circle", { cx: 18, cy: 18, r: 15, class: "ring-bg" }),
    mk("circle", { cx: 18, cy: 18, r: 15, class: "ring-fg", "stroke-dasharray": `${(C * frac).toFixed(2)} ${C.toFixed(2)}`, transform: "rotate(-90 18 18)" }));
  const label = tm.kind === "heartbeat" ? t("raft.heartbeat_in", { n: tm.left }) : t("raft.election_in", { n: tm.left });
  return el("span", { class: "timer-ring " + tm.kind + (frac < 0.25 ? " low" : ""), title: label, role: "img", "aria-label": label, dataset: { left: tm.left, full: tm.full, kind: tm.kind } },
    g, el("span", { class: "ring-n" }, String(tm.left)));
}

// logStrip draws a log: one box per entry, coloured by term, solid up to
// the commit point (a bar after it), underlined up to the apply point.
function logStrip(sv) {
  const strip = el("span", { class: "log-strip", dataset: { server: sv.name } });
  if (!sv.log.length) { strip.append(el("span", { class: "ent empty" }, t("raft.empty_log"))); return strip; }
  const MAX = 10;
  const from = Math.max(0, sv.log.length - MAX);
  if (from > 0) strip.append(el("span", { class: "ent more", title: t("raft.earlier", { n: from }) }, `…${from}`));
  sv.log.slice(from).forEach((e, k) => {
    const i = from + k + 1;
    const cls = ["ent", termClass(e.t), i <= sv.commit ? "committed" : "uncommitted", i <= sv.applied ? "applied" : ""].join(" ");
    strip.append(el("span", { class: cls, title: t("raft.entry_title", { i, t: e.t, v: e.v }), dataset: { index: i, term: e.t } }, entryText(e)));
    if (i === sv.commit) strip.append(el("span", { class: "commit-bar", title: t("raft.commit_point", { i }), "aria-label": t("raft.commit_point", { i }) }));
  });
  return strip;
}

// raftCard finishes a Raft server's card: the role in its header, the
// timer ring, the log strip in place of the log row's text.
export function raftCard(card, nd, v) {
  const sv = server(v, nd.name);
  if (!sv) return;
  card.classList.add("raft-" + sv.role);
  card.dataset.role = sv.role;
  card.dataset.term = String(sv.term);
  // Role and term are in the header (marked when they change), not a row.
  const role = card.querySelector("header .role");
  if (role) { role.textContent = t("role." + sv.role) + " · t" + sv.term; role.dataset.field = "role"; }
  for (const e of card.querySelectorAll('dl > [data-field="role"]')) e.remove();
  card.setAttribute("aria-label", `${nd.name} ${t("role." + sv.role)} ${t("raft.term")} ${sv.term} ${nd.up ? t("ui.up") : t("ui.down")}`);
  if (sv.timer && nd.up) card.querySelector("header").append(timerRing(sv.timer));
  const dd = card.querySelector('dd[data-field="log"]');
  if (dd) dd.replaceChildren(logStrip(sv));
}

// raftCtls puts a Raft server's buttons on its card: time out (an
// election; a heartbeat round on a leader), propose, crash; restart.
export function raftCtls(ctls, nd, v, send) {
  const btn = (ctl, label, cmd, cls) => el("button", { type: "button", class: "ctl" + (cls ? " " + cls : ""), "data-ctl": ctl, onclick: () => send(cmd) }, label);
  if (!nd.up) { ctls.append(btn("restart", t("ui.restart"), "restart " + nd.name)); return; }
  const sv = server(v, nd.name);
  const lead = sv && sv.role === "leader";
  ctls.append(btn("timeout", lead ? t("raft.heartbeat") : t("raft.timeout"), "timeout " + nd.name));
  if (lead) {
    const n = sv.log_len + 1;
    const input = el("input", { type: "text", size: "4", value: "v" + n, "aria-label": t("raft.propose_value"), pattern: "[A-Za-z0-9_.:\\-]{1,64}", title: t("ui.propose_pattern"), required: true });
    ctls.append(el("form", { class: "raft-prop", onsubmit: (e) => { e.preventDefault(); send(`propose ${nd.name} ${input.value.trim()}`); } },
      input, el("button", { type: "submit", class: "ctl", "data-ctl": "propose" }, t("raft.propose"))));
  }
  ctls.append(btn("crash", t("ui.crash"), "crash " + nd.name, "danger"));
}

// raftRender draws the panels for view v.
export function raftRender(v, send) {
  ensure();
  const r = v.raft;
  const chosen = document.getElementById("chosen");
  if (chosen) {
    chosen.className = "chosen" + (r.committed.length ? "" : " none");
    chosen.replaceChildren(el("span", { class: "label" }, t("raft.godseye")));
    if (r.committed.length) chosen.append(...r.committed.map((c) => el("span", { class: "chosen-value " + termClass(c.t), dataset: { index: c.i } }, t("raft.committed_entry", { i: c.i, e: entryText(c) }))));
    else chosen.append(el("span", {}, t("raft.committed_none")));
  }
  drawTools(v, send);
  drawGrid(r);
  drawLeaders(r);
  drawCounters(r);
}

function drawTools(v, send) {
  const box = document.getElementById("raft-tools");
  const timers = v.raft.servers.filter((s) => s.up && s.timer).map((s) => s.timer.left);
  const next = timers.length ? Math.max(1, Math.min(...timers)) : 0;
  box.replaceChildren(
    el("button", { type: "button", id: "raft-tick1", onclick: () => send("tick 1") }, t("raft.tick1")),
    next ? el("button", { type: "button", id: "raft-tick-next", onclick: () => send("tick " + next) }, t("raft.tick_next", { n: next })) : null,
    el("span", { class: "hint" }, t("raft.time_now", { now: v.now, min: v.raft.election_min, max: v.raft.election_max, hb: v.raft.heartbeat })));
}

function drawGrid(r) {
  const box = document.getElementById("raft-grid");
  const slots = Math.max(r.slots, r.committed.length ? r.committed[r.committed.length - 1].i : 0);
  const tbl = el("table", { class: "grid", id: "raft-log" });
  const head = el("tr", {}, el("th", { scope: "col" }, t("raft.index")));
  for (let i = 1; i <= slots; i++) head.append(el("th", { scope: "col" }, String(i)));
  const god = el("tr", { class: "godseye" }, el("th", { scope: "row" }, t("raft.committed")));
  for (let i = 1; i <= slots; i++) {
    const c = r.committed.find((x) => x.i === i);
    god.append(el("td", { class: c ? "g-chosen" : "", dataset: { index: i } }, c ? entryText(c) : ""));
  }
  const body = el("tbody", {}, god);
  for (const s of r.servers) {
    const tr = el("tr", { class: "raft-" + s.role + (s.up ? "" : " down"), dataset: { server: s.name } },
      el("th", { scope: "row" }, s.name, " ", el("span", { class: "role-badge " + s.role }, t("role." + s.role) + " t" + s.term)));
    for (let i = 1; i <= slots; i++) {
      const e = s.log[i - 1];
      if (!e) { tr.append(el("td", { class: "cell empty", dataset: { index: i } })); continue; }
      const cls = ["cell", termClass(e.t), i <= s.commit ? "committed" : "uncommitted", i <= s.applied ? "applied" : "", i === s.commit ? "commit-point" : ""].join(" ");
      tr.append(el("td", { class: cls, title: t("raft.entry_title", { i, t: e.t, v: e.v }), dataset: { index: i, term: e.t } }, entryText(e)));
    }
    body.append(tr);
  }
  tbl.append(el("thead", {}, head), body);
  const legend = el("p", { class: "raft-legend" },
    el("span", { class: "cell committed term-0" }, t("raft.legend_committed")),
    el("span", { class: "cell uncommitted term-0" }, t("raft.legend_uncommitted")),
    el("span", { class: "cell committed applied term-0" }, t("raft.legend_applied")),
    el("span", { class: "cell commit-point term-0" }, t("raft.legend_commit_point")),
    ...["leader", "candidate", "follower"].map((r) => el("span", { class: "role-swatch raft-" + r }, t("role." + r))),
    el("span", {}, t("raft.legend_terms")),
    el("span", {}, t("raft.legend_noop")));
  box.replaceChildren(el("h2", {}, t("raft.grid")), el("div", { class: "grid-wrap" }, tbl), legend);
}

function drawLeaders(r) {
  const box = document.getElementById("raft-leaders");
  box.replaceChildren(el("h2", {}, t("raft.leaders")));
  const leaders = r.servers.filter((s) => s.role === "leader" && s.up);
  if (!leaders.length) { box.append(el("p", { class: "hint", id: "raft-no-leader" }, t("raft.no_leader"))); return; }
  for (const l of leaders) {
    const rows = l.peers.map((p) => el("tr", { dataset: { peer: p.name } },
      el("th", { scope: "row" }, p.name),
      el("td", { class: "n-next" }, String(p.next)),
      el("td", { class: "n-match" }, String(p.match)),
      el("td", { class: "bar-cell" }, peerBar(l, p))));
    box.append(el("table", { class: "peers", id: "raft-peers-" + l.name, dataset: { leader: l.name } },
      el("caption", {}, t("raft.leader_of", { s: l.name, t: l.term })),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("raft.follower")), el("th", { scope: "col" }, "nextIndex"), el("th", { scope: "col" }, "matchIndex"), el("th", { scope: "col" }, t("raft.progress")))),
      el("tbody", {}, ...rows)));
  }
}

// peerBar shows a follower's matchIndex (filled) and nextIndex (marker)
// against the leader's log.
function peerBar(l, p) {
  const n = Math.max(1, l.log_len);
  const bar = el("span", { class: "peer-bar", role: "img", "aria-label": t("raft.peer_bar", { m: p.match, n: p.next, len: l.log_len }) });
  // Set through the CSSOM: the page's CSP refuses inline style attributes.
  const match = el("span", { class: "match" }), next = el("span", { class: "next" });
  match.style.width = `${(100 * p.match) / n}%`;
  next.style.left = `calc(${Math.min(100, (100 * (p.next - 1)) / n)}% - 2px)`;
  bar.append(match, next);
  return bar;
}

function drawCounters(r) {
  const c = r.counters;
  const box = document.getElementById("raft-counters");
  const item = (key, n) => el("li", { dataset: { counter: key } }, el("span", { class: "n" }, String(n)), " ", t("raft.count_" + key));
  box.replaceChildren(el("h2", {}, t("raft.counters")), el("ul", {},
    item("messages", c.messages), item("elections", c.elections), item("won", c.won), item("leaderless", c.leaderless_ticks)));
}
