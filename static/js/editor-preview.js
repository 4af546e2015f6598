/* The live preview follows the caret: after each update, and when the caret moves, the
 * preview scrolls to the block the caret is in. Markdown blocks are separated by blank lines
 * (outside fenced code), and each top-level element of the preview is one block, so the
 * caret's block number picks the element. A static file, no inline script (strict CSP). */
(function () {
  "use strict";

  function blockIndex(text, caret) {
    // How many blocks start up to the caret's line; a heading is a block of its own.
    var lines = text.slice(0, caret).split("\n");
    var blocks = 0, inBlock = false, fenced = false;
    lines.forEach(function (line) {
      var fence = /^\s*(```|~~~)/.test(line);
      if (!fenced && line.trim() === "") {
        inBlock = false;
      } else if (!fenced && /^#{1,6}\s/.test(line)) {
        blocks += 1;
        inBlock = false;
      } else if (!inBlock) {
        blocks += 1;
        inBlock = true;
      }
      if (fence) fenced = !fenced;
    });
    return Math.max(blocks - 1, 0);
  }

  function follow(editor) {
    var preview = document.getElementById("markdown-preview");
    if (!preview || !editor) return;
    // The rendered page is one wrapper (<div class="prose">): its children are the blocks.
    var content = preview.querySelector(".admin-preview .prose") || preview.querySelector(".admin-preview");
    var blocks = content ? content.children : [];
    if (!blocks.length) return;
    var target = blocks[Math.min(blockIndex(editor.value, editor.selectionStart), blocks.length - 1)];
    var top = target.getBoundingClientRect().top - preview.getBoundingClientRect().top + preview.scrollTop;
    var view = preview.clientHeight;
    // Already in view: leave the preview still (no jumping while typing in one paragraph).
    if (top >= preview.scrollTop && top + Math.min(target.offsetHeight, view / 2) <= preview.scrollTop + view) return;
    preview.scrollTop = Math.max(top - view / 3, 0);
  }

  function editorOf(element) {
    return element && element.classList && element.classList.contains("markdown-editor") ? element : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = (event.detail && event.detail.target) || event.target;
    if (target && target.id === "markdown-preview") follow(document.querySelector("textarea.markdown-editor"));
  });
  ["keyup", "click"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var editor = editorOf(event.target);
      if (editor) follow(editor);
    });
  });
})();
