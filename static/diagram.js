// The cluster diagram: node cards placed in columns (proposers, acceptors,
// learners) or on a ring (servers), wires for in-flight messages, message
// chips that select a message, and delivery animation.
import { t, el } from "./common.js";

const TYPE_ABBR = { prepare: "1a", promise: "1b", accept: "2a", accepted: "2b", nack: "nack" };

export class Diagram {
  constructor(root, svg, nodesEl, hooks) {
    this.root = root;
    this.svg = svg;
    this.nodesEl = nodesEl;
    this.hooks = hooks; // {select(id), nodeCard(node, view) -> Element}
    this.pos = new Map(); // node name -> {x, y}
    this.cards = new Map();
    this.chips = new Map(); // msg id -> element
    this.layoutKey = "";
    new ResizeObserver(() => this.view && this.draw(this.view, null, false)).observe(root);
  }

  layout(nodes) {
    const w = this.root.clientWidth || 800;
    const cardH = Math.max(...[...this.cards.values()].map((c) => c.offsetHeight || 120), 120);
    const servers = nodes.length && nodes[0].role === "server";
    const pos = new Map();
    let h;
    if (servers) {
      const n = nodes.length;
      const r = Math.max(160, Math.min(w / 2 - 120, 90 * n));
      h = 2 * r + cardH + 40;
      nodes.forEach((nd, i) => {
        const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
        pos.set(nd.name, { x: w / 2 + r * Math.cos(a) * (w > 700 ? 1.25 : 1), y: h / 2 + r * Math.sin(a) * 0.85 });
      });
    } else {
      const cols = { proposer: [], acceptor: [], learner: [] };
      for (const nd of nodes) cols[nd.role].push(nd);
      const cardW = Math.max(...[...this.cards.values()].map((c) => c.offsetWidth || 200), 160);
      const gap = cardH + 28;
      const place = (list, xf, top, count) => {
        const off = top + (count * gap - list.length * gap) / 2;
        list.forEach((nd, i) => pos.set(nd.name, { x: xf * w, y: off + gap * i + gap / 2 }));
      };
      if (w >= 3 * cardW + 80 || !cols.learner.length) {
        // Three columns: proposers → acceptors → learners.
        const rows = Math.max(cols.proposer.length, cols.acceptor.length, cols.learner.length, 1);
        h = rows * gap + 20;
        const half = cardW / 2 / w + 0.01;
        const xs = cols.learner.length ? [half, 0.5, 1 - half] : [Math.max(half, 0.2), Math.min(1 - half, 0.72)];
        place(cols.proposer, xs[0], 10, rows);
        place(cols.acceptor, xs[1], 10, rows);
        if (cols.learner.length) place(cols.learner, xs[2], 10, rows);
      } else {
        // Narrow: proposers above learners on the left, acceptors right.
        const left = cols.proposer.length + cols.learner.length;
        const rows = Math.max(left, cols.acceptor.length, 1);
        h = rows * gap + 20;
        const half = cardW / 2 / w + 0.01;
        const off = 10 + (rows - left) * gap / 2;
        [...cols.proposer, ...cols.learner].forEach((nd, i) => pos.set(nd.name, { x: half * w, y: off + gap * i + gap / 2 }));
        place(cols.acceptor, Math.max(1 - half, half + cardW / w + 0.05), 10, rows);
      }
    }
    this.root.style.height = h + "px";
    this.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    this.svg.setAttribute("width", w);
    this.svg.setAttribute("height", h);
    this.pos = pos;
  }

  // draw renders view v; prev is the previous view (for animation).
  draw(v, prev, animate) {
    this.view = v;
    const nodes = v.state.nodes;
    // Cards: rebuilt each time (cheap, and keeps them truthful).
    const focused = document.activeElement && document.activeElement.closest(".node")?.dataset.node;
    const focusedCtl = document.activeElement?.dataset?.ctl;
    this.nodesEl.replaceChildren();
    this.cards.clear();
    for (const nd of nodes) {
      const card = this.hooks.nodeCard(nd, v);
      card.style.visibility = "hidden";
      this.nodesEl.append(card);
      this.cards.set(nd.name, card);
    }
    this.layout(nodes);
    for (const nd of nodes) {
      const card = this.cards.get(nd.name);
      const p = this.pos.get(nd.name);
      card.style.left = p.x - card.offsetWidth / 2 + "px";
      card.style.top = p.y - card.offsetHeight / 2 + "px";
      card.style.visibility = "";
    }
    if (focused) {
      const card = this.cards.get(focused);
      const ctl = focusedCtl && card?.querySelector(`[data-ctl="${focusedCtl}"]`);
      (ctl || card)?.focus({ preventScroll: true });
    }
    this.drawWires(v);
    if (animate && prev) this.animate(v);
  }

