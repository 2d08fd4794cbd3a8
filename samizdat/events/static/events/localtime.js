// Adds the reader's own time next to an event's time, when their zone differs from the event's.
// Progressive enhancement: without it the page shows the time in the event's zone.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var lang = document.documentElement.lang || undefined;
  var format = new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });
  document.querySelectorAll("time[data-localtime]").forEach(function (node) {
    var when = new Date(node.getAttribute("datetime"));
    if (isNaN(when.getTime()) || !readerZone || readerZone === node.getAttribute("data-zone")) { return; }
    var note = document.createElement("span");
    note.className = "localtime";
    note.textContent = " (" + (node.getAttribute("data-label") || "") + ": " + format.format(when) + ")";
    (node.closest(".event-when") || node.parentNode).appendChild(note);
  });
})();
