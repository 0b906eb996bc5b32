// The export job page (jobs/detail.html): while the job is queued or running, ask its status
// every second and move the progress bar in place; reload the page once the job has ended, so
// that the download link (or the reason it failed) appears. Without JavaScript the page reloads
// itself every two seconds instead (<noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("export-progress-text");
  var label = document.getElementById("export-state-label");
  var active = { queued: true, running: true };
  var fails = 0;
  var english = (document.documentElement.lang || "").indexOf("en") === 0;

  function show(s) {
    if (bar) { bar.value = s.progress; bar.textContent = s.progress + "%"; }
    if (text) { text.textContent = s.progress + "%" + (s.rows_total ? " · " + s.rows_done + " / " + s.rows_total + " 条" : ""); }
    if (label) {
      var parts = s.state_label.split(" ");
      label.textContent = english ? parts.slice(1).join(" ") || parts[0] : parts[0];
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        fails = 0;
        show(s);
        if (!active[s.state]) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        fails += 1;
        if (fails > 5) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      });
  }

  if (active[box.getAttribute("data-state")]) { window.setTimeout(poll, 1000); }
})();
