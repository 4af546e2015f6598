/* The support queue and ticket page in the admin, by keyboard (the "?" dialog lists the keys).
 * Keys never act while the agent types in a field: Esc leaves the field first.
 * No inline scripts, no eval: loaded as a static file, under the strict CSP. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function click(selector) {
    var element = document.querySelector(selector);
    if (element) element.click();
    return Boolean(element);
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  // The queue: j / k move through the rows, x selects, Enter opens (a link has the focus).
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
  }

  function moveRow(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.findIndex(function (row) { return row.classList.contains("is-current"); });
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    all.forEach(function (row) { row.classList.remove("is-current"); });
    all[next].classList.add("is-current");
    var link = all[next].querySelector("th a, td a");
    if (link) link.focus();
  }

  function toggleRow() {
    var row = document.querySelector("#result_list tbody tr.is-current");
    var box = row && row.querySelector("input.action-select");
    if (box) box.click();
  }

  // The ticket page.
  function write(kind) {
    var radio = document.querySelector('input[name="reply_kind"][value="' + kind + '"]');
    if (radio) radio.checked = true;
    var box = document.getElementById("id_reply");
    if (box) box.focus();
  }

  var queueKeys = {
    j: function () { moveRow(1); },
    k: function () { moveRow(-1); },
    x: toggleRow,
  };
  var ticketKeys = {
    r: function () { write("public"); },
    i: function () { write("internal"); },
    m: function () { var p = document.getElementById("macro-picker"); if (p) p.focus(); },
    a: function () { click('[data-shortcut="assign"]'); },
    s: function () { click('button[name="_send"]'); },
    n: function () { click('button[name="_send_next"]'); },
    u: function () { click("a.closelink"); },
  };

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Escape" && typing(target)) {
      target.blur();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.id === "id_reply") {
      event.preventDefault();
      click('button[name="_send"]');
      return;
    }
    if (event.key === "Enter" && target.id === "macro-picker") {
      event.preventDefault();
      click("[data-macro-apply]");
      return;
    }
    if (typing(target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    if (event.key === "?") {
      event.preventDefault();
      openShortcuts();
      return;
    }
    var body = document.body.classList;
    var keys = body.contains("ticket-queue-body") ? queueKeys
      : body.contains("ticket-page-body") ? ticketKeys : null;
    var action = keys && keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog) dialog.showModal();
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) closer.closest("dialog").close();
  });

  // "Sam is replying": the presence poll says whether this agent has text in the box, and
  // polls at once when that changes (the others' pages poll every 2 s: seen within 3 s).
  document.addEventListener("input", function (event) {
    if (event.target.id !== "id_reply") return;
    var presence = document.getElementById("presence");
    if (!presence) return;
    var state = event.target.value.trim() ? "replying" : "viewing";
    var vals = JSON.stringify({ state: state });
    if (presence.getAttribute("hx-vals") === vals) return;
    presence.setAttribute("hx-vals", vals);
    if (window.htmx) window.htmx.trigger(presence, "presence-change");
  });

  // After a macro fills the box, the agent reviews it there.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "reply-fill") {
      var box = document.getElementById("id_reply");
      if (box) box.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dialog-open]").forEach(function (button) {
      button.hidden = false;
    });
  });
})();
