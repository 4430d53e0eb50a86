// Time in the Multi-Paxos sandbox (multipaxos.md §3.2, §3.3): each node's
// clock beside true time, leases as bars on one true-time axis, the lock
// service (holder, tokens, d1) and the three read paths with the messages
// each read cost. mp.js calls in here when a view has v.mp.time; the
// server records everything (engine/sim/lockview.go), the page only draws
// it. Positions are set through the CSSOM (the CSP forbids style="").
import { t, el } from "./common.js";

const tk = (c) => (c < 0 ? "−" : "") + (Math.abs(c) / 100).toFixed(2); // hundredths → "8.18"
const pos = (e, prop, pct) => e.style.setProperty(prop, pct.toFixed(2) + "%");

function panel(id, box) {
  let p = document.getElementById(id);
  if (!p) {
    p = el("div", { id, class: "lk-panel" });
    box.append(p);
  }
  return p;
}

// lockRender draws the time panels into the Multi-Paxos panel box, or
// removes them when the view has none.
export function lockRender(v, box) {
  const tv = v.mp.time;
  for (const id of ["lk-time", "lk-lock", "lk-reads"]) if (!tv) document.getElementById(id)?.remove();
  if (!tv) return;
  if (tv.clocked) drawTime(v, panel("lk-time", box));
  else document.getElementById("lk-time")?.remove();
  if (tv.lock) drawLock(tv, panel("lk-lock", box));
  else document.getElementById("lk-lock")?.remove();
  drawReads(tv, panel("lk-reads", box));
}

// The axis: true time from lo to hi (hundredths), at most 60 ticks wide.
function axis(tv) {
  let lo = tv.now, hi = tv.now;
  for (const b of tv.bars) { lo = Math.min(lo, b.from); hi = Math.max(hi, b.to, b.due || 0); }
  for (const c of tv.clocks) { lo = Math.min(lo, c.clock); hi = Math.max(hi, c.clock); }
  hi += 100;
  lo = Math.max(0, Math.min(lo, hi - 1000), hi - 6000);
  return { lo, hi, x: (c) => Math.min(100, Math.max(0, (100 * (c - lo)) / (hi - lo))) };
}

