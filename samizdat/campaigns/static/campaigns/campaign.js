// Keeps a campaign's progress live (every 30 seconds) and tidies the give form: the postal address
// shows only when the chosen perk ships, a perk's questions only while it is picked, the wall's
// name and message only for readers who want to be on it. The page works fully without it.
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
  var wrapper = function (control) { return control.closest(".field") || control; };
  // Each perk's questions (selects named perk_<id>_choice_<n>) show only while that perk is picked.
  var perkFields = Array.prototype.map.call(form.querySelectorAll("select[name^='perk_']"), function (select) {
    var match = /^perk_(\d+)_choice_/.exec(select.name);
    return { perk: match ? match[1] : "", node: wrapper(select) };
  });
  var isPublic = form.querySelector("input[name=is_public]");
  var wallFields = ["display_name", "message"].map(function (name) {
    var control = form.querySelector("[name=" + name + "]");
    return control ? wrapper(control) : null;
  }).filter(Boolean);
  var other = form.querySelector("input[name=other_amount]");
  var otherRadio = form.querySelector("input[name=preset][value=other]");
  var update = function () {
    var picked = form.querySelector("input[name=perk]:checked");
    var perk = picked ? picked.value : "";
    if (shipping) { shipping.hidden = !(perk && shipsBy[perk]); }
    perkFields.forEach(function (field) { field.node.hidden = field.perk !== perk; });
    if (isPublic) { wallFields.forEach(function (node) { node.hidden = !isPublic.checked; }); }
  };
  form.addEventListener("change", function (event) {
    // A suggested amount replaces a typed one (the server takes a typed amount first).
    if (other && event.target.name === "preset" && event.target.value !== "other") { other.value = ""; }
    update();
  });
  if (other && otherRadio) {
    other.addEventListener("input", function () { if (other.value.trim()) { otherRadio.checked = true; } });
  }
  update();
}());
