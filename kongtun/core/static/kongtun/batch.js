// Batch entry at the monthly meeting: keyboard only. Number, Enter (name and amount appear),
// Enter (next row). Ctrl+Enter records all. No library: this runs on cheap phones offline.
(function () {
  "use strict";
  var form = document.getElementById("batch");
  if (!form) return;
  var body = document.getElementById("rows");
  var lookupUrl = form.dataset.lookup;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr")); }

  function parseAmount(text) {
    var t = (text || "").replace(/[๐-๙]/g, function (d) { return String("๐๑๒๓๔๕๖๗๘๙".indexOf(d)); })
      .replace(/,/g, "").replace(/บาท/g, "").replace(/\.-$/, "").trim();
    var n = Number(t);
    return isFinite(n) && t !== "" ? Math.round(n * 100) : 0;
  }

  function updateTotal() {
    var satang = 0, count = 0;
    rows().forEach(function (tr) {
      var number = tr.querySelector("input[name=number]").value.trim();
      var amount = parseAmount(tr.querySelector("input[name=amount]").value);
      if (number && amount) { satang += amount; count += 1; }
    });
    document.getElementById("total").textContent = (satang / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    document.getElementById("count").textContent = count ? "(" + count + ")" : "";
  }

  function addRow() {
    var last = rows()[rows().length - 1];
    var tr = last.cloneNode(true);
    tr.className = "";
    tr.querySelector(".rownum").textContent = String(rows().length + 1);
    tr.querySelectorAll("input").forEach(function (i) { i.value = ""; i.removeAttribute("autofocus"); });
    tr.querySelector(".who").textContent = "";
    body.appendChild(tr);
    return tr;
  }

  function lookup(tr) {
    var input = tr.querySelector("input[name=number]");
    var who = tr.querySelector(".who");
    var number = input.value.trim();
    if (!number) return Promise.resolve(false);
    var duplicate = rows().some(function (other) {
      return other !== tr && other.querySelector("input[name=number]").value.trim() === number;
    });
    return fetch(lookupUrl + "?number=" + encodeURIComponent(number), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        who.textContent = "";
        if (!data.found) { who.innerHTML = ""; var p = document.createElement("p"); p.className = "error"; p.textContent = form.dataset.msgUnknown; who.appendChild(p); tr.className = "has-error"; return false; }
        tr.className = data.payable ? "" : "has-error";
        var name = document.createElement("div"); name.textContent = data.name;
        var info = document.createElement("small"); info.className = "muted";
        info.textContent = data.plan + (data.periods_unpaid ? " · " + data.periods_unpaid + " " + form.dataset.msgUnpaid : "") + (data.payable ? "" : " · " + data.status + " " + form.dataset.msgCannot) + (duplicate ? " · ×2" : "");
        who.appendChild(name); who.appendChild(info);
        var amount = tr.querySelector("input[name=amount]");
        if (!amount.value && data.amount) amount.value = data.amount;
        updateTotal();
        return true;
      })
      .catch(function () { return true; });
  }

  body.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var input = e.target;
    if (!(input instanceof HTMLInputElement)) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) { form.requestSubmit(); return; }
    var tr = input.closest("tr");
    if (input.name === "number") {
      lookup(tr).then(function () { var a = tr.querySelector("input[name=amount]"); a.focus(); a.select(); });
    } else {
      var next = tr.nextElementSibling || addRow();
      next.querySelector("input[name=number]").focus();
    }
  });
  body.addEventListener("change", function (e) {
    if (e.target.name === "number") lookup(e.target.closest("tr"));
    updateTotal();
  });
  body.addEventListener("input", updateTotal);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  // After a refused batch, show the names again.
  rows().forEach(function (tr) { if (tr.querySelector("input[name=number]").value && !tr.querySelector(".error")) lookup(tr); });
  updateTotal();
})();
