/* A link to one FAQ entry (#faq-<slug>, from search results or elsewhere on the page) opens
 * that entry: the browser scrolls to a folded <details> but leaves its answer hidden.
 * Without JavaScript the server opens the entry named by ?faq=<slug> (search results link so). */
(function () {
  "use strict";

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var entry = target && target.closest("details");
    if (entry && !entry.open) {
      entry.open = true;
      entry.scrollIntoView();
    }
  }

  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openTarget);
  } else {
    openTarget();
  }
})();
