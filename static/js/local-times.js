/* Times in the reader's own time zone: each <time data-local-time> is written in UTC by the
 * server (what readers without JavaScript, and the cache, get); here its text becomes the
 * reader's local time, and the UTC text stays on hover (title). Nothing changes for a reader
 * whose zone is UTC. */
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
  } catch (error) {
    return;
  }
  var zone = format.resolvedOptions().timeZone;
  if (!zone || zone === "UTC" || zone === "Etc/UTC") return;
  var times = document.querySelectorAll("time[data-local-time]");
  Array.prototype.forEach.call(times, function (time) {
    var when = new Date(time.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    time.title = time.textContent.trim();
    time.textContent = format.format(when);
  });
})();
