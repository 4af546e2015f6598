/* The contact form: focus the error summary after a failed send; pre-fill "when did it happen" with now, in the browser's time zone.
 * Without JavaScript both fields stay empty and optional. */
(function () {
  "use strict";
  // After a failed send, start at the list of what to fix.
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();

  var when = document.getElementById("id_occurred_at");
  var zone = document.getElementById("id_occurred_tz");
  if (!when || !zone) return;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  if (!when.value) {
    var now = new Date();
    when.value =
      now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
      "T" + pad(now.getHours()) + ":" + pad(now.getMinutes());
  }
  if (!zone.value) {
    try {
      zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      /* Old browser: the customer can type it. */
    }
  }
})();
