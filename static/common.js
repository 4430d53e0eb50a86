// Shared by every page: translation, text size, help dialog, language.

const tableEl = document.getElementById("i18n");
const table = tableEl ? JSON.parse(tableEl.textContent) : {};

// t returns the text for key, with {name} placeholders filled from args.
export function t(key, args) {
  let s = table[key];
  if (s === undefined) s = key;
  if (!args) return s;
  return s.replace(/\{([a-z0-9_]+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
}

export const lang = document.body.dataset.lang || "en";

// el builds an element: el("button", {class: "x", onclick: f}, "text", child).
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "class") e.className = v;
      else if (k === "dataset") Object.assign(e.dataset, v);
      else if (v === true) e.setAttribute(k, "");
      else e.setAttribute(k, String(v));
    }
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// Text size, kept across pages.
const SIZE_KEY = "paxviz.scale";
export function applyScale(delta) {
  let s = parseFloat(localStorage.getItem(SIZE_KEY) || "1");
  if (!(s > 0)) s = 1;
  if (delta) s = Math.min(2.2, Math.max(0.7, Math.round((s + delta) * 10) / 10));
  localStorage.setItem(SIZE_KEY, String(s));
  document.documentElement.style.setProperty("--scale", String(s));
  return s;
}
applyScale(0);

export function isTyping(e) {
  const tag = (e.target && e.target.tagName) || "";
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (e.target && e.target.isContentEditable);
}

const help = document.getElementById("help");
export function toggleHelp() {
  if (!help) return;
  if (help.open) help.close();
  else help.showModal();
}

export function switchLang() {
  const other = lang === "zh" ? "en" : "zh";
  const u = new URL(location.href);
  u.searchParams.set("lang", other);
  location.href = u.toString();
}

document.getElementById("btn-smaller")?.addEventListener("click", () => applyScale(-0.1));
document.getElementById("btn-bigger")?.addEventListener("click", () => applyScale(0.1));
document.getElementById("btn-help")?.addEventListener("click", toggleHelp);

// Page-wide keys every page shares.
export function commonKeys(e) {
  if (e.key === "?") { toggleHelp(); return true; }
  if (e.key === "+" || e.key === "=") { applyScale(0.1); return true; }
  if (e.key === "-" || e.key === "_") { applyScale(-0.1); return true; }
  if (e.key === "l") { switchLang(); return true; }
  if (e.key === "i" && document.getElementById("btn-big")) { toggleBig(); return true; }
  return false;
}

// Projector (instructor) mode: large text, the cluster first, no clutter.
export function setBig(on) {
  document.body.classList.toggle("big", on);
  for (const b of document.querySelectorAll("#btn-big, #lesson-big")) b.setAttribute("aria-pressed", on ? "true" : "false");
  localStorage.setItem("paxviz.instructor", on ? "1" : "0");
  window.dispatchEvent(new Event("resize"));
}
export function toggleBig() { setBig(!document.body.classList.contains("big")); }
if (document.body.dataset.page === "sandbox" || document.body.dataset.page === "lesson") {
  if (localStorage.getItem("paxviz.instructor") === "1" || new URL(location.href).searchParams.get("big") === "1") setBig(true);
}
document.getElementById("btn-big")?.addEventListener("click", toggleBig);