function drawTime(v, box) {
  const tv = v.mp.time;
  const ax = axis(tv);
  const head = el("p", { class: "lk-true" }, el("strong", { id: "lk-now" }, t("lk.true_time", { t: tk(tv.now) })),
    tv.drift ? " · " + t("lk.drift", { p: tv.drift }) : "", tv.lease ? " · " + t("lk.lease_len", { n: tv.lease }) : "",
    tv.ttl ? " · " + t("lk.ttl", { n: tv.ttl }) : "");
  const chart = el("div", { class: "lk-chart", role: "group", "aria-label": t("lk.chart") });
  // The scale: a label every 1, 2, 5, 10 or 20 ticks.
  const span = (ax.hi - ax.lo) / 100;
  const step = [1, 2, 5, 10, 20].find((s) => span / s <= 6) || 20;
  const scale = el("div", { class: "lk-track lk-scale", "aria-hidden": "true" });
  for (let s = Math.ceil(ax.lo / 100 / step) * step; s * 100 <= ax.hi; s += step) {
    const m = el("span", { class: "lk-tick" }, String(s));
    pos(m, "left", ax.x(s * 100));
    scale.append(m);
  }
  chart.append(el("div", { class: "lk-row lk-scale-row" }, el("div", { class: "lk-who" }, t("lk.axis")), el("div", { class: "lk-tracks" }, el("span", { class: "lk-tracklabel" }), scale)));
  for (const c of tv.clocks) {
    if (c.role === "data") continue; // d1's clock decides nothing
    const srv = c.role === "server";
    if (!srv && !tv.lock && c.clock === tv.now && !c.paused) continue; // a kv client: nothing to show
    const d = c.clock - tv.now;
    const diff = el("span", { class: "lk-diff " + (d > 0 ? "ahead" : d < 0 ? "behind" : "same") },
      d === 0 ? t("lk.same") : t(d > 0 ? "lk.ahead" : "lk.behind", { d: tk(Math.abs(d)) }));
    const who = el("div", { class: "lk-who" }, el("strong", {}, c.name), " ",
      el("span", { class: "lk-clock", title: t("lk.clock_title", { n: c.name }) }, tk(c.clock)), " ",
      el("span", { class: "lk-rate" }, c.rate + "%"), " ", diff,
      c.paused ? el("span", { class: "lk-paused" }, t("lk.paused")) : null, c.up ? null : el("span", { class: "lk-down" }, t("ui.down")));
    const tracks = el("div", { class: "lk-tracks" });
    // The clock's reading placed on the true-time axis: a fast clock's
    // mark runs ahead of the now line, a slow one's lags behind.
    const clock = el("div", { class: "lk-track lk-clocktrack" });
    const mx = ax.x(c.clock);
    const mark = el("span", { class: "lk-mark " + diff.className.split(" ")[1] + (mx < 8 ? " at-l" : mx > 92 ? " at-r" : "") }, tk(c.clock));
    pos(mark, "left", mx);
    clock.append(mark);
    const label = (k) => el("span", { class: "lk-tracklabel" }, t("lk.track." + k));
    tracks.append(label("clock"), clock);
    const kinds = srv ? (tv.lease ? [["lease"], ["guard", "quiet"]] : []) : tv.lock ? [["belief"], ["granted"]] : [];
    for (const ks of kinds) {
      const tr = el("div", { class: "lk-track", dataset: { kind: ks[0] } });
      for (const b of tv.bars.filter((b) => b.node === c.name && ks.includes(b.kind))) tr.append(...[].concat(bar(b, ax)));
      tracks.append(label(ks[0]), tr);
    }
    for (const tr of tracks.querySelectorAll(".lk-track")) {
      const now = el("span", { class: "lk-nowline", "aria-hidden": "true" });
      pos(now, "left", ax.x(tv.now));
      tr.append(now);
    }
    chart.append(el("div", { class: "lk-row" + (c.paused ? " paused" : ""), dataset: { node: c.name } }, who, tracks));
  }
  box.replaceChildren(el("h2", {}, t("lk.time")), head, chart, el("p", { class: "lk-legend" },
    ...["lease", "guard", "belief", "granted"].filter((k) => (k === "lease" || k === "guard" ? tv.lease : tv.lock))
      .map((k) => el("span", { class: "lk-bar lk-sample k-" + k }, t("lk.legend." + k))),
    el("span", { class: "lk-sample lk-nowsample" }, t("lk.legend.now"))));
}

function bar(b, ax) {
  const label = t("lk.bar." + b.kind, { lock: b.lock, tok: b.token, for: b.for });
  const when = t(b.open ? "lk.bar_open" : "lk.bar_closed", { from: tk(b.from), to: tk(b.to) });
  const e = el("div", { class: `lk-bar k-${b.kind}` + (b.open ? " open" : ""), title: `${label}: ${when}`, dataset: { from: b.from, to: b.to, token: b.token || "" } },
    el("span", { "aria-hidden": "true" }, label), el("span", { class: "sr-only" }, `${label}: ${when}`));
  // An open grant runs on until the leader may expire it.
  const end = b.kind === "granted" && b.open && b.due ? Math.max(b.to, b.due) : b.to;
  const a = ax.x(b.from), z = ax.x(end);
  pos(e, "left", a);
  pos(e, "width", Math.max(z - a, 0.8));
  if (b.due) {
    const due = el("span", { class: "lk-due", title: t("lk.due", { t: tk(b.due) }) });
    pos(due, "left", ax.x(b.due));
    return [e, due];
  }
  return e;
}