  edgePoint(from, to, frac, side) {
    const a = this.pos.get(from), b = this.pos.get(to);
    if (!a || !b) return null;
    const dx = b.x - a.x, dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const nx = -dy / len, ny = dx / len;
    return { x: a.x + dx * frac + nx * side, y: a.y + dy * frac + ny * side };
  }

  drawWires(v) {
    const ns = "http://www.w3.org/2000/svg";
    this.svg.replaceChildren();
    for (const c of this.chips.values()) c.remove();
    this.chips.clear();
    // Group in-flight messages by directed pair.
    const pairs = new Map();
    for (const m of v.state.inflight) {
      const k = m.from + ">" + m.to;
      if (!pairs.has(k)) pairs.set(k, []);
      pairs.get(k).push(m);
    }
    for (const [k, msgs] of pairs) {
      const [from, to] = k.split(">");
      const a = this.edgePoint(from, to, 0, 6), b = this.edgePoint(from, to, 1, 6);
      if (!a || !b) continue;
      const line = document.createElementNS(ns, "line");
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y);
      line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
      line.setAttribute("class", "wire t-" + msgs[msgs.length - 1].type);
      line.setAttribute("marker-end", "url(#arrow)");
      this.svg.append(line);
      const shown = msgs.slice(0, 4);
      const frac = (i) => Math.min(0.78, Math.max(0.3, 0.55 + (i - (shown.length - 1) / 2) * 0.1));
      shown.forEach((m, i) => {
        const p = this.edgePoint(from, to, frac(i), 14);
        const chip = el("button", {
          type: "button", class: "chip t-" + m.type + (this.hooks.selected() === m.id ? " selected" : ""),
          "aria-label": `#${m.id} ${t("msg." + m.type)} ${m.from}→${m.to} ${m.ballot}${m.value ? " " + m.value : ""}`,
          title: `#${m.id} ${m.text}`, tabindex: "-1", dataset: { msg: m.id }, "aria-haspopup": "menu",
          onclick: () => this.hooks.chipMenu(m, chip),
        }, `${TYPE_ABBR[m.type] || m.type} ${m.ballot}${m.value ? " " + m.value : m.vote_value ? " ←" + m.vote_value : ""}`);
        chip.style.left = p.x + "px";
        chip.style.top = p.y + "px";
        this.root.append(chip);
        this.chips.set(m.id, chip);
      });
      if (msgs.length > shown.length) {
        const p = this.edgePoint(from, to, Math.min(0.85, frac(shown.length)), 14);
        const more = el("button", { type: "button", class: "chip more", tabindex: "-1", onclick: () => this.hooks.select(msgs[shown.length].id, true) }, `+${msgs.length - shown.length}`);
        more.style.left = p.x + "px";
        more.style.top = p.y + "px";
        this.root.append(more);
        this.chips.set("more" + k, more);
      }
    }
    const defs = document.createElementNS(ns, "defs");
    const marker = document.createElementNS(ns, "marker");
    marker.setAttribute("id", "arrow"); marker.setAttribute("viewBox", "0 0 10 10");
    marker.setAttribute("refX", "9"); marker.setAttribute("refY", "5");
    marker.setAttribute("markerWidth", "7"); marker.setAttribute("markerHeight", "7");
    marker.setAttribute("orient", "auto-start-reverse");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M 0 0 L 10 5 L 0 10 z");
    path.setAttribute("class", "arrowhead");
    marker.append(path);
    defs.append(marker);
    this.svg.prepend(defs);
  }

  // animate moves a dot along each delivered message's wire, and flashes
  // new and lost messages. Nothing runs while the tab is hidden.
  animate(v) {
    for (const d of this.root.querySelectorAll(".flight")) d.remove();
    if (document.hidden || matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    for (const ev of v.last.slice(-12)) {
      if (ev.kind === "deliver" && ev.msg) this.flight(ev.msg.from, ev.msg.to, ev.msg.type, false);
      if (ev.kind === "drop" && ev.msg) this.flight(ev.msg.from, ev.msg.to, ev.msg.type, true);
      for (const s of ev.sent) {
        if (s.fate === "blocked") this.flight(s.msg.from, s.msg.to, s.msg.type, true);
        const chip = this.chips.get(s.msg.id);
        if (chip) chip.classList.add("new");
      }
    }
  }

  flight(from, to, type, lost) {
    const a = this.edgePoint(from, to, 0.2, 6);
    const b = this.edgePoint(from, to, lost ? 0.5 : 0.8, 6);
    if (!a || !b) return;
    const dot = el("span", { class: "flight t-" + type + (lost ? " lost" : ""), "aria-hidden": "true" });
    dot.style.left = a.x + "px";
    dot.style.top = a.y + "px";
    this.root.append(dot);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      dot.style.left = b.x + "px";
      dot.style.top = b.y + "px";
      dot.classList.add("go");
    }));
    setTimeout(() => dot.remove(), 700);
  }
}

