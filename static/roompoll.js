// The value poll in each protocol's terms (web/roompoll.go): the question
// names the slot (Multi-Paxos) or log index (Raft) it asks about, a
// student's answer names it too (so a page still showing an earlier poll
// cannot answer this one), and once revealed the god's-eye result is
// marked among the choices.
import { t, el } from "./common.js";

// The choice a slot or entry poll offers for "a command or entry in no
// log or message yet" (roompoll.go's choiceOther).
const OTHER = "…";

export function pollQuestionText(p) {
  return t("room.q_" + p.kind, { k: p.slot });
}

export function choiceText(c) {
  return c === OTHER ? t("room.choice_other") : c;
}

export function answerVerb(p, i) {
  return `answer ${i + 1}` + (p.slot ? ` slot=${p.slot}` : "");
}

// markResult marks the revealed poll's result among its choices' list
// items and returns the line that says what the cluster did.
export function markResult(p, items) {
  if (!p.revealed || !["value", "slot", "entry"].includes(p.kind)) return null;
  if (!p.result) return el("p", { class: "hint poll-result pending", id: "poll-result" }, t("room.result_pending"));
  // The result is the god's-eye text; when it is none of the choices, the
  // "none of these" choice (if the poll has one) was right.
  let k = p.choices.indexOf(p.result);
  if (k < 0 && p.result !== "!") k = p.choices.indexOf(OTHER);
  if (k >= 0 && items[k]) {
    items[k].classList.add("outcome");
    items[k].append(el("span", { class: "outcome-mark" }, "✓ " + t("room.result_mark")));
  }
  const key = p.result === "!" ? "room.result_many" : "room.result_" + p.kind;
  return el("p", { class: "poll-result", id: "poll-result", dataset: { result: p.result } }, t(key, { k: p.slot, v: choiceText(p.result) }));
}
