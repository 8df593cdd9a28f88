// Batch entry at the monthly meeting, on a phone and patchy Wi-Fi (decision 0018). Keyboard
// only: number, Enter (to the amount), Enter (next row); Ctrl+Enter saves all.
//
// - Typing never waits for the network: focus moves only on the person's keys, at once.
// - A look-up belongs to its row: a late answer lands in the row it was asked for, and only
//   if that row still holds the text it was asked about; it never overwrites a typed amount.
// - The batch is kept on the device (localStorage) as it is typed, with its idempotency key,
//   until the server confirms it; a reload or a closed tab gets it back. Leaving asks first.
// - Offline: the page says so, keeps every row, looks up again when the connection is back;
//   a save whose answer was lost is sent again with the same key and records nothing twice.
// The page works without this script: the server renders empty rows, resolves the typed
// numbers itself and names every refused row.
(function () {
  "use strict";
  var form = document.getElementById("batch");
  if (!form) return;
  var body = document.getElementById("rows");
  var status = document.getElementById("netstatus");
  var repeatsBox = document.getElementById("repeats");
  var confirmRepeats = form.querySelector("input[name=repeats_confirmed]");
  var keyInput = form.querySelector("input[name=idempotency_key]");
  var lookupUrl = form.dataset.lookup;
  var storeKey = form.dataset.store;
  var AMOUNT = /^-?\d+(\.\d{1,2})?$/;
  var pending = 0;          // look-ups on their way
  var saveWanted = false;   // the person pressed save while look-ups were on their way
  var saving = false;
  var leaving = false;      // the page is going away on purpose (saved, or showing the refusal)

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr")); }
  function numberInput(tr) { return tr.querySelector("input[name=number]"); }
  function amountInput(tr) { return tr.querySelector("input[name=amount]"); }
  function isBlank(tr) { return !numberInput(tr).value.trim() && !amountInput(tr).value.trim(); }
  function rowNumber(tr) { return tr.querySelector(".rownum").textContent.trim(); }
  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (m, key) { return key in values ? values[key] : m; });
  }
  function msg(name, values) { return format(form.dataset[name], values || {}); }

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

  // An input refused by the server stays marked until it is edited.
  function mark(input, bad) {
    if (bad || input.dataset.serverInvalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function forgetServerVerdict(input) {
    if (!input.dataset.serverInvalid) return;
    delete input.dataset.serverInvalid;
    input.closest("tr").querySelectorAll(".who .error[data-field=" + input.name + "]").forEach(function (p) { p.remove(); });
  }

  function markRow(tr) {
    var bad = tr.querySelector("[aria-invalid=true]") || tr.querySelector(".who .error") || tr.classList.contains("repeat");
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
    document.getElementById("skipped").textContent = skipped ? msg("msgSkipped", { n: skipped }) : "";
  }

  function resetRow(tr, n) {
    tr.className = "";
    tr.id = "row-" + n;
    ["asked", "member", "state"].forEach(function (k) { delete tr.dataset[k]; });
    tr.querySelector(".rownum").textContent = String(n);
    tr.querySelectorAll("input").forEach(function (i) {
      i.value = "";
      ["autofocus", "aria-invalid", "aria-describedby"].forEach(function (a) { i.removeAttribute(a); });
      ["serverInvalid", "auto", "touched"].forEach(function (k) { delete i.dataset[k]; });
    });
    tr.querySelector(".who").textContent = "";
  }

  function addRow() {
    var all = rows();
    var tr = all[all.length - 1].cloneNode(true);
    resetRow(tr, all.length + 1);
    body.appendChild(tr);
    return tr;
  }

  // --- what the row says about its member --------------------------------------------------
  function whoLine(tr, className, text) {
    var who = tr.querySelector(".who");
    who.textContent = "";
    var p = document.createElement("p"); p.className = className; p.textContent = text;
    who.appendChild(p);
  }

  function showMember(tr, m) {
    var who = tr.querySelector(".who");
    who.textContent = "";
    var name = document.createElement("div"); name.className = "name"; name.textContent = m.name;
    var info = document.createElement("small"); info.className = m.payable ? "muted" : "error";
    info.textContent = m.plan + (m.periods_unpaid ? " · " + m.periods_unpaid + " " + form.dataset.msgUnpaid : "") +
      (m.payable ? "" : " · " + m.status + " " + form.dataset.msgCannot);
    who.appendChild(name); who.appendChild(info);
    mark(numberInput(tr), !m.payable);
  }

  function choose(tr, m) {
    var input = numberInput(tr);
    input.value = m.number;
    forgetServerVerdict(input);
    tr.dataset.asked = m.number;
    tr.dataset.member = m.number;
    tr.dataset.state = "found";
    tr.dataset.name = m.name;
    showMember(tr, m);
    var amount = amountInput(tr);
    if (m.amount && !amount.dataset.touched && (!amount.value || amount.dataset.auto)) {
      amount.value = m.amount;
      amount.dataset.auto = "1";
      forgetServerVerdict(amount);
    }
    changed();
  }

  function showChoices(tr, matches) {
    var who = tr.querySelector(".who");
    who.textContent = "";
    var p = document.createElement("p"); p.className = "error"; p.textContent = msg("msgChoose");
    var list = document.createElement("ul"); list.className = "choices";
    matches.forEach(function (m) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = m.number + " " + m.name;
      b.addEventListener("click", function () { choose(tr, m); amountInput(tr).focus(); });
      li.appendChild(b); list.appendChild(li);
    });
    who.appendChild(p); who.appendChild(list);
    mark(numberInput(tr), true);
  }

  function apply(tr, text, data) {
    var input = numberInput(tr);
    if (input.value.trim() !== text) return;  // the row was changed since: its newer look-up owns it
    var matches = data.matches || [];
    if (matches.length === 1) { choose(tr, matches[0]); return; }
    delete tr.dataset.member;
    tr.dataset.state = matches.length ? "choose" : "unknown";
    if (matches.length) showChoices(tr, matches);
    else { whoLine(tr, "error", msg("msgUnknown", { number: text })); mark(input, true); }
    changed();
  }

  function lookup(tr, again) {
    var input = numberInput(tr);
    var text = input.value.trim();
    if (!text) {
      ["asked", "member", "state", "name"].forEach(function (k) { delete tr.dataset[k]; });
      tr.querySelector(".who").textContent = "";
      mark(input, false); changed();
      return;
    }
    if (!again && tr.dataset.asked === text && tr.dataset.state !== "failed") return;
    tr.dataset.asked = text;
    tr.dataset.state = "pending";
    delete tr.dataset.member;
    whoLine(tr, "muted", msg("msgLooking"));
    pending += 1;
    fetch(lookupUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) { setOnline(true); apply(tr, text, data); })
      .catch(function () {
        if (numberInput(tr).value.trim() !== text) return;
        tr.dataset.state = "failed";
        whoLine(tr, "muted", msg("msgLookupLater"));
        setOnline(false);
      })
      .then(function () {
        pending -= 1;
        if (pending === 0 && saveWanted) { saveWanted = false; save(); }
      });
  }

  function lookupFailed() {
    rows().forEach(function (tr) { if (tr.dataset.state === "failed") lookup(tr, true); });
  }

  // --- the same member twice ------------------------------------------------------------------
  function repeats() {
    var seen = {};
    rows().forEach(function (tr) {
      var who = tr.dataset.member || numberInput(tr).value.trim();
      if (who) (seen[who] = seen[who] || []).push(tr);
    });
    var any = false;
    rows().forEach(function (tr) {
      var who = tr.dataset.member || numberInput(tr).value.trim();
      var note = tr.querySelector(".repeat-note");
      var others = who ? seen[who].filter(function (o) { return o !== tr; }) : [];
      tr.classList.toggle("repeat", others.length > 0);
      if (!others.length) { if (note) note.remove(); return; }
      any = true;
      if (!note) {
        note = document.createElement("p"); note.className = "error repeat-note";
        tr.querySelector(".who").appendChild(note);
      }
      note.textContent = msg("msgRepeat", { rows: others.map(rowNumber).join(", ") });
    });
    if (!any && repeatsBox) { repeatsBox.hidden = true; if (confirmRepeats) confirmRepeats.checked = false; }
    return any;
  }

  // --- kept on the device until the server confirms ---------------------------------------------
  function typedRows() { return rows().filter(function (tr) { return !isBlank(tr); }); }

  function store() {
    if (!storeKey || leaving) return;
    try {
      if (!typedRows().length) { localStorage.removeItem(storeKey); return; }
      localStorage.setItem(storeKey, JSON.stringify({
        v: 1,
        at: Date.now(),
        key: keyInput ? keyInput.value : "",
        paid_on: form.elements.paid_on ? form.elements.paid_on.value : "",
        into: form.elements.into ? form.elements.into.value : "",
        rows: rows().map(function (tr) {
          var a = amountInput(tr);
          return { n: numberInput(tr).value, a: a.value, auto: !!a.dataset.auto, t: !!a.dataset.touched,
            m: tr.dataset.member || "", who: tr.dataset.name || "" };
        })
      }));
    } catch (e) { /* a full or private storage: the page still works, only without the copy */ }
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.rows || !saved.rows.some(function (r) { return r.n || r.a; })) return false;
    if (keyInput && saved.key) keyInput.value = saved.key;
    if (saved.paid_on && form.elements.paid_on) form.elements.paid_on.value = saved.paid_on;
    if (saved.into && form.elements.into) form.elements.into.value = saved.into;
    saved.rows.forEach(function (r, i) {
      var tr = rows()[i] || addRow();
      numberInput(tr).value = r.n || "";
      var a = amountInput(tr);
      a.value = r.a || "";
      if (r.auto) a.dataset.auto = "1";
      if (r.t) a.dataset.touched = "1";
      if (r.m) {
        tr.dataset.member = r.m; tr.dataset.asked = r.n; tr.dataset.state = "found"; tr.dataset.name = r.who;
        var who = tr.querySelector(".who"); who.textContent = "";
        var name = document.createElement("div"); name.className = "name"; name.textContent = r.who; who.appendChild(name);
      } else if (r.n) {
        tr.dataset.state = "failed";  // asked again below
      }
    });
    if (!isBlank(rows()[rows().length - 1])) addRow();
    var when = new Date(saved.at);
    var note = document.getElementById("restored");
    if (note) {
      note.textContent = msg("msgRestored", { n: typedRows().length, time: when.toLocaleTimeString("th-TH", { hour: "2-digit", minute: "2-digit" }) });
      note.hidden = false;
    }
    return true;
  }

  function changed() { repeats(); updateTotal(); store(); }

  // --- connection -------------------------------------------------------------------------------
  function setOnline(online) {
    if (!status) return;
    status.className = online ? "online" : "offline";
    status.textContent = online ? msg("msgOnline") : msg("msgOffline");
  }

  // --- saving -----------------------------------------------------------------------------------
  function say(text, bad) {
    var p = document.getElementById("savestatus");
    if (!p) return;
    p.textContent = text;
    p.className = bad ? "error" : "muted";
  }

  function save() {
    if (saving) return;
    if (!typedRows().length) { say(msg("msgNothing"), true); return; }
    if (pending > 0) { saveWanted = true; say(msg("msgWaiting")); return; }
    if (repeats() && confirmRepeats && !confirmRepeats.checked) {
      repeatsBox.hidden = false;
      say(msg("msgConfirmRepeats"), true);
      confirmRepeats.focus();
      return;
    }
    if (!navigator.onLine) { setOnline(false); say(msg("msgNotSaved"), true); return; }
    saving = true;
    store();
    say(msg("msgSaving"));
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) {
      if (r.status === 400) {
        // Refused rows: the server's page names each of them; the rows stay stored.
        leaving = true;
        HTMLFormElement.prototype.submit.call(form);
        return;
      }
      if (!r.ok) throw new Error(String(r.status));
      return r.json().then(function (data) {
        leaving = true;
        try { localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
        window.location.assign(data.next);
      });
    }).catch(function () {
      saving = false;
      setOnline(false);
      say(msg("msgNotSaved"), true);
    });
  }

  // --- start --------------------------------------------------------------------------------------
  // The server renders several empty rows for typing without the script; keep one.
  var serverRows = rows().filter(function (tr) { return !tr.classList.contains("blank"); }).length;
  var blanks = rows().filter(function (tr) { return tr.classList.contains("blank") && isBlank(tr); });
  blanks.slice(1).forEach(function (tr) { tr.remove(); });
  rows().forEach(function (tr) {
    tr.classList.remove("blank");
    tr.querySelectorAll("input[aria-invalid=true]").forEach(function (i) { i.dataset.serverInvalid = "1"; });
    var name = tr.querySelector(".who .name");
    if (name && numberInput(tr).value.trim()) {
      tr.dataset.member = numberInput(tr).value.trim(); tr.dataset.asked = tr.dataset.member;
      tr.dataset.state = "found"; tr.dataset.name = name.textContent;
    }
  });
  if (!serverRows && storeKey) {
    if (restore()) lookupFailed();
  }
  if (repeatsBox && !(confirmRepeats && confirmRepeats.checked) && !repeatsBox.dataset.refused) repeatsBox.hidden = true;
  setOnline(navigator.onLine);

  body.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var input = e.target;
    if (!(input instanceof HTMLInputElement)) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) { save(); return; }
    var tr = input.closest("tr");
    if (input.name === "number") {
      var a = amountInput(tr);
      a.focus(); a.select();
      lookup(tr);
    } else {
      var next = tr.nextElementSibling || addRow();
      numberInput(next).focus();
    }
  });
  body.addEventListener("change", function (e) {
    if (e.target.name === "number") lookup(e.target.closest("tr"));
    changed();
  });
  body.addEventListener("input", function (e) {
    forgetServerVerdict(e.target);
    if (e.target.name === "amount") { e.target.dataset.touched = "1"; delete e.target.dataset.auto; }
    if (e.target.name === "number") {
      var tr = e.target.closest("tr");
      if (tr.dataset.asked && tr.dataset.asked !== e.target.value.trim()) {
        delete tr.dataset.member; delete tr.dataset.name;
        tr.dataset.state = "typing";
      }
    }
    changed();
  });
  form.addEventListener("change", function (e) { if (!body.contains(e.target)) store(); });
  form.addEventListener("submit", function (e) {
    // "Record all" by tap or Enter in the date: the same careful save as Ctrl+Enter.
    if (leaving) return;
    e.preventDefault();
    save();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !body.contains(e.target)) { e.preventDefault(); save(); }
  });
  window.addEventListener("online", function () { setOnline(true); lookupFailed(); });
  window.addEventListener("offline", function () { setOnline(false); });
  window.addEventListener("beforeunload", function (e) {
    if (leaving || !typedRows().length) return;
    store();
    e.preventDefault();
    e.returnValue = "";
  });
  changed();
})();
