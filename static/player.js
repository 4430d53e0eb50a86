// The player turns one new state into a paced sequence: for each event of
// the action that led to it (a delivery, a lesson's reveal, "Show me", a
// run) the diagram shows the messages as they were before the event, the
// event's message travels (or is lost), the messages it sent leave their
// sender, and a caption says what happened. A new state, Skip or Escape
// ends the sequence at once; under prefers-reduced-motion (or in a hidden
// tab) there is no sequence, only the end state.
//
// The view carries the final state, the list of events and, for each
// event, the node states it changed (with every node's state before the
// first): after each event the cards show the state after it, the changed
// fields highlighted. The in-flight set before each event is rebuilt here
// from the events (what each event sent and removed), so no protocol state
// is re-derived.

// inflightSets returns, for a view v with events v.last, the in-flight
// list before each event and after the last: sets[i] is the list before
// event i, sets[n] is v.state.inflight.
export function inflightSets(v) {
  const evs = v.last || [];
  const sets = new Array(evs.length + 1);
  let cur = v.state.inflight.slice();
  sets[evs.length] = cur;
  for (let i = evs.length - 1; i >= 0; i--) {
    const ev = evs[i];
    const sent = new Set(ev.sent.filter((s) => s.fate === "inflight").map((s) => s.msg.id));
    const after = new Set(cur.map((m) => m.id));
    const before = cur.filter((m) => !sent.has(m.id));
    if (ev.msg && !after.has(ev.msg.id)) before.push(ev.msg);
    for (const r of ev.removed || []) if (!after.has(r.id)) before.push(r);
    before.sort((a, b) => a.id - b.id);
    sets[i] = before;
    cur = before;
  }
  return sets;
}

export class Player {
  // hooks: {caption(v, i), announce(v, i), changed(v, before, after, names), finish(v, prev), speed() -> ms per event}
  constructor(diagram, hooks) {
    this.d = diagram;
    this.hooks = hooks;
    this.run = null; // the running sequence: {cancelled, wakers, v, prev}
  }

  get playing() { return this.run !== null; }

  // show draws view v, after prev, as a sequence when it should be one.
  show(v, prev, animate) {
    this.skip();
    const evs = v.last || [];
    const motion = animate && prev && evs.length > 0 && !document.hidden && !matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (!motion) {
      this.finish(v, prev);
      return;
    }
    const run = { cancelled: false, wakers: new Set(), v, prev };
    this.run = run;
    document.body.dataset.sequence = "playing";
    this.sequence(run).catch(() => {}).finally(() => {
      if (this.run === run) {
        this.run = null;
        this.finish(v, prev);
      }
    });
  }

  // skip ends the running sequence at once, showing its end state.
  skip() {
    const run = this.run;
    if (!run) return;
    run.cancelled = true;
    this.run = null;
    for (const w of run.wakers) w();
    this.d.stop();
    this.finish(run.v, run.prev);
  }

  finish(v, prev) {
    document.body.dataset.sequence = "idle";
    this.d.stop();
    this.hooks.finish(v, prev);
  }

  sleep(run, ms) {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); run.wakers.delete(done); resolve(); };
      const timer = setTimeout(done, ms);
      run.wakers.add(done);
    });
  }

  async sequence(run) {
    const v = run.v, evs = v.last;
    const sets = inflightSets(v);
    let ms = this.hooks.speed();
    if (v.playing) ms = Math.max(120, Math.min(ms, v.play_ms * 0.7));
    let nodes = v.last_before && v.last_before.length ? v.last_before : run.prev.state.nodes;
    this.d.drawCards(nodes, v);
    this.d.drawMessages(sets[0], { instant: true });
    for (let i = 0; i < evs.length; i++) {
      if (run.cancelled) return;
      const ev = evs[i];
      this.hooks.caption(v, i);
      this.hooks.announce?.(v, i);
      if (ev.node) this.d.pulse(ev.node);
      const after = new Set(sets[i + 1].map((m) => m.id));
      const going = [];
      if (ev.msg && !after.has(ev.msg.id)) going.push(ev.kind === "drop" ? this.d.drop(ev.msg, ms) : this.d.deliver(ev.msg, ms));
      for (const r of ev.removed || []) going.push(this.d.cut(r, ms, false));
      await Promise.all(going);
      if (run.cancelled) return;
      if (ev.nodes && ev.nodes.length) {
        // The receiving node (and any other the event changed) now shows
        // its state after the event, the changed fields highlighted.
        const before = nodes;
        const next = new Map(ev.nodes.map((n) => [n.name, n]));
        nodes = nodes.map((n) => next.get(n.name) || n);
        this.d.drawCards(nodes, v);
        this.d.drawMessages(sets[i].filter((m) => after.has(m.id)), { instant: true });
        if (ev.node) this.d.pulse(ev.node);
        this.hooks.changed?.(v, before, nodes, [...next.keys()]);
      }
      const enter = new Map();
      const lost = [];
      for (const s of ev.sent) {
        if (s.fate === "inflight") enter.set(s.msg.id, ev.kind === "dup" ? "dup" : "send");
        else if (s.fate === "blocked") lost.push(this.d.cut(s.msg, ms, true));
        else if (s.fate === "lost") lost.push(this.d.lose(s.msg, ms));
      }
      this.d.drawMessages(sets[i + 1], { enter, dupOf: ev.kind === "dup" && ev.msg ? ev.msg.id : null, ms });
      await Promise.all([...lost, this.sleep(run, enter.size || lost.length ? ms : ms / 3)]);
      if (run.cancelled) return;
      if (i + 1 < evs.length) await this.sleep(run, ms * 0.6);
    }
  }
}
