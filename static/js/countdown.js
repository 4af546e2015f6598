/* Service-level countdowns ("due in 25 min", "breached 1 h ago") kept current without a
 * reload. The server writes the same words (tickets/sla.py countdown) for pages read
 * without JavaScript; this recomputes them from each <time data-countdown datetime="…">
 * every 30 seconds. A static file, no inline script, under the strict CSP. */
(function () {
  "use strict";

  var MINUTE = 60 * 1000;

  function span(ms) {
    var minutes = Math.max(Math.floor(ms / MINUTE), 0);
    if (minutes < 60) return minutes + " min";
    if (minutes < 60 * 48) return Math.floor(minutes / 60) + " h";
    return Math.floor(minutes / (60 * 24)) + " d";
  }

  function words(due, now) {
    if (due > now) {
      return due - now < MINUTE ? "due now" : "due in " + span(due - now);
    }
    return now - due < MINUTE ? "breached just now" : "breached " + span(now - due) + " ago";
  }

  function refresh() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (element) {
      var due = Date.parse(element.getAttribute("datetime"));
      if (isNaN(due)) return;
      var text = words(due, now);
      if (element.textContent !== text) element.textContent = text;
      element.classList.toggle("sla-countdown--late", due <= now);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    window.setInterval(refresh, 30 * 1000);
  });
})();
