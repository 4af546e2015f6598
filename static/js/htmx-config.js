/* htmx settings for a strict CSP: no eval, no inline styles, no scripts from swapped HTML.
 * Loaded with `defer` right after htmx, so it runs before htmx initialises the page. */
(function () {
  "use strict";
  if (!window.htmx) return;
  var config = window.htmx.config;
  config.includeIndicatorStyles = false;
  config.allowEval = false;
  config.allowScriptTags = false;
  config.selfRequestsOnly = true;
  config.historyCacheSize = 0;
  config.refreshOnHistoryMiss = true;
  // htmx's GETs get their own URL (?org.htmx.cache-buster=<target>): a proxy or CDN that
  // ignores `Vary: HX-Request` can never serve a fragment as a page, or a page as a fragment.
  config.getCacheBusterParam = true;

  // A search the person sent (Enter, the Search button), not one of the requests made while
  // they type: the server logs only those for the content-gaps report.
  document.addEventListener("htmx:configRequest", function (event) {
    var trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "submit") {
      event.detail.headers["HX-Search-Submitted"] = "true";
    }
  });
})();
