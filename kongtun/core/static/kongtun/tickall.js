/* "Tick all": a box with data-tick-all="<name>" ticks or unticks every enabled box of that
   name in its form, and shows a half state when some are ticked. Without JavaScript the box
   stays hidden and each row is ticked by hand. */
(function () {
  document.querySelectorAll("[data-tick-all]").forEach(function (all) {
    var form = all.form || document;
    var boxes = Array.prototype.filter.call(
      form.querySelectorAll('input[type=checkbox][name="' + all.dataset.tickAll + '"]'),
      function (b) { return !b.disabled; });
    if (!boxes.length) { return; }
    function sync() {
      var on = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = on === boxes.length;
      all.indeterminate = on > 0 && on < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      sync();
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    (all.closest("[hidden]") || all).hidden = false;
    sync();
  });
})();
