// Coding a transcript: the selection (mouse, finger or Shift+arrows) becomes the start and end
// offsets of the form, in Unicode code points (the server's unit), snapped outward to grapheme
// cluster boundaries so a tone mark or SARA AM is never cut from its consonant. No library.
(function () {
  "use strict";
  var tx = document.getElementById("tx");
  var form = document.getElementById("code-form");
  if (!tx || !form) return;
  var text = tx.textContent;
  var startIn = form.querySelector("[name=start]");
  var endIn = form.querySelector("[name=end]");
  var preview = document.getElementById("sel-preview");
  var filter = form.querySelector(".code-filter");
  var bounds = null;
  if (window.Intl && Intl.Segmenter) {
    bounds = new Set([text.length]);
    var segs = new Intl.Segmenter("th", { granularity: "grapheme" }).segment(text);
    for (var it = segs[Symbol.iterator](), s = it.next(); !s.done; s = it.next()) bounds.add(s.value.index);
  }
  function snap(u16, forward) {
    if (!bounds) return u16;
    while (u16 > 0 && u16 < text.length && !bounds.has(u16)) u16 += forward ? 1 : -1;
    return u16;
  }
  function codePoints(u16) { return Array.from(text.slice(0, u16)).length; }
  function utf16(cp) { return Array.from(text).slice(0, cp).join("").length; }
  function offsetOf(node, off) {
    var r = document.createRange();
    r.selectNodeContents(tx);
    r.setEnd(node, off);
    return r.toString().length;
  }
  function show(a, b) {
    preview.textContent = b > a ? text.slice(a, b) : "";
    form.classList.toggle("has-selection", b > a);
  }
  function update() {
    var sel = window.getSelection();
    if (!sel.rangeCount) return;
    var r = sel.getRangeAt(0);
    if (!tx.contains(r.startContainer) || !tx.contains(r.endContainer)) return;
    var a = offsetOf(r.startContainer, r.startOffset);
    var b = offsetOf(r.endContainer, r.endOffset);
    if (a === b) return;
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    a = snap(a, false);
    b = snap(b, true);
    startIn.value = codePoints(a);
    endIn.value = codePoints(b);
    show(a, b);
  }
  document.addEventListener("selectionchange", update);
  function firstText(node) {
    var w = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    return w.nextNode();
  }
  var KEYS = { ArrowRight: "forward", ArrowLeft: "backward", ArrowDown: "forward", ArrowUp: "backward" };
  tx.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      (filter || form.querySelector("input[type=checkbox]")).focus();
      return;
    }
    if (!(e.key in KEYS)) return;
    var sel = window.getSelection();
    if (!sel.rangeCount || !tx.contains(sel.anchorNode)) {
      var t = firstText(tx);
      if (!t) return;
      sel.collapse(t, 0);
    }
    if (!sel.modify) return;
    var unit = e.key === "ArrowUp" || e.key === "ArrowDown" ? "line" : e.ctrlKey || e.altKey ? "word" : "character";
    sel.modify(e.shiftKey ? "extend" : "move", KEYS[e.key], unit);
    e.preventDefault();
  });
  function typed() {
    var a = utf16(parseInt(startIn.value, 10) || 0);
    var b = utf16(parseInt(endIn.value, 10) || 0);
    show(a, b);
  }
  startIn.addEventListener("input", typed);
  endIn.addEventListener("input", typed);
  if (startIn.value && endIn.value) typed();
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      form.querySelectorAll(".code-item").forEach(function (el) {
        el.hidden = q !== "" && el.getAttribute("data-name").toLowerCase().indexOf(q) < 0;
      });
    });
    filter.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        var first = form.querySelector(".code-item:not([hidden]) input");
        if (first) first.focus();
      }
    });
  }
  tx.addEventListener("click", function (e) {
    var m = e.target.closest ? e.target.closest("mark.seg") : null;
    if (!m || !window.getSelection().isCollapsed) return;
    var id = (m.getAttribute("data-segs") || "").split(" ")[0];
    var li = id && document.getElementById("seg-" + id);
    if (li) { li.classList.add("flash"); setTimeout(function () { li.classList.remove("flash"); }, 1200); }
  });
})();
