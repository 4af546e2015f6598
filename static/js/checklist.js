/* Turns a runbook's ordered lists into a checklist with progress.
 * Without JavaScript the lists stay plain ordered lists. Ticks are kept in this
 * browser only (localStorage) and passed to the support form as `checked=`. */
(function () {
  "use strict";
  var article = document.querySelector("article[data-runbook]");
  if (!article) return;
  var slug = article.getAttribute("data-runbook");
  var storageKey = "runbook-checks:" + slug;
  var items = Array.prototype.slice.call(article.querySelectorAll("ol.checklist > li"));
  var progress = article.querySelector(".checklist-progress");
  var bar = progress.querySelector("progress");
  var text = progress.querySelector(".checklist-progress__text");
  var contact = document.getElementById("contact-support");
  var baseHref = contact ? contact.getAttribute("href") : null;

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "[]");
    } catch (e) {
      return [];
    }
  }

  function save(ids) {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(ids));
    } catch (e) {
      /* Private mode or storage full: ticks still work for this visit. */
    }
  }

  var saved = load();
  items.forEach(function (li) {
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = li.id + "-done";
    box.checked = saved.indexOf(li.id) !== -1;
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "checklist__label";
    while (li.firstChild) label.appendChild(li.firstChild);
    li.appendChild(box);
    li.appendChild(label);
    li.classList.add("checklist__item");
    box.addEventListener("change", update);
  });

  function update() {
    var done = items.filter(function (li) {
      return li.querySelector("input[type=checkbox]").checked;
    });
    var ids = done.map(function (li) { return li.id; });
    items.forEach(function (li) {
      li.classList.toggle("is-done", ids.indexOf(li.id) !== -1);
    });
    bar.value = done.length;
    text.textContent = done.length + " of " + items.length + " steps done";
    save(ids);
    if (contact && baseHref) {
      contact.setAttribute(
        "href",
        ids.length ? baseHref + "&checked=" + encodeURIComponent(ids.join(",")) : baseHref
      );
    }
  }

  progress.hidden = false;
  update();
})();
