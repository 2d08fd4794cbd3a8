// Keeps a campaign's progress live (every 30 seconds) and, in the give form, shows the postal
// address only when the chosen perk ships. The page works fully without it.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (box && window.fetch) {
    var url = box.getAttribute("data-progress-url");
    var refresh = function () {
      if (document.hidden) { return; }
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || typeof data.raised !== "number") { return; }
          var set = function (selector, text) {
            var node = box.querySelector(selector);
            if (node) { node.textContent = text; }
          };
          set("[data-raised]", data.raised_display);
          set("[data-percent]", data.percent + "%");
          set("[data-supporters]", String(data.supporters));
          var bar = box.querySelector("[data-bar]");
          if (bar) { bar.value = Math.min(data.raised, data.goal); }
        })
        .catch(function () {});
    };
    window.setInterval(refresh, 30000);
  }
  var form = document.querySelector(".give-form");
  if (!form) { return; }
  var shipping = form.querySelector(".shipping");
  var shipsBy = JSON.parse(form.getAttribute("data-ships") || "{}");
  var update = function () {
    var picked = form.querySelector("input[name=perk]:checked");
    if (shipping) { shipping.hidden = !(picked && shipsBy[picked.value]); }
  };
  form.addEventListener("change", update);
  update();
}());
