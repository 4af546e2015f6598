/* Long text fields: "1,234 of 5,000 characters", live, next to the field (the server still
 * checks; without JavaScript the counter says the limit). Announced politely, and only
 * when the text goes over the limit or back under it, so typing is not read out. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("textarea[data-limit]");
  Array.prototype.forEach.call(fields, function (field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var counter = document.getElementById(field.id + "_counter");
    var status = document.getElementById(field.id + "_counter_status");
    if (!counter || !limit) return;
    var wasOver = null;
    function update() {
      var length = field.value.length;
      var over = length > limit;
      counter.textContent = length.toLocaleString("en") + " of " + limit.toLocaleString("en") +
        " characters" + (over ? " (" + (length - limit).toLocaleString("en") + " too many)" : "");
      counter.classList.toggle("counter--over", over);
      if (status && over !== wasOver && wasOver !== null) {
        status.textContent = over ? "Over the limit of " + limit.toLocaleString("en") +
          " characters." : "Within the limit again.";
      }
      wasOver = over;
    }
    field.addEventListener("input", update);
    update();
  });
})();
