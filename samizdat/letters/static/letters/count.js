// Refreshes an open letter's signature count every 30 seconds; the page works without it.
(function () {
  "use strict";
  var box = document.querySelector("[data-count-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-count-url");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || typeof data.count !== "number") { return; }
        var number = box.querySelector("[data-count]");
        var meter = box.querySelector("progress");
        if (number) { number.textContent = String(data.count); }
        if (meter) { meter.value = data.count; }
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 30000);
}());
