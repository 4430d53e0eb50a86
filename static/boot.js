// A classic (not module) script loaded first in <head>: until app.js has
// run, window.paxviz answers with the page's initial view (or an empty
// one), so that nothing polling the page between navigation and the
// modules' start trips over an undefined object.
(function () {
  if (window.paxviz) return;
  var empty = { session: "", seq: 0, step: -1, end: -1, branch: -1, last: [], branches: [], lesson: {},
    state: { nodes: [], inflight: [], chosen: [], violations: [] } };
  window.paxviz = {
    booting: true,
    currentView: function () {
      var e = document.getElementById("initial");
      if (!e) return empty;
      try { return JSON.parse(e.textContent); } catch (err) { return empty; }
    },
    send: function () { return false; },
    onEachView: function () {},
  };
})();
