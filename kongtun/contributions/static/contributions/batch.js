// Batch entry at the monthly meeting: keyboard only. Number, Enter (name and amount appear),
// Enter (next row). Ctrl+Enter records all. No library: this runs on cheap phones offline.
// The page works without this script: the server renders empty rows to type into, shows the
// names and marks every refused row; the script only adds the live look-up and total.
(function () {
  "use strict";
  var form = document.getElementById("batch");
  if (!form) return;
  var body = document.getElementById("rows");
  var lookupUrl = form.dataset.lookup;
  var AMOUNT = /^-?\d+(\.\d{1,2})?$/;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr")); }
  function numberInput(tr) { return tr.querySelector("input[name=number]"); }
  function amountInput(tr) { return tr.querySelector("input[name=amount]"); }
  function isBlank(tr) { return !numberInput(tr).value.trim() && !amountInput(tr).value.trim(); }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, key) { return key in values ? values[key] : m; });
  }

  // The same rules as the server (kongtun.core.money.parse_amount, then "more than zero"):
  // null for an empty box, NaN for an amount the server would refuse, else satang.
  function parseAmount(text) {
    var t = (text || "").replace(/[๐-๙]/g, function (d) { return String("๐๑๒๓๔๕๖๗๘๙".indexOf(d)); })
      .trim().replace(/บาท/g, "").replace(/฿/g, "").replace(/,/g, "").replace(/ /g, "");
    if (/\.-$/.test(t)) t = t.slice(0, -2);
    else if (/-$/.test(t) && !/^-/.test(t)) t = t.slice(0, -1);
    if (/\.0$/.test(t) && AMOUNT.test(t.slice(0, -2) || "x")) t = t.slice(0, -2);
    if (!t) return null;
    if (!AMOUNT.test(t)) return NaN;
    var negative = t.charAt(0) === "-";
    var parts = t.replace("-", "").split(".");
    var satang = Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
    if (negative) satang = -satang;
    return satang > 0 ? satang : NaN;
  }

  // An input refused by the server stays marked until it is edited; the script marks the
  // amounts it can tell are wrong by itself.
  function mark(input, bad) {
    if (bad || input.dataset.serverInvalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // An amount being corrected: the server's word on it no longer holds.
  function forgetServerVerdict(amount) {
    if (!amount.dataset.serverInvalid) return;
    delete amount.dataset.serverInvalid;
    amount.closest("tr").querySelectorAll(".who .error[data-field=amount]").forEach(function (p) { p.remove(); });
  }

  function markRow(tr) {
    var bad = tr.querySelector("[aria-invalid=true]") || tr.querySelector(".who .error");
    tr.classList.toggle("has-error", !!bad);
  }

  function updateTotal() {
    var satang = 0, count = 0, skipped = 0;
    rows().forEach(function (tr) {
      var number = numberInput(tr).value.trim();
      var amount = parseAmount(amountInput(tr).value);
      var bad = amount !== null && isNaN(amount);
      mark(amountInput(tr), bad);
      markRow(tr);
      if (bad) { skipped += 1; return; }
      if (number && amount) { satang += amount; count += 1; }
    });
    document.getElementById("total").textContent = (satang / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    document.getElementById("count").textContent = count ? "(" + count + ")" : "";
    document.getElementById("skipped").textContent = skipped ? format(form.dataset.msgSkipped, { n: skipped }) : "";
  }

  function addRow() {
    var all = rows();
    var tr = all[all.length - 1].cloneNode(true);
    var n = all.length + 1;
    tr.className = "";
    tr.id = "row-" + n;
    tr.querySelector(".rownum").textContent = String(n);
    tr.querySelectorAll("input").forEach(function (i) {
      i.value = "";
      ["autofocus", "aria-invalid", "aria-describedby"].forEach(function (a) { i.removeAttribute(a); });
      delete i.dataset.serverInvalid;
    });
    tr.querySelector(".who").textContent = "";
    body.appendChild(tr);
    return tr;
  }

  function showError(tr, text) {
    var who = tr.querySelector(".who");
    who.textContent = "";
    var p = document.createElement("p"); p.className = "error"; p.textContent = text;
    who.appendChild(p);
  }

  function lookup(tr) {
    var input = numberInput(tr);
    var who = tr.querySelector(".who");
    var number = input.value.trim();
    delete input.dataset.serverInvalid;  // a new number: the server's verdict no longer holds
    if (!number) { who.textContent = ""; mark(input, false); markRow(tr); return Promise.resolve(false); }
    var duplicate = rows().some(function (other) {
      return other !== tr && numberInput(other).value.trim() === number;
    });
    return fetch(lookupUrl + "?number=" + encodeURIComponent(number), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.found) {
          showError(tr, format(form.dataset.msgUnknown, { number: number }));
          mark(input, true); markRow(tr);
          return false;
        }
        who.textContent = "";
        mark(input, !data.payable);
        var name = document.createElement("div"); name.className = "name"; name.textContent = data.name;
        var info = document.createElement("small"); info.className = data.payable ? "muted" : "error";
        info.textContent = data.plan + (data.periods_unpaid ? " · " + data.periods_unpaid + " " + form.dataset.msgUnpaid : "") + (data.payable ? "" : " · " + data.status + " " + form.dataset.msgCannot) + (duplicate ? " · ×2" : "");
        who.appendChild(name); who.appendChild(info);
        var amount = amountInput(tr);
        if (!amount.value && data.amount) { amount.value = data.amount; forgetServerVerdict(amount); }
        updateTotal();
        return true;
      })
      .catch(function () { return true; });
  }

  // The server renders several empty rows for typing without the script; keep one.
  var blanks = rows().filter(function (tr) { return tr.classList.contains("blank") && isBlank(tr); });
  blanks.slice(1).forEach(function (tr) { tr.remove(); });
  rows().forEach(function (tr) {
    tr.classList.remove("blank");
    tr.querySelectorAll("input[aria-invalid=true]").forEach(function (i) { i.dataset.serverInvalid = "1"; });
  });

  body.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var input = e.target;
    if (!(input instanceof HTMLInputElement)) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) { form.requestSubmit(); return; }
    var tr = input.closest("tr");
    if (input.name === "number") {
      lookup(tr).then(function () { var a = amountInput(tr); a.focus(); a.select(); });
    } else {
      var next = tr.nextElementSibling || addRow();
      numberInput(next).focus();
    }
  });
  body.addEventListener("change", function (e) {
    if (e.target.name === "number") lookup(e.target.closest("tr"));
    updateTotal();
  });
  body.addEventListener("input", function (e) {
    if (e.target.name === "amount") forgetServerVerdict(e.target);
    updateTotal();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  // After a refused batch the server has already shown the names and the errors.
  updateTotal();
})();
