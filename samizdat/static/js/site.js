/* Samizdat: click-to-play video. Nothing from the video host loads before the click. */
(function () {
  "use strict";
  var frames = document.querySelectorAll(".video-frame[data-embed]");
  Array.prototype.forEach.call(frames, function (frame) {
    var button = frame.querySelector("button.play");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var iframe = document.createElement("iframe");
      iframe.src = frame.getAttribute("data-embed");
      iframe.title = frame.getAttribute("data-title") || button.textContent;
      iframe.allow = "autoplay; fullscreen";
      iframe.allowFullscreen = true;
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      frame.textContent = "";
      frame.appendChild(iframe);
      frame.classList.add("playing");
      iframe.focus();
    });
  });
})();
