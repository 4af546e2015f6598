/* Results in view while typing: when the live search's results arrive low on the screen (a
 * phone, its keyboard open; a laptop under the hero), the search form is scrolled to the top,
 * so the box and the first results show together. Only while the box has focus: never a jump
 * for someone reading further down. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.elt || event.detail.elt.id !== "kb-results") return;
    var box = document.getElementById("kb-q");
    var first = document.querySelector("#kb-results .card");
    if (!box || !first || document.activeElement !== box) return;
    var viewport = window.visualViewport ? window.visualViewport.height : window.innerHeight;
    if (first.getBoundingClientRect().top > viewport * 0.6) {
      box.form.scrollIntoView({ block: "start" });
    }
  });
})();