// Lamport draws the space-time diagram of the current branch: one lane per
// node, time to the right, an arrow per message from its send to its
// delivery (a cross when lost).
export class Lamport {
  constructor(svg, onPick) {
    this.svg = svg;
    this.onPick = onPick;
  }

  draw(nodes, lines, step, end) {
    const ns = "http://www.w3.org/2000/svg";
    const mk = (tag, attrs, text) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const span = 48;
    const hi = Math.min(end, Math.max(step + 8, span));
    const lo = Math.max(1, hi - span + 1);
    const laneH = 26, left = 44, colW = 22;
    const w = left + (hi - lo + 2) * colW, h = nodes.length * laneH + 24;
    this.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    this.svg.setAttribute("width", w);
    this.svg.setAttribute("height", h);
    this.svg.replaceChildren();
    const lane = new Map(nodes.map((n, i) => [n.name, 14 + i * laneH]));
    const x = (s) => left + (s - lo + 1) * colW;
    nodes.forEach((n) => {
      const y = lane.get(n.name);
      this.svg.append(mk("text", { x: 4, y: y + 4, class: "lane-label" }, n.name));
      this.svg.append(mk("line", { x1: left, y1: y, x2: w - 4, y2: y, class: "lane" }));
    });
    if (step >= lo && step <= hi) this.svg.append(mk("line", { x1: x(step) + colW / 2, y1: 2, x2: x(step) + colW / 2, y2: h - 2, class: "now" }));
    const sentAt = new Map(); // msg id -> {step, from}
    for (const [s, l] of lines) {
      for (const [id, from, , fate] of l.sent || []) sentAt.set(id, { step: s, from, fate });
    }
    for (const [s, l] of lines) {
      if (s < lo || s > hi) continue;
      const future = s > step ? " future" : "";
      if (l.kind === "deliver" && l.id) {
        const src = sentAt.get(l.id);
        const y2 = lane.get(l.n);
        if (src && y2 !== undefined && lane.has(src.from)) {
          const x1 = src.step >= lo ? x(src.step) : left;
          this.svg.append(mk("line", { x1, y1: lane.get(src.from), x2: x(s), y2, class: "msg-arrow" + future, "marker-end": "url(#la)" }));
        }
      }
      for (const [id, from, to, fate] of l.sent || []) {
        if (fate === "blocked" || fate === "lost") {
          const y1 = lane.get(from), y2 = lane.get(to);
          if (y1 === undefined || y2 === undefined) continue;
          const mx = x(s) + colW * 0.6, my = y1 + (y2 - y1) * 0.35;
          this.svg.append(mk("line", { x1: x(s), y1, x2: mx, y2: my, class: "msg-arrow lost" + future }));
          this.svg.append(mk("text", { x: mx - 4, y: my + 4, class: "cross" }, "×"));
        }
      }
      const y = lane.get(l.n);
      if (y !== undefined) {
        const dot = mk("circle", { cx: x(s), cy: y, r: 5, class: "ev k-" + l.kind + future + (s === step ? " cur" : ""), tabindex: "-1" });
        dot.append(mk("title", {}, `${t("ui.step_n", { n: s })}: ${l.a}${l.m ? "  # " + l.m : ""}`));
        dot.addEventListener("click", () => this.onPick(s));
        this.svg.append(dot);
      } else {
        this.svg.append(mk("text", { x: x(s) - 4, y: h - 4, class: "global" + future }, "◆"));
      }
      if (l.kind === "drop" && l.id) {
        const src = sentAt.get(l.id);
        if (src && lane.has(src.from)) this.svg.append(mk("text", { x: x(s) - 4, y: lane.get(src.from) + 4, class: "cross" }, "×"));
      }
    }
    const defs = mk("defs", {});
    const marker = mk("marker", { id: "la", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" });
    marker.append(mk("path", { d: "M0 0L10 5L0 10z", class: "arrowhead" }));
    defs.append(marker);
    this.svg.prepend(defs);
    const wrap = this.svg.parentElement;
    if (wrap && step >= lo) wrap.scrollLeft = Math.max(0, x(step) - wrap.clientWidth + 80);
  }
}
