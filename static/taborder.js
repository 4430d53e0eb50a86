// Tab follows the layout. The workspace's regions (lesson, controls,
// cluster, messages, log, Lamport diagram) are grid items placed by
// grid-template-areas, which differ by width and in projector mode: on a
// narrow window the toolbar sits below the messages, in projector mode
// right of the cluster. Focus (and a screen reader) follows the document
// order, so the regions are put in the order they are laid out: top to
// bottom, left to right on one row. Moving a grid item does not move it on
// the screen: its grid-area places it.

const areas = { "lesson-panel": "lesson", controls: "controls", stage: "stage", side: "side", log: "log", lamport: "lamport" };

// layoutOrder is the rank of each grid area in reading order: the rows of
// grid-template-areas top to bottom, each left to right, an area ranked
// where it first appears.
function layoutOrder(main) {
  const rank = new Map();
  const rows = getComputedStyle(main).gridTemplateAreas.match(/"[^"]*"/g) || [];
  for (const row of rows) {
    for (const name of row.slice(1, -1).trim().split(/\s+/)) {
      if (!rank.has(name)) rank.set(name, rank.size);
    }
  }
  return rank;
}

function reorder(main) {
  const rank = layoutOrder(main);
  const area = (e) => areas[[...e.classList].find((c) => c in areas)];
  const items = [...main.children].filter((e) => rank.has(area(e)));
  const want = [...items].sort((a, b) => rank.get(area(a)) - rank.get(area(b)));
  if (want.every((e, i) => e === items[i])) return;
  const focused = document.activeElement;
  for (const e of want) main.append(e);
  if (focused && focused !== document.activeElement && main.contains(focused)) focused.focus({ preventScroll: true });
}

// followLayout keeps main's regions in layout order as the window's
// width and the body's classes (projector mode) change.
export function followLayout(main) {
  if (!main) return;
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; reorder(main); });
  };
  reorder(main);
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.body, { attributes: true, attributeFilter: ["class"] });
}
