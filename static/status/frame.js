/* Platform status iframe (/embed/frame): keeps the status current while the page is visible.
 *
 * Every minute, and whenever the tab becomes visible again, it fetches the frame's own page
 * (same origin, no cookies) and, if the status changed, moves the new words, icon and colour
 * into the existing live region, so assistive technology announces the change. Without
 * JavaScript the frame shows the status as of when it loaded.
 */
(function () {
  "use strict";
  var REFRESH_MS = 60000;
  var current = document.querySelector("[data-status-embed]");
  if (!current || !window.fetch || !window.DOMParser) return;

  function refresh() {
    fetch(window.location.href, { credentials: "omit", cache: "no-cache" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-status-embed]");
        if (!fresh || fresh.innerHTML === current.innerHTML) return;
        current.className = fresh.className;
        var nodes = Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        });
        current.replaceChildren.apply(current, nodes);
        document.title = page.title;
      })
      .catch(function () {
        // Keep showing the last status; the link still leads to the status page.
      });
  }

  setInterval(function () {
    if (document.visibilityState === "visible") refresh();
  }, REFRESH_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refresh();
  });
})();
