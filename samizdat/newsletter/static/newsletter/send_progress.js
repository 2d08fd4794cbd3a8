// A running send's page: poll its progress every 2 s and update the figures; reload once it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.dataset.running !== "true") { return; }
  function set(name, value) {
    var element = box.querySelector('[data-field="' + name + '"]');
    if (element) { element.textContent = value; }
  }
  function refresh() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        set("status_label", data.status_label);
        set("percent", data.percent);
        set("done", data.done);
        set("total", data.total);
        var bar = box.querySelector('[data-field="bar"]');
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        Object.keys(data.counts).forEach(function (state) {
          var cell = box.querySelector('[data-count="' + state + '"]');
          if (cell) { cell.textContent = data.counts[state]; }
        });
        if (data.running) { window.setTimeout(refresh, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(refresh, 2000); });
  }
  window.setTimeout(refresh, 2000);
})();
