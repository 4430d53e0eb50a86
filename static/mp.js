// The Multi-Paxos panels, beside the cluster diagram: a log grid (servers ×
// slots: chosen, decided here and executed told apart, the leader and its
// ballot marked), the clients' operations on a timeline, and the cost of a
// committed command in messages and message delays, steady state and
// leader change apart. app.js calls in here when a view has v.mp; the
// server computes everything, the page only draws it.
import { t, el } from "./common.js";
import { lockRender, lockFields, lockCtls } from "./lock.js";

let css = false;
function ensure() {
  if (!css) {
    css = true;
    document.head.append(el("link", { rel: "stylesheet", href: "/static/mp.css" }), el("link", { rel: "stylesheet", href: "/static/lock.css" }));
    document.body.classList.add("mp");
    const cmd = document.getElementById("command");
    if (cmd) cmd.placeholder = t("mp.placeholder");
  }
  let box = document.getElementById("mp-panels");
  if (!box) {
    box = el("section", { id: "mp-panels", class: "mp-panels", "aria-label": t("mp.grid") },
      el("div", { id: "mp-grid", class: "mp-grid" }),
      el("div", { id: "mp-clients", class: "mp-clients" }),
      el("div", { id: "mp-cost", class: "mp-cost" }));
    const anchor = document.getElementById("partition-bar") || document.getElementById("diagram");
    anchor.after(box);
  }
  return box;
}

// short renders a command compactly: "c1.1:put:x:1" → "put x 1".
function short(cmd) {
  if (!cmd || cmd === "none") return "";
  const p = cmd.split(":");
  return p.length > 1 ? p.slice(1).join(" ") : cmd;
}

// mpFields lists a node card's rows for a Multi-Paxos node.
export function mpFields(nd, v) {
  const out = [];
  const row = (key, label, value, cls) => out.push({ key, label, value, cls });
  const sv = v.mp.servers.find((s) => s.name === nd.name);
  if (sv) {
    row("role", t("mp.role"), t("role." + sv.role) + (sv.ballot ? " · " + sv.ballot : ""), sv.leader ? "mp-lead" : "");
    row("promised", t("mp.promised"), sv.promised || t("mp.nothing"));
    row("log", t("mp.log"), `${t("mp.decided")} ${sv.upto} · ${t("mp.executed")} ${sv.executed}`);
    const kv = Object.entries(sv.kv).map(([k, x]) => `${k}=${x}`).join(" ");
    if (kv) row("kv", t("mp.kv"), kv);
    lockFields(out, nd, v);
    return out;
  }
  const c = v.mp.clients.find((x) => x.name === nd.name);
  if (c) {
    row("pending", t("mp.pending"), c.pending ? short(c.pending) + " (" + c.pending.split(":")[0] + ")" : t("mp.nothing"));
    row("hint", t("mp.hint"), c.hint);
    if (c.last) row("last", t("mp.last"), `${c.last} → ${c.result}`);
  }
  lockFields(out, nd, v);
  return out;
}

// mpCtls puts a Multi-Paxos node's buttons on its card: a server times out,
// crashes and restarts; a client sends a request or times out.
export function mpCtls(ctls, nd, v, send) {
  const btn = (ctl, label, cmd, cls) => el("button", { type: "button", class: "ctl" + (cls ? " " + cls : ""), "data-ctl": ctl, onclick: () => send(cmd) }, label);
  const c = v.mp.clients.find((x) => x.name === nd.name);
  const lock = v.mp.time && v.mp.time.lock;
  if (nd.role === "data") { lockCtls(ctls, nd, v, send); return; }
  if (c) {
    if (!c.pending) {
      const input = el("input", { type: "text", size: "9", value: lock ? "acquire f" : "put x " + (c.seq + 1), "aria-label": t("mp.request"),
        pattern: "(put \\S+ \\S+|get \\S+( via=(log|index|lease))?|cas \\S+ \\S+ \\S+|(acquire|renew|release) \\S+|write \\S+ \\S+)" });
      ctls.append(el("form", { class: "mp-req", onsubmit: (e) => { e.preventDefault(); const w = input.value.trim().split(/\s+/); send([w[0], nd.name, ...w.slice(1)].join(" ")); } },
        input, el("button", { type: "submit", class: "ctl", "data-ctl": "request" }, t("mp.request"))));
    } else {
      ctls.append(btn("timeout", t("mp.timeout"), "timeout " + nd.name));
    }
    lockCtls(ctls, nd, v, send);
    return;
  }
  if (nd.up) {
    ctls.append(btn("timeout", t("mp.timeout"), "timeout " + nd.name), btn("crash", t("ui.crash"), "crash " + nd.name, "danger"));
    lockCtls(ctls, nd, v, send);
  } else {
    ctls.append(btn("restart", t("ui.restart"), "restart " + nd.name));
  }
}

// mpRender draws the panels for view v.
export function mpRender(v) {
  ensure();
  const m = v.mp;
  // A projected cluster of more than four servers needs the whole screen
  // (mp.css hides the panels below it then); smaller ones keep them.
  document.body.classList.toggle("mp-crowded", m.servers.length > 4);
  // The god's eye: what each slot chose.
  const chosen = document.getElementById("chosen");
  if (chosen) {
    chosen.className = "chosen" + (m.chosen.some((c) => c) ? "" : " none");
    chosen.replaceChildren(el("span", { class: "label" }, t("ui.godseye")));
    const any = m.chosen.map((c, i) => c ? el("span", { class: "chosen-value" + (c === "!" ? " many" : "") }, `${t("mp.slot")} ${i + 1}: ${c === "!" ? "✗✗" : c}`) : null).filter(Boolean);
    if (any.length) chosen.append(...any); else chosen.append(el("span", {}, t("ui.chosen_none")));
  }
  drawGrid(m);
  drawClients(v);
  drawCost(m);
  lockRender(v, document.getElementById("mp-panels"));
}

