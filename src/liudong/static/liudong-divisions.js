// The division picker (issue 9, item 7): an input marked data-division-pick keeps taking a typed
// code (it works without JavaScript); with JavaScript, typing a code's first digits, part of a
// name or its pinyin (nanshan, nsq) lists the matching divisions with their codes and full names,
// narrowed to the user's own area (data-division-pick="mine") or the whole country ("all").
// Choosing one puts its code in the field and shows its full name under it. Retired divisions
// (gone from the newest edition of the code list, issue 14) are hidden unless the toggle beside
// the field, 含已撤销区划, is ticked; then they are listed marked 已撤销 with their last edition.
(function () {
  "use strict";
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var inputs = document.querySelectorAll("input[data-division-pick]");
  Array.prototype.forEach.call(inputs, function (input, n) {
    var wrap = document.createElement("span");
    wrap.className = "division-pick";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.id = (input.id || "division-pick-" + n) + "-list";
    list.className = "division-pick-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    var hint = document.createElement("span");
    hint.className = "division-pick-name";
    hint.setAttribute("aria-live", "polite");
    wrap.appendChild(hint);
    var toggleLabel = document.createElement("label");
    toggleLabel.className = "division-pick-retired small muted";
    var toggle = document.createElement("input");
    toggle.type = "checkbox";
    toggle.className = "division-pick-retired-toggle";
    toggleLabel.appendChild(toggle);
    toggleLabel.appendChild(document.createTextNode(english ? " include retired divisions" : " 含已撤销区划"));
    wrap.appendChild(toggleLabel);
    toggle.addEventListener("change", function () { var q = input.value.trim(); if (q) { ask(q); } });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    // A name or its pinyin may be longer than a code; the field still receives the code chosen.
    input.removeAttribute("maxlength");
    input.removeAttribute("list");
    input.removeAttribute("inputmode");

    var known = {}, items = [], active = -1, timer = null, asked = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function showName() {
      var d = known[input.value.trim()];
      hint.textContent = d ? d.full : "";
    }
    function choose(d) {
      input.value = d.code;
      close();
      showName();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function mark(i) {
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (i >= 0) { input.setAttribute("aria-activedescendant", items[i].id); items[i].scrollIntoView({ block: "nearest" }); }
    }
    function fill(results) {
      list.textContent = "";
      items = results.map(function (d, k) {
        known[d.code] = d;
        var li = document.createElement("li");
        li.id = list.id + "-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("data-code", d.code);
        var name = document.createElement("span");
        name.className = "division-pick-full";
        name.textContent = d.full;
        if (d.retired) {
          var mark = document.createElement("span");
          mark.className = "badge retired";
          mark.textContent = (english ? "retired" : "已撤销") + (d.edition ? " · " + d.edition : "");
          name.appendChild(document.createTextNode(" "));
          name.appendChild(mark);
        }
        var code = document.createElement("span");
        code.className = "division-pick-code";
        code.textContent = d.code;
        li.appendChild(name);
        li.appendChild(code);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(d); });
        list.appendChild(li);
        return li;
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "division-pick-none";
        none.textContent = english ? "No division found" : "未找到区划";
        list.appendChild(none);
      }
      list.hidden = document.activeElement !== input;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      mark(-1);
      showName();
    }
    function ask(q) {
      var params = new URLSearchParams({ q: q, scope: input.getAttribute("data-division-pick") || "mine" });
      if (toggle.checked) { params.set("retired", "1"); }
      ["min", "max"].forEach(function (k) { var v = input.getAttribute("data-" + k + "-level"); if (v) { params.set(k, v); } });
      fetch(input.getAttribute("data-pick-url") + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { if (input.value.trim() === q) { fill(data.results); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      showName();
      clearTimeout(timer);
      if (!q) { close(); return; }
      if (known[q] && /^\d{12}$/.test(q)) { close(); return; }
      timer = setTimeout(function () { asked = q; ask(q); }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(known[items[active].getAttribute("data-code")]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    if (input.value.trim()) { ask(input.value.trim()); }
  });
})();
