// The cluster diagram: node cards placed in columns (proposers, acceptors,
// learners) or on a ring (servers), one wire per directed pair that has
// messages in flight, and a chip per message sitting on its wire. Chips are
// placed so that they never overlap one another or a card. Messages are
// objects that travel: the player (player.js) asks the diagram to move a
// chip from its sender to its wire, from its wire to its receiver, or to
// lose it (drop, partition, full network) — each loss looks different.
// Everything is generic over message types: a type's colour comes from CSS
// (.t-<type>), its name from the translation table (msg.<type>).
import { t, el } from "./common.js";

// msgName is the name of a message type, the same on chips and in the list.
export function msgName(type) {
  const k = "msg." + type;
  const s = t(k);
  return s === k ? type : s;
}

// msgLabel is a chip's text: the type's name, its ballot and value.
export function msgLabel(m) {
  let s = msgName(m.type);
  if (m.ballot) s += " " + m.ballot;
  if (m.value) s += " " + m.value;
  else if (m.vote_value) s += " ←" + m.vote_value;
  return s;
}

const ARROWS = ["→", "↘", "↓", "↙", "←", "↖", "↑", "↗"];
// arrowFor is the arrow glyph closest to the direction (dx, dy) (y down).
function arrowFor(dx, dy) {
  const a = Math.atan2(dy, dx); // -pi..pi, 0 = right, pi/2 = down
  return ARROWS[((Math.round(a / (Math.PI / 4)) % 8) + 8) % 8];
}

const SVGNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// clip returns where the segment from the centre of rect r towards p
// leaves r.
function clipToRect(c, p, r, pad) {
  const dx = p.x - c.x, dy = p.y - c.y;
  const hw = r.w / 2 + pad, hh = r.h / 2 + pad;
  const s = Math.min(dx ? hw / Math.abs(dx) : Infinity, dy ? hh / Math.abs(dy) : Infinity, 1);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

const reduced = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

// MAX_PER_WIRE chips are drawn on one wire; the rest are one "+k" chip.
const MAX_PER_WIRE = 3;
// projectedMinPx is the smallest text (px) the diagram shrinks to when it
// fits a cluster to a projector's screen: readable from the back row.
const projectedMinPx = 24.3;

export class Diagram {
  constructor(root, svgEl, nodesEl, hooks) {
    this.root = root;
    this.svg = svgEl;
    this.nodesEl = nodesEl;
    this.hooks = hooks; // {nodeCard(node, view), select(id, focus), selected(), chipMenu(m, chip)}
    this.pos = new Map(); // node name -> {x, y} (card centre)
    this.rects = new Map(); // node name -> {x, y, w, h}
    this.cards = new Map();
    this.chips = new Map(); // msg id -> {el, x, y, m}
    this.wireGeo = new Map(); // "from>to" -> {a, b} clipped wire ends
    this.ghosts = [];
    this.anims = new Set();
    this.view = null;
    this.inflight = [];
    this.nodes = [];
    this.h = 0;
    this.lastW = 0;
    new ResizeObserver(() => {
      const w = root.clientWidth;
      if (this.nodes.length && w !== this.lastW && !(this.hooks.busy ? this.hooks.busy() : false)) this.relayout();
    }).observe(root);
  }

  // drawCards rebuilds the node cards for view v (with nodes, which may be
  // an earlier state's while a sequence plays) and lays them out.
  drawCards(nodes, v) {
    this.view = v;
    this.nodes = nodes;
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
    this.layoutToFit(nodes);
    for (const nd of nodes) {
      const card = this.cards.get(nd.name);
      const r = this.rects.get(nd.name);
      card.style.left = r.x + "px";
      card.style.top = r.y + "px";
      card.style.visibility = "";
    }
    if (focused) {
      const card = this.cards.get(focused);
      const ctl = focusedCtl && card?.querySelector(`[data-ctl="${focusedCtl}"]`);
      (ctl || card)?.focus({ preventScroll: true });
    }
  }

  relayout() {
    this.drawCards(this.nodes, this.view);
    this.drawMessages(this.inflight, { instant: true });
  }

  // chipSize measures a chip with text s (cached per text).
  chipSize(s, type) {
    const probe = el("span", { class: "chip t-" + type, "aria-hidden": "true" }, s);
    probe.style.visibility = "hidden";
    this.root.append(probe);
    const size = { w: probe.offsetWidth, h: probe.offsetHeight };
    probe.remove();
    return size;
  }

  layout(nodes) {
    const w = Math.max(200, this.root.clientWidth || 800);
    this.lastW = this.root.clientWidth;
    this.root.dataset.w = String(this.lastW); // the width the layout is for
    const M = 6;
    const sizes = new Map(nodes.map((nd) => { const c = this.cards.get(nd.name); return [nd.name, { w: c.offsetWidth || 200, h: c.offsetHeight || 120 }]; }));
    const cardW = Math.max(...[...sizes.values()].map((s) => s.w), 100);
    const cardH = Math.max(...[...sizes.values()].map((s) => s.h), 60);
    const probe = this.chipSize("prepare 1.1 →", "prepare");
    const chipH = probe.h || 24;
    const gapH = Math.max(2 * chipH + 20, probe.w + 24); // room for a chip between columns
    const G = 2 * chipH + 20; // room between cards for two rows of chips
    const servers = nodes.length && nodes.every((nd) => nd.role === nodes[0].role) && nodes[0].role === "server";
    const pos = new Map();
    let h = 0;
    const fits = (cands) => {
      const rs = nodes.map((nd) => { const p = cands.get(nd.name), z = sizes.get(nd.name); return { x: p.x - z.w / 2 - G / 4, y: p.y - z.h / 2 - G / 4, w: z.w + G / 2, h: z.h + G / 2 }; });
      for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) if (overlaps(rs[i], rs[j])) return false;
      return true;
    };
    const grid = (list, cols) => {
      // Rows of cols cards; with one column, cards zigzag left and right so
      // that wires between them run beside the cards, not under them.
      const rows = Math.ceil(list.length / cols);
      const cellW = (w - 2 * M) / cols;
      list.forEach((nd, i) => {
        const r = Math.floor(i / cols), c = i % cols;
        let x = M + cellW * c + cellW / 2;
        if (cols === 1 && list.length > 1) x = i % 2 ? w - M - cardW / 2 : M + cardW / 2;
        pos.set(nd.name, { x, y: M + cardH / 2 + r * (cardH + G) });
      });
      return 2 * M + rows * cardH + (rows - 1) * G;
    };
    if (servers) {
      const n = nodes.length;
      const rx = w / 2 - cardW / 2 - M;
      let done = false;
      if (n === 1) {
        pos.set(nodes[0].name, { x: w / 2, y: M + cardH / 2 });
        h = cardH + 2 * M;
        done = true;
      }
      for (let ry = 24; !done && rx > 0 && ry < 1600; ry += 8) {
        const cands = new Map();
        nodes.forEach((nd, i) => {
          const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
          cands.set(nd.name, { x: w / 2 + rx * Math.cos(a), y: M + cardH / 2 + ry + ry * Math.sin(a) });
        });
        if (fits(cands)) {
          // Start at the top of the highest card, end at the lowest's bottom.
          const top = Math.min(...nodes.map((nd) => cands.get(nd.name).y - sizes.get(nd.name).h / 2));
          for (const [k, p] of cands) pos.set(k, { x: p.x, y: p.y - top + M });
          h = Math.max(...nodes.map((nd) => pos.get(nd.name).y + sizes.get(nd.name).h / 2)) + M;
          done = true;
        }
      }
      if (!done) h = grid(nodes, Math.max(1, Math.floor((w - 2 * M + 16) / (cardW + 16))));
    } else {
      const cols = {};
      const order = [];
      for (const nd of nodes) {
        if (!cols[nd.role]) { cols[nd.role] = []; order.push(nd.role); }
        cols[nd.role].push(nd);
      }
      const known = ["proposer", "acceptor", "learner"].filter((r) => cols[r]);
      const roles = [...known, ...order.filter((r) => !known.includes(r))];
      // A column stacks its cards (each its own height) with room for a
      // row of chips between them, centred against the tallest column.
      const gapV = G * 0.6;
      const colH = (list) => list.reduce((s, nd) => s + sizes.get(nd.name).h, 0) + Math.max(0, list.length - 1) * gapV;
      const place = (list, x, total) => {
        let y = M + (total - colH(list)) / 2;
        for (const nd of list) {
          const hh = sizes.get(nd.name).h;
          pos.set(nd.name, { x, y: y + hh / 2 });
          y += hh + gapV;
        }
      };
      const need = (k) => k * cardW + (k - 1) * gapH + 2 * M;
      const needTight = (k) => k * cardW + (k - 1) * 16 + 2 * M;
      // On a projector the cluster must fit the screen: a role whose column
      // is taller than the room left below the diagram's top is split into
      // side-by-side columns (s1..s3 | s4..s6) while the width allows.
      const split = this.projectorColumns(roles.map((r) => cols[r]), colH, (k) => w >= needTight(k) + (k - 1) * Math.min(gapH, 2 * chipH + 20));
      if (split) {
        const total = Math.max(...split.map(colH));
        const k = split.length;
        split.forEach((list, i) => place(list, M + cardW / 2 + (i * (w - 2 * M - cardW)) / (k - 1), total));
        h = total + 2 * M;
      } else if (w >= need(roles.length)) {
        // One column per role: proposers → acceptors → learners.
        const total = Math.max(...roles.map((r) => colH(cols[r])));
        const k = roles.length;
        roles.forEach((r, i) => place(cols[r], k === 1 ? w / 2 : M + cardW / 2 + (i * (w - 2 * M - cardW)) / (k - 1), total));
        h = total + 2 * M;
      } else if (w >= needTight(2)) {
        // Two columns: proposers on the left, acceptors on the right, and
        // each other role under the shorter of the two.
        const left = [...(cols.proposer || [])];
        const right = [...(cols.acceptor || [])];
        for (const r of roles) {
          if (r === "proposer" || r === "acceptor") continue;
          (colH(left) <= colH(right) ? left : right).push(...cols[r]);
        }
        const total = Math.max(colH(left), colH(right));
        place(left, M + cardW / 2, total);
        place(right, w - M - cardW / 2, total);
        h = total + 2 * M;
      } else {
        h = grid(roles.flatMap((r) => cols[r]), 1);
      }
    }
    this.pos = pos;
    this.rects.clear();
    for (const nd of nodes) {
      const p = pos.get(nd.name), s = sizes.get(nd.name);
      this.rects.set(nd.name, { x: p.x - s.w / 2, y: p.y - s.h / 2, w: s.w, h: s.h });
    }
    this.w = w;
    this.baseH = Math.ceil(h);
    this.setHeight(this.baseH);
  }

  // layoutToFit lays out nodes; in projector mode, when the cluster is
  // taller than the screen's room for it, it shrinks the diagram's text
  // (--fit) as far as its smallest text (a card's, .9em) stays
  // projectedMinPx, the back row's minimum, and lays out again.
  layoutToFit(nodes) {
    this.root.style.removeProperty("--fit");
    this.layout(nodes);
    // (Text the viewer made larger with A+ is not shrunk back.)
    const scale = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--scale")) || 1;
    if (!document.body.classList.contains("big") || scale > 1) return;
    const font = parseFloat(getComputedStyle(this.root).fontSize);
    const floor = Math.min(1, projectedMinPx / 0.9 / font);
    let fit = 1;
    for (let i = 0; i < 4 && this.baseH > this.room() && fit > floor; i++) {
      fit = Math.max(floor, (fit * this.room()) / this.baseH);
      this.root.style.setProperty("--fit", String(fit));
      this.layout(nodes);
    }
  }

  // room is the height the screen leaves the diagram below its top, less
  // the controls the stage shows under it (the partition bar, the legend)
  // and the page's margin. (A protocol's panels below may scroll: the
  // cluster is what must be on the screen.)
  room() {
    const stage = this.root.closest(".stage");
    let below = 16;
    for (const e of stage ? stage.querySelectorAll(":scope > .partition-bar, :scope > .legend") : []) {
      if (e.getClientRects().length) below += e.getBoundingClientRect().height + 12;
    }
    return innerHeight - (this.root.getBoundingClientRect().top + window.scrollY) - below;
  }

  // projectorColumns splits the tallest of columns (lists of nodes) in
  // projector mode while one is taller than the screen's room for the
  // diagram and widthOK(number of columns) holds; null when no split is
  // needed or none fits.
  projectorColumns(columns, colH, widthOK) {
    if (!document.body.classList.contains("big")) return null;
    const room = this.room();
    let cols = columns.map((c) => [...c]);
    let changed = false;
    for (;;) {
      const tallest = cols.reduce((a, c) => (colH(c) > colH(a) ? c : a), cols[0]);
      if (colH(tallest) <= room || tallest.length < 2) break;
      if (!widthOK(cols.length + 1)) break;
      const half = Math.ceil(tallest.length / 2);
      const i = cols.indexOf(tallest);
      cols.splice(i, 1, tallest.slice(0, half), tallest.slice(half));
      changed = true;
    }
    return changed && cols.length > 1 ? cols : null;
  }

  setHeight(h) {
    this.h = h;
    this.root.style.height = h + "px";
    this.svg.setAttribute("viewBox", `0 0 ${this.w} ${h}`);
    this.svg.setAttribute("width", this.w);
    this.svg.setAttribute("height", h);
  }

  // wire returns the ends of the directed wire from -> to, clipped to the
  // cards' edges and moved a little to the right of the direction of
  // travel, so that the two directions between a pair are two wires.
  wire(from, to) {
    const ra = this.rects.get(from), rb = this.rects.get(to);
    if (!ra || !rb) return null;
    const ca = { x: ra.x + ra.w / 2, y: ra.y + ra.h / 2 }, cb = { x: rb.x + rb.w / 2, y: rb.y + rb.h / 2 };
    const dx = cb.x - ca.x, dy = cb.y - ca.y, len = Math.hypot(dx, dy) || 1;
    const n = { x: -dy / len, y: dx / len };
    const off = 7;
    const a0 = { x: ca.x + n.x * off, y: ca.y + n.y * off }, b0 = { x: cb.x + n.x * off, y: cb.y + n.y * off };
    const a = clipToRect(a0, b0, ra, 3), b = clipToRect(b0, a0, rb, 3);
    return { a, b, n, dx, dy, ca, cb };
  }

  // drawMessages draws wires and chips for the in-flight list msgs. Chips
  // that were on the screen before glide to their new places unless
  // opts.instant; opts.enter maps a message id to how it arrives ("send":
  // from its sender's card, "dup": out of the message it copies).
  drawMessages(msgs, opts = {}) {
    this.inflight = msgs;
    const old = new Map([...this.chips].map(([id, c]) => [id, { x: c.x, y: c.y }]));
    for (const c of this.chips.values()) c.el.remove();
    this.chips.clear();
    this.svg.replaceChildren();
    this.setHeight(this.baseH);
    const groups = new Map();
    for (const m of msgs) {
      const k = m.from + ">" + m.to;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(m);
    }
    const obstacles = [...this.rects.values()].map((r) => ({ x: r.x - 3, y: r.y - 3, w: r.w + 6, h: r.h + 6 }));
    const placed = [];
    const overflow = [];
    const wiresLayer = svg("g", { class: "wire-layer" });
    const leaders = svg("g", { class: "leader-layer" });
    this.svg.append(wiresLayer, leaders);
    const keys = [...groups.keys()].sort((x, y) => groups.get(x)[0].id - groups.get(y)[0].id);
    for (const k of keys) {
      const list = groups.get(k);
      const [from, to] = k.split(">");
      const g = this.wire(from, to);
      if (!g) continue;
      const type = list[list.length - 1].type;
      const blocked = list.every((m) => m.blocked);
      wiresLayer.append(svg("line", { x1: g.a.x, y1: g.a.y, x2: g.b.x, y2: g.b.y, class: `wire t-${type}` + (blocked ? " blocked" : "") }));
      const ang = Math.atan2(g.b.y - g.a.y, g.b.x - g.a.x);
      const L = 11, W = 6;
      const tip = g.b, back = { x: tip.x - L * Math.cos(ang), y: tip.y - L * Math.sin(ang) };
      wiresLayer.append(svg("polygon", {
        points: `${tip.x},${tip.y} ${back.x - W * Math.sin(ang)},${back.y + W * Math.cos(ang)} ${back.x + W * Math.sin(ang)},${back.y - W * Math.cos(ang)}`,
        class: `wire-head t-${type}`,
      }));
      const shown = list.length > MAX_PER_WIRE + 1 ? list.slice(0, MAX_PER_WIRE) : list;
      const items = shown.map((m) => ({ m, text: `${msgLabel(m)} ${arrowFor(g.dx, g.dy)}` }));
      if (shown.length < list.length) items.push({ more: list.slice(shown.length), text: `+${list.length - shown.length} ${arrowFor(g.dx, g.dy)}` });
      items.forEach((it, i) => {
        const type = it.m ? it.m.type : it.more[0].type;
        const size = this.chipSize(it.text, type);
        const want = (i + 1) / (items.length + 1);
        const spot = this.findSpot(g, size, want, obstacles, placed);
        if (spot) {
          placed.push(spot.rect);
          this.addChip(it, type, spot, g, old, opts, leaders);
        } else overflow.push({ it, type, size, g });
      });
    }
    // Chips that found no free place on or near their wire go in a tray
    // under the cards, joined to their wire by a thin leader line.
    if (overflow.length) {
      let x = 6, y = this.baseH + 10, rowH = 0;
      for (const o of overflow) {
        if (x + o.size.w > this.w - 6 && x > 6) { x = 6; y += rowH + 6; rowH = 0; }
        const rect = { x, y, w: o.size.w, h: o.size.h };
        const spot = { x: x + o.size.w / 2, y: y + o.size.h / 2, rect, leader: true };
        placed.push(rect);
        this.addChip(o.it, o.type, spot, o.g, old, opts, leaders);
        x += o.size.w + 6;
        rowH = Math.max(rowH, o.size.h);
      }
      this.setHeight(y + rowH + 8);
    }
    this.placed = placed;
  }

  // findSpot returns a free place for a chip of size near fraction want of
  // wire g: on the wire first, then in lanes beside it (on the right of
  // the direction of travel), then anywhere near its middle.
  findSpot(g, size, want, obstacles, placed) {
    const len = Math.hypot(g.b.x - g.a.x, g.b.y - g.a.y) || 1;
    const ux = (g.b.x - g.a.x) / len, uy = (g.b.y - g.a.y) / len;
    const free = (cx, cy) => {
      const r = { x: cx - size.w / 2 - 2, y: cy - size.h / 2 - 2, w: size.w + 4, h: size.h + 4 };
      if (r.x < 0 || r.y < 0 || r.x + r.w > this.w || r.y + r.h > this.baseH) return null;
      for (const o of obstacles) if (overlaps(r, o)) return null;
      for (const o of placed) if (overlaps(r, o)) return null;
      return r;
    };
    const step = 10;
    const lanes = [0, 1, -1, 2, -2, 3];
    const d0 = want * len;
    for (const lane of lanes) {
      const off = lane * (size.h + 4);
      for (let k = 0; k * step <= len; k++) {
        for (const sgn of k ? [1, -1] : [1]) {
          const d = d0 + sgn * k * step;
          if (d < 0 || d > len) continue;
          const cx = g.a.x + ux * d + g.n.x * off, cy = g.a.y + uy * d + g.n.y * off;
          const r = free(cx, cy);
          if (r) return { x: cx, y: cy, rect: r, leader: lane !== 0 && Math.abs(off) > size.h };
        }
      }
    }
    // Anywhere: a spiral around the wire's middle.
    const mx = g.a.x + ux * d0, my = g.a.y + uy * d0;
    for (let rad = 12; rad < Math.max(this.w, this.baseH); rad += 12) {
      for (let s = 0; s < 16; s++) {
        const a = (s / 16) * 2 * Math.PI;
        const cx = mx + rad * Math.cos(a), cy = my + rad * Math.sin(a);
        const r = free(cx, cy);
        if (r) return { x: cx, y: cy, rect: r, leader: true };
      }
    }
    return null;
  }

  addChip(it, type, spot, g, old, opts, leaders) {
    if (spot.leader) {
      // A thin line from the chip to the nearest point of its wire.
      const len = Math.hypot(g.b.x - g.a.x, g.b.y - g.a.y) || 1;
      const ux = (g.b.x - g.a.x) / len, uy = (g.b.y - g.a.y) / len;
      const d = Math.max(0, Math.min(len, (spot.x - g.a.x) * ux + (spot.y - g.a.y) * uy));
      leaders.append(svg("line", { x1: spot.x, y1: spot.y, x2: g.a.x + ux * d, y2: g.a.y + uy * d, class: "leader t-" + type }));
    }
    let chip;
    if (it.m) {
      const m = it.m;
      chip = el("button", {
        type: "button", class: "chip t-" + type + (this.hooks.selected() === m.id ? " selected" : "") + (m.blocked ? " blocked" : ""),
        "aria-label": `#${m.id} ${msgName(m.type)} ${m.from}→${m.to} ${m.ballot || ""}${m.value ? " " + m.value : ""}`,
        title: `#${m.id} ${m.text}`, tabindex: "-1", dataset: { msg: m.id, from: m.from, to: m.to }, "aria-haspopup": "menu",
        onclick: () => this.hooks.chipMenu(m, chip),
      }, it.text);
    } else {
      chip = el("button", { type: "button", class: "chip more t-" + type, tabindex: "-1", dataset: { more: it.more.length },
        "aria-label": `+${it.more.length}`, onclick: () => this.hooks.select(it.more[0].id, true) }, it.text);
    }
    chip.style.left = spot.x + "px";
    chip.style.top = spot.y + "px";
    this.root.append(chip);
    const id = it.m ? it.m.id : "more" + it.more[0].id;
    this.chips.set(id, { el: chip, x: spot.x, y: spot.y, m: it.m });
    if (opts.instant || reduced()) return;
    const enter = it.m && opts.enter && opts.enter.get(it.m.id);
    let from = old.get(id);
    if (enter === "send") {
      const r = this.rects.get(it.m.from);
      if (r) from = { x: r.x + r.w / 2, y: r.y + r.h / 2 };
    } else if (enter === "dup") {
      const src = opts.dupOf && old.get(opts.dupOf);
      if (src) from = src;
      chip.classList.add("dup-new");
    }
    if (from && (from.x !== spot.x || from.y !== spot.y)) {
      chip.classList.add("travelling");
      this.move(chip, from, spot, opts.ms || 300).finally(() => chip.classList.remove("travelling"));
    }
  }

  // move animates el's left/top from a to b; the promise settles when it
  // ends or is cancelled.
  move(elem, a, b, ms, extra) {
    const frames = [{ left: a.x + "px", top: a.y + "px", ...(extra ? extra[0] : {}) }, { left: b.x + "px", top: b.y + "px", ...(extra ? extra[1] : {}) }];
    const anim = elem.animate(frames, { duration: ms, easing: "ease-in-out", fill: "forwards" });
    this.anims.add(anim);
    return anim.finished.catch(() => {}).finally(() => this.anims.delete(anim));
  }

  // ghost makes a stand-in for a message that is leaving (travelling to
  // its receiver, or being lost) at p.
  ghost(m, p, cls) {
    const g = el("span", { class: `chip ghost t-${m.type} ${cls}`, "aria-hidden": "true", dataset: { msg: m.id } }, msgLabel(m));
    g.style.left = p.x + "px";
    g.style.top = p.y + "px";
    this.root.append(g);
    this.ghosts.push(g);
    return g;
  }

  centre(name) {
    const r = this.rects.get(name);
    return r ? { x: r.x + r.w / 2, y: r.y + r.h / 2 } : null;
  }

  // spotOf is where message m sits now (its chip, or the middle of its
  // wire when it is folded into a "+k" chip or not drawn).
  spotOf(m) {
    const c = this.chips.get(m.id);
    if (c) return { x: c.x, y: c.y };
    const g = this.wire(m.from, m.to);
    if (!g) return this.centre(m.from);
    return { x: (g.a.x + g.b.x) / 2, y: (g.a.y + g.b.y) / 2 };
  }

  // deliver: the message's chip travels from its wire into its receiver.
  deliver(m, ms) {
    const from = this.spotOf(m);
    const to = this.centre(m.to);
    this.chips.get(m.id)?.el.remove();
    this.chips.delete(m.id);
    if (!from || !to) return Promise.resolve();
    const g = this.ghost(m, from, "travelling delivering");
    this.cards.get(m.to)?.classList.add("receiving");
    return this.move(g, from, to, ms, [{ opacity: 1 }, { opacity: 0.35 }]).then(() => g.remove());
  }

  // drop: the network loses the message where it is: it turns red, is
  // struck through and falls.
  drop(m, ms) {
    const from = this.spotOf(m);
    this.chips.get(m.id)?.el.remove();
    this.chips.delete(m.id);
    if (!from) return Promise.resolve();
    const g = this.ghost(m, from, "dropped");
    g.append(el("span", { class: "fate-mark" }, " ✗"));
    return this.move(g, from, { x: from.x, y: from.y + 40 }, ms, [{ opacity: 1 }, { opacity: 0 }]).then(() => g.remove());
  }

  // cut: a message lost at the partition travels from its sender (or its
  // wire) to the middle of the wire and stops there, against the cut.
  cut(m, ms, fromSender) {
    const g0 = this.wire(m.from, m.to);
    const mid = g0 ? { x: (g0.a.x + g0.b.x) / 2, y: (g0.a.y + g0.b.y) / 2 } : this.centre(m.from);
    const from = fromSender ? (g0 ? g0.a : this.centre(m.from)) : this.spotOf(m);
    this.chips.get(m.id)?.el.remove();
    this.chips.delete(m.id);
    if (!from || !mid) return Promise.resolve();
    const g = this.ghost(m, from, "cut");
    g.append(el("span", { class: "fate-mark" }, " ✂"));
    const wall = el("span", { class: "partition-wall", "aria-hidden": "true" });
    wall.style.left = mid.x + "px";
    wall.style.top = mid.y + "px";
    if (g0) wall.style.transform = `translate(-50%, -50%) rotate(${Math.atan2(g0.b.y - g0.a.y, g0.b.x - g0.a.x)}rad)`;
    this.root.append(wall);
    this.ghosts.push(wall);
    return this.move(g, from, mid, ms * 0.7).then(() => this.move(g, mid, mid, ms * 0.5, [{ opacity: 1 }, { opacity: 0 }])).then(() => { g.remove(); wall.remove(); });
  }

  // lose: a message the full network never took: it fades at its sender.
  lose(m, ms) {
    const c = this.centre(m.from);
    if (!c) return Promise.resolve();
    const g = this.ghost(m, c, "lost");
    g.append(el("span", { class: "fate-mark" }, " ∅"));
    return this.move(g, c, { x: c.x, y: c.y - 30 }, ms, [{ opacity: 1 }, { opacity: 0 }]).then(() => g.remove());
  }

  // pulse marks a card where an event happens.
  pulse(name) {
    this.cards.get(name)?.classList.add("receiving");
  }

  // stop ends every animation at once (skip to the end).
  stop() {
    for (const a of [...this.anims]) a.cancel();
    this.anims.clear();
    for (const g of this.ghosts) g.remove();
    this.ghosts = [];
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
    const mk = (tag, attrs, text) => {
      const e = document.createElementNS(SVGNS, tag);
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
    // Lane labels stay at the left edge however far the diagram scrolls.
    const labels = mk("g", { class: "lane-labels" });
    labels.append(mk("rect", { x: 0, y: 0, width: left - 4, height: h }));
    nodes.forEach((n) => {
      const y = lane.get(n.name);
      labels.append(mk("text", { x: 4, y: y + 4, class: "lane-label" }, n.name));
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
          const type = l.m ? l.m.split(" ")[0] : "";
          this.svg.append(mk("line", { x1, y1: lane.get(src.from), x2: x(s), y2, class: "msg-arrow" + (type ? " t-" + type : "") + future, "marker-end": "url(#la)" }));
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
    this.svg.append(labels);
    const wrap = this.svg.parentElement;
    if (wrap && step >= lo) wrap.scrollLeft = Math.max(0, x(step) - wrap.clientWidth + 80);
    const stick = () => labels.setAttribute("transform", `translate(${wrap ? wrap.scrollLeft : 0},0)`);
    stick();
    if (wrap && !wrap.dataset.sticky) { wrap.dataset.sticky = "1"; wrap.addEventListener("scroll", () => this.svg.querySelector(".lane-labels")?.setAttribute("transform", `translate(${wrap.scrollLeft},0)`)); }
  }
}