function drawGrid(m) {
  const box = document.getElementById("mp-grid");
  const tbl = el("table", { class: "grid", id: "mp-log" });
  const head = el("tr", {}, el("th", { scope: "col" }, t("mp.slot")));
  for (let i = 1; i <= m.slots; i++) head.append(el("th", { scope: "col" }, String(i)));
  const god = el("tr", { class: "godseye" }, el("th", { scope: "row" }, t("mp.godseye")));
  m.chosen.forEach((c) => god.append(el("td", { class: c ? "g-chosen" : "" }, c === "!" ? "✗✗" : short(c) || (c ? "noop" : ""))));
  tbl.append(el("thead", {}, head), el("tbody", {}, god));
  for (const s of m.servers) {
    const tr = el("tr", { class: (s.leader ? "leader" : "") + (s.up ? "" : " down"), dataset: { server: s.name } },
      el("th", { scope: "row" }, s.name, s.leader ? el("span", { class: "lead-badge" }, t("mp.leader_mark", { b: s.ballot })) : null));
    s.log.forEach((c, i) => {
      const title = c.state ? `${t("mp." + c.state)}: ${c.cmd}` + (c.vote ? ` (${c.vote})` : "") + (c.chosen ? ` · ${t("mp.chosen_mark")}` : "") : "";
      tr.append(el("td", { class: "cell " + (c.state || "empty") + (c.chosen ? " is-chosen" : ""), title, dataset: { slot: i + 1, state: c.state } },
        c.cmd === "none" ? "noop" : short(c.cmd)));
    });
    tbl.querySelector("tbody").append(tr);
  }
  const legend = el("p", { class: "mp-legend" },
    ...["executed", "decided", "accepted"].map((k) => el("span", { class: "cell " + k }, t("mp." + k))),
    el("span", { class: "cell is-chosen" }, t("mp.chosen_mark")));
  box.replaceChildren(el("h2", {}, t("mp.grid")), el("div", { class: "grid-wrap", tabindex: "0", role: "region", "aria-label": t("mp.grid") }, tbl), legend);
}

function drawClients(v) {
  const m = v.mp;
  const box = document.getElementById("mp-clients");
  box.replaceChildren(el("h2", {}, t("mp.clients")));
  if (!m.ops.length) { box.append(el("p", { class: "hint" }, t("mp.no_ops"))); return; }
  const first = Math.min(...m.ops.map((o) => o.invoke)) - 1;
  const span = Math.max(1, v.step - first);
  const pos = (s) => (100 * (s - first)) / span;
  for (const c of m.clients) {
    const lane = el("div", { class: "lane", dataset: { client: c.name } }, el("span", { class: "lane-name" }, c.name));
    const track = el("div", { class: "track" });
    for (const o of m.ops.filter((x) => x.client === c.name)) {
      const end = o.return || v.step;
      const label = o.return ? t("mp.op_done", { op: o.op, r: o.result }) : t("mp.op_open", { op: o.op });
      // Through the CSSOM: the page's CSP blocks style="" attributes.
      const op = el("div", { class: "op" + (o.return ? " done" : " open"), title: `${o.id}: ${label} (${o.invoke}–${o.return || "…"})` }, label);
      op.style.setProperty("left", pos(o.invoke) + "%");
      op.style.setProperty("width", Math.max(pos(end) - pos(o.invoke), 2) + "%");
      track.append(op);
    }
    lane.append(track);
    box.append(lane);
  }
  const lin = v.invariants.find((i) => i.name === "mp_linearizable");
  if (lin) box.append(el("p", { class: "verdict " + (lin.ok ? "ok" : "broken"), id: "mp-verdict" }, (lin.ok ? "✓ " : "✗ ") + t("inv.mp_linearizable") + (lin.ok ? "" : " — " + lin.args.text)));
}

function drawCost(m) {
  const box = document.getElementById("mp-cost");
  const avg = (k, f) => (k.commands ? (k[f] / k.commands).toFixed(1) : "–");
  const row = (name, k) => el("tr", { dataset: { kind: name } }, el("th", { scope: "row" }, t("mp." + name)),
    el("td", { class: "n-commands" }, String(k.commands)), el("td", { class: "n-messages" }, avg(k, "messages")), el("td", { class: "n-delays" }, avg(k, "delays")));
  const tbl = el("table", { class: "cost", id: "mp-cost-table" },
    el("thead", {}, el("tr", {}, el("th", {}), el("th", { scope: "col" }, t("mp.commands")), el("th", { scope: "col" }, t("mp.messages")), el("th", { scope: "col" }, t("mp.delays")))),
    el("tbody", {}, row("steady", m.steady), row("change", m.change)));
  const recent = el("ol", { class: "recent" }, ...m.recent.slice().reverse().map((c) => el("li", { class: c.change ? "change" : "steady" }, t("mp.recent", { id: c.id, d: c.delays, m: c.messages }))));
  box.replaceChildren(el("h2", {}, t("mp.cost")), tbl, m.recent.length ? recent : el("p", { class: "hint" }, t("mp.cost_none")));
}
