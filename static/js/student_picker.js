/* The student picker (students/picker.py) and the card reader's burst on the desk's forms.
 *
 *   [data-student-picker]   a search box: as the clerk types (name, phone, card, 学生编号) the
 *                           matches come from data-search-url; choosing one puts its id in the
 *                           hidden [data-picker-value] field the form posts.
 *   [data-burst-fill]       a field a card reader's burst fills wherever the focus is
 *                           (a card number); with data-burst-submit its form is sent too.
 *
 * A reader types like a keyboard, a few milliseconds a key, then Enter; a person types
 * 100–300 ms a key. A burst of digits or hex ended by Enter, fast, fills the page's picker
 * (and chooses the student when the card names exactly one) or its [data-burst-fill] field,
 * whichever field had the focus; that field gets back what it held before the burst.
 * Keys are read from KeyboardEvent.code, so the Chinese IME or NumLock do not matter.
 */
(function () {
  "use strict";
  if (window.studentPickerReady) return;  // one script tag per picker: run once
  window.studentPickerReady = true;

  var FAST_MS = 35;     // mean time between a reader's keys, Enter included
  var SLOW_MS = 60;     // the longest pause inside a burst
  var SHORTEST = 4;
  var LONGEST = 32;
  var DEBOUNCE_MS = 200;

  // --- the picker -------------------------------------------------------------------------
  function Picker(root) {
    this.root = root;
    this.url = root.getAttribute("data-search-url");
    this.value = root.querySelector("[data-picker-value]");
    this.query = root.querySelector("[data-picker-query]");
    this.list = root.querySelector("[data-picker-results]");
    this.status = root.querySelector("[data-picker-status]");
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.asked = 0;
    var self = this;
    this.query.addEventListener("input", function () {
      self.value.value = "";
      self.say("");
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.search(self.query.value, false); }, DEBOUNCE_MS);
    });
    this.query.addEventListener("keydown", function (e) { self.key(e); });
    this.list.addEventListener("click", function (e) {
      var li = e.target.closest ? e.target.closest("[data-index]") : null;
      if (li) self.choose(self.items[Number(li.getAttribute("data-index"))]);
    });
  }

  // what the picker says, in the page's language (the widget's data-said-* attributes)
  Picker.prototype.words = function (key) {
    return this.root.getAttribute("data-said-" + key) || "";
  };

  Picker.prototype.say = function (text) {
    if (this.status) this.status.textContent = text;
  };

  Picker.prototype.search = function (text, chooseOnlyOne) {
    var self = this;
    var q = (text || "").trim();
    var ticket = ++this.asked;
    if (!q) { this.show([]); return; }
    fetch(this.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) {
        if (ticket !== self.asked) return;  // an older answer arriving late
        var items = data.items || [];
        if (chooseOnlyOne && items.length === 1) { self.choose(items[0]); return; }
        self.show(items);
        if (!items.length) self.say(self.words("none") + " “" + q + "”");
      })
      .catch(function () { self.say(self.words("offline")); });
  };

  Picker.prototype.show = function (items) {
    this.items = items;
    this.active = items.length ? 0 : -1;
    this.list.innerHTML = "";
    var self = this;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-index", String(i));
      li.id = self.list.id + "-" + i;
      li.textContent = item.label + (item.hint ? " · " + item.hint : "");
      self.list.appendChild(li);
    });
    this.list.hidden = !items.length;
    this.query.setAttribute("aria-expanded", items.length ? "true" : "false");
    this.mark();
  };

  Picker.prototype.mark = function () {
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (li, i) {
      li.setAttribute("aria-selected", i === self.active ? "true" : "false");
    });
    if (this.active >= 0) this.query.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
    else this.query.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.key = function (e) {
    if (this.list.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      var step = e.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.mark();
    } else if (e.key === "Enter" && this.active >= 0) {
      e.preventDefault();  // Enter chooses; it does not send the form
      this.choose(this.items[this.active]);
    } else if (e.key === "Escape") {
      this.show([]);
    }
  };

  Picker.prototype.choose = function (item) {
    this.value.value = String(item.id);
    this.query.value = item.label;
    this.show([]);
    this.say(this.words("chosen") + item.label);
    this.value.dispatchEvent(new Event("change", { bubbles: true }));
  };

  var pickers = [];
  function start() {
    document.querySelectorAll("[data-student-picker]").forEach(function (root) {
      if (!root.pickerStarted) { root.pickerStarted = true; pickers.push(new Picker(root)); }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // --- the reader's burst -------------------------------------------------------------------
  function readerChar(code) {
    var digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
    if (digit) return digit[1];
    var hex = /^Key([A-F])$/.exec(code);
    return hex ? hex[1] : null;
  }

  var keys = [];       // the characters of the burst so far, with when each came
  var focused = null;  // the field that had the focus when the burst began, and its text
  var focusedText = null;

  function forget() { keys = []; focused = null; focusedText = null; }

  function landed(text) {
    // the burst's keys went into the focused field as well: give it back its text
    var field = focused;
    var before = focusedText;
    var picker = pickers[0];
    var fill = document.querySelector("[data-burst-fill]");
    if (field && before !== null && !(picker && field === picker.query) && field !== fill) {
      setTimeout(function () { field.value = before; }, 0);
    }
    if (picker) {
      setTimeout(function () {
        picker.query.value = text;
        picker.value.value = "";
        picker.search(text, true);
      }, 0);
    } else if (fill) {
      setTimeout(function () {
        fill.value = text;
        fill.dispatchEvent(new Event("input", { bubbles: true }));
        if (fill.hasAttribute("data-burst-submit") && fill.form) fill.form.requestSubmit();
      }, 0);
    }
  }

  document.addEventListener("keydown", function (e) {
    if (!pickers.length && !document.querySelector("[data-burst-fill]")) return;
    if (e.isComposing || e.keyCode === 229 || e.repeat || e.ctrlKey || e.altKey || e.metaKey) { forget(); return; }
    var now = e.timeStamp || performance.now();
    var last = keys.length ? keys[keys.length - 1].at : 0;
    if (e.code === "Enter" || e.code === "NumpadEnter") {
      var fast = keys.length >= SHORTEST && now - last < SLOW_MS && (now - keys[0].at) / keys.length < FAST_MS;
      if (fast) {
        e.preventDefault();
        e.stopPropagation();
        landed(keys.map(function (k) { return k.ch; }).join(""));
      }
      forget();
      return;
    }
    var ch = readerChar(e.code);
    if (ch === null) { forget(); return; }
    if (!keys.length || now - last >= SLOW_MS) {
      forget();
      var el = document.activeElement;
      focused = el && "value" in el && el.type !== "hidden" ? el : null;
      focusedText = focused ? focused.value : null;
    }
    if (keys.length < LONGEST) keys.push({ ch: ch, at: now });
  }, true);
})();