function drawLock(tv, box) {
  const locks = el("div", { class: "lk-locks" });
  if (!tv.locks.length) locks.append(el("p", { class: "hint" }, t("lk.no_locks")));
  for (const l of tv.locks) {
    const rows = [el("li", { class: "lk-holder", dataset: { lock: l.name } },
      l.holder ? t("lk.log_holder", { lock: l.name, c: l.holder, tok: l.token }) : t("lk.log_free", { lock: l.name }))];
    for (const b of l.beliefs) {
      const c = tv.clocks.find((x) => x.name === b.client);
      rows.push(el("li", { class: "lk-belief " + (b.holds ? "holds" : "lapsed"), dataset: { client: b.client, token: b.token } },
        t(b.holds ? "lk.believes" : "lk.lapsed", { c: b.client, lock: l.name, tok: b.token, until: tk(b.until), clock: tk(c ? c.clock : 0) })));
    }
    locks.append(el("ul", { class: "lk-lockrows" }, ...rows));
  }
  const data = el("ul", { class: "lk-data", id: "lk-d1" }, ...(tv.data.length ? tv.data.map((d) =>
    el("li", { dataset: { key: d.key, max: d.max } }, t("lk.d1_key", { key: d.key, v: d.val, max: d.max }))) : [el("li", { class: "hint" }, t("lk.d1_empty"))]));
  const stores = el("ol", { class: "lk-stores", id: "lk-stores" }, ...tv.stores.slice().reverse().map((s) => {
    const k = s.ok ? (s.lower ? "lower" : "ok") : "stale";
    return el("li", { class: "st-" + k, dataset: { client: s.client, token: s.token } },
      el("span", { class: "lk-mark-sym", "aria-hidden": "true" }, { ok: "✓ ", stale: "✗ ", lower: "⚠ " }[k]),
      t("lk.store." + k, { c: s.client, key: s.key, v: s.val, tok: s.token, max: s.max }));
  }));
  box.replaceChildren(el("h2", {}, t("lk.lock")), locks, el("h3", {}, t("lk.d1")), data, tv.stores.length ? stores : el("p", { class: "hint" }, t("lk.no_stores")));
}

function drawReads(tv, box) {
  const avg = (p, f) => (p.reads ? (p[f] / p.reads).toFixed(1) : "–");
  const tbl = el("table", { class: "cost lk-readtable", id: "lk-readtable" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("lk.path")), el("th", { scope: "col" }, t("lk.reads")),
      el("th", { scope: "col" }, t("lk.msgs")), el("th", { scope: "col" }, t("lk.delays")), el("th", { scope: "col" }, t("lk.needs")))),
    el("tbody", {}, ...tv.reads.map((p) => el("tr", { dataset: { path: p.path } }, el("th", { scope: "row" }, "via=" + p.path),
      el("td", { class: "n-reads" }, String(p.reads)), el("td", { class: "n-msgs" }, avg(p, "messages")), el("td", { class: "n-delays" }, avg(p, "delays")),
      el("td", { class: "needs" }, t("lk.needs." + p.path))))));
  const recent = el("ol", { class: "recent" }, ...tv.recent_reads.slice().reverse().map((r) =>
    el("li", {}, t(r.via === r.path ? "lk.read" : "lk.read_fell", r))));
  box.replaceChildren(el("h2", {}, t("lk.read_paths")), el("div", { class: "grid-wrap", tabindex: "0", role: "region", "aria-label": t("lk.read_paths") }, tbl),
    tv.recent_reads.length ? recent : el("p", { class: "hint" }, t("lk.no_reads")));
}

// lockFields adds a node card's rows: its clock, a lock client's beliefs,
// d1's store.
export function lockFields(out, nd, v) {
  const tv = v.mp.time;
  if (!tv || !tv.clocked) return;
  const row = (key, label, value, cls) => out.push({ key, label, value, cls });
  const c = tv.clocks.find((x) => x.name === nd.name);
  if (c) row("clock", t("lk.clock"), tk(c.clock) + (c.rate !== 100 ? ` (${c.rate}%)` : "") + (c.paused ? " · " + t("lk.paused") : ""), c.paused ? "lk-paused-row" : "");
  for (const l of tv.locks) {
    const b = l.beliefs.find((x) => x.client === nd.name);
    if (b) row("lock-" + l.name, t("lk.card_lock", { lock: l.name }), t(b.holds ? "lk.card_holds" : "lk.card_lapsed", { tok: b.token, until: tk(b.until) }), b.holds ? "" : "lk-lapsed");
  }
  if (nd.role === "data") for (const d of tv.data) row("d1-" + d.key, d.key, t("lk.card_d1", { v: d.val, max: d.max }));
}

// lockCtls adds a node's pause or resume button (the script's pause N,
// resume N: a GC pause).
export function lockCtls(ctls, nd, v, send) {
  const tv = v.mp.time;
  if (!tv || !tv.clocked || !nd.up) return;
  const c = tv.clocks.find((x) => x.name === nd.name);
  const paused = c ? c.paused : false;
  const verb = paused ? "resume" : "pause";
  ctls.append(el("button", { type: "button", class: "ctl lk-" + verb, "data-ctl": verb,
    onclick: () => send(verb + " " + nd.name) }, t("lk." + verb)));
}
