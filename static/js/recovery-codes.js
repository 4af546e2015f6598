/* The recovery codes page: a "Copy the codes" button, shown only where the browser lets a
 * page write to the clipboard. Without JavaScript the codes stay on the page and the
 * download link serves them as a text file. */
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-codes]");
  if (!button || !navigator.clipboard || !navigator.clipboard.writeText) return;
  var list = document.getElementById(button.getAttribute("data-copy-codes"));
  var status = document.getElementById(button.getAttribute("aria-describedby"));
  if (!list) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var codes = Array.prototype.map.call(list.querySelectorAll("code"), function (code) {
      return code.textContent.trim();
    });
    navigator.clipboard.writeText(codes.join("\n") + "\n").then(
      function () {
        status.textContent = "Copied: paste them into your password manager.";
      },
      function () {
        status.textContent = "Could not copy here: download them or write them down.";
      }
    );
  });
})();
