// The side-by-side panes, one timeline and the counters table: the
// /compare page's (compare.js) and a lesson's comparison step's
// (cmplesson.js). The server runs both protocols to the end and sends a
// frame per tick where anything happened; the timeline scrubs through them.
import { t, el } from "./common.js";
import { entryText } from "./raft.js";

// frameAt returns a side's last frame at or before tick.
export function frameAt(side, tick) {
  const fs = side.frames || [];
  let lo = 0, hi = fs.length - 1, best = fs[0];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fs[mid].tick <= tick) { best = fs[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}

// The colour class of an entry: Raft by term, Multi-Paxos by the round of
// the ballot promised (entries themselves carry no ballot here).
const termClass = (n) => "term-" + ((((n - 1) % 8) + 8) % 8);

function drawPane(pane, side, tick) {
  const f = frameAt(side, tick);
  if (!f) return;
  const raft = side.protocol === "raft";
  const box = pane.querySelector(".cmp-servers");
  const lead = f.servers.find((s) => s.leader);
  pane.querySelector(".cmp-lead").textContent = lead ? "· " + t("compare.leader_is", { s: lead.name, t: lead.term }) : "· " + t("compare.no_leader");
  pane.dataset.leader = lead ? lead.name : "";
  // Notes of the schedule in this tick (exactly this tick's frame).
  const notes = f.tick === tick && f.notes ? f.notes.join(" · ") : "";
  pane.querySelector(".cmp-notes").textContent = notes ? t("compare.notes", { notes }) : "\u00a0";
  box.replaceChildren(...f.servers.map((s) => {
    const role = s.up ? s.role : "crashed";
    const log = el("ol", { class: "cmp-log", "aria-label": t("compare.log") });
    s.log.forEach((e, i) => {
      const term = raft ? parseInt(e, 10) : 0;
      const text = raft ? entryText({ t: term, v: e.slice(e.indexOf(":") + 1) }) : (e || "·");
      log.append(el("li", { class: "cmp-entry" + (raft ? " " + termClass(term) : "") + (i < s.commit ? " committed" : ""), title: `${i + 1}: ${e}` }, text));
    });
    if (!s.log.length) log.append(el("li", { class: "cmp-empty" }, t("compare.empty")));
    return el("div", { class: `cmp-server role-${role}` + (s.leader ? " is-leader" : ""), dataset: { name: s.name, role } },
      el("span", { class: "cmp-name" }, s.name),
      el("span", { class: "cmp-role" }, t("compare.role." + role)),
      el("span", { class: "cmp-term" }, s.term),
      s.group ? el("span", { class: "cmp-group", title: t("compare.group", { g: s.group }) }, "▦" + s.group) : null,
      log,
      el("span", { class: "cmp-commit" }, t("compare.commit", { n: s.commit })));
  }));
}

const per = (x, k) => (k ? (x / k).toFixed(1) : "–");
const ROWS = [
  ["committed", (m) => `${m.committed} / ${m.commands}`],
  ["steady", (m) => per(m.steady.messages, m.steady.commands)],
  ["steady_min", (m) => (m.steady_min ? String(m.steady_min) : "–")],
  ["steady_d", (m) => per(m.steady.delays, m.steady.commands)],
  ["change", (m) => per(m.change.messages, m.change.commands)],
  ["change_d", (m) => per(m.change.delays, m.change.commands)],
  ["messages", (m) => String(m.messages)],
  ["elections", (m) => `${m.elections} / ${m.won} / ${m.failed}`],
  ["leaderless", (m) => String(m.leaderless_ticks)],
  ["moved", (m) => String(m.moved_in_votes)],
  ["restamped", (m) => String(m.restamped)],
  ["repaired", (m) => String(m.repaired)],
  ["overwritten", (m) => String(m.overwritten)],
  ["latency", (m) => `${per(m.latency_sum, m.committed)} / ${m.latency_max}`],
];

// makeComparePanel wires the panes, the timeline and the table of the
// page (their ids are comparePanes' in web/compare.templ).
export function makeComparePanel() {
  const $ = (id) => document.getElementById(id);
  const slider = $("cmp-tick");
  const playBtn = $("cmp-play");
  let cmp = null;
  let timer = null;
  // neither[T]: the ticks before T where neither pane shows a leader
  // (lessons.BothLeaderless counts the same up to the end).
  let neither = [];

  function countNeither() {
    const leads = (f) => !!(f && f.servers.some((s) => s.leader));
    neither = [0];
    for (let tick = 0; tick < cmp.until; tick++) {
      const none = !leads(frameAt(cmp.multipaxos, tick)) && !leads(frameAt(cmp.raft, tick));
      neither.push(neither[tick] + (none ? 1 : 0));
    }
  }

  function drawTable(tick) {
    const a = frameAt(cmp.multipaxos, tick).metrics, b = frameAt(cmp.raft, tick).metrics;
    const rows = ROWS.map(([key, f]) => {
      const x = f(a), y = f(b);
      return el("tr", { dataset: { key }, class: x !== y ? "differ" : "" },
        el("th", { scope: "row" }, t("compare.m." + key)), el("td", { class: "mp" }, x), el("td", { class: "raft" }, y));
    });
    const n = String(neither[Math.min(tick, neither.length - 1)] || 0);
    rows.push(el("tr", { dataset: { key: "neither" } }, el("th", { scope: "row" }, t("cmpl.m.neither")),
      el("td", { class: "mp" }, n), el("td", { class: "raft" }, n)));
    rows.push(el("tr", { dataset: { key: "violations" } }, el("th", { scope: "row" }, t("compare.m.violations")),
      el("td", { class: "mp" }, String(cmp.multipaxos.violations)), el("td", { class: "raft" }, String(cmp.raft.violations))));
    $("cmp-table").tBodies[0].replaceChildren(...rows);
  }

  function show(tick) {
    if (!cmp) return;
    tick = Math.max(0, Math.min(cmp.until, tick | 0));
    slider.value = String(tick);
    $("cmp-tick-label").textContent = t("compare.tick", { t: tick, n: cmp.until });
    drawPane($("pane-mp"), cmp.multipaxos, tick);
    drawPane($("pane-raft"), cmp.raft, tick);
    drawTable(tick);
    document.body.dataset.tick = String(tick);
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    playBtn.textContent = t("compare.play");
  }

  function load(c, tick = 0) {
    stop();
    cmp = c;
    countNeither();
    slider.max = String(c.until);
    show(tick);
  }

  function play() {
    if (!cmp) return;
    if (timer) { stop(); return; }
    if (+slider.value >= cmp.until) show(0);
    playBtn.textContent = t("compare.pause");
    timer = setInterval(() => {
      const next = +slider.value + 1;
      show(next);
      if (next >= cmp.until) stop();
    }, 120);
  }

  slider.addEventListener("input", () => { stop(); show(+slider.value); });
  playBtn.addEventListener("click", play);
  $("cmp-back").addEventListener("click", () => { stop(); show(+slider.value - 1); });
  $("cmp-fwd").addEventListener("click", () => { stop(); show(+slider.value + 1); });
  return { load, show, stop, play, tick: () => +slider.value, loaded: () => cmp };
}
