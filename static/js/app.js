/* The few behaviours of the pages that need a script, declared in the templates by data-*
 * attributes: the Content-Security-Policy allows no inline script or event handler.
 *
 *   data-print                    a button that prints the page
 *   data-back                     a link that goes back one page
 *   data-confirm="…"              a form asked to confirm before it is sent
 *   data-autosubmit               a field that sends its form when changed
 *   data-export-form="form-id"    a link whose query is that form's fields when followed
 *   <datalist data-for="input-id">  suggestions for a field rendered by Django
 *
 * and two for a phone: every table of the page with a header row is marked `cards` and
 * each cell gets its column's header as `data-label` (app.css shows a row as a card on a
 * narrow screen, each value after its label); Escape folds the opened menu, and so does
 * coming Back to a page.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-back], [data-export-form]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
    } else if (target.hasAttribute("data-back")) {
      event.preventDefault();
      window.history.back();
    } else {
      var form = document.getElementById(target.getAttribute("data-export-form"));
      if (form) target.search = "?" + new URLSearchParams(new FormData(form)).toString();
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit") && event.target.form) {
      event.target.form.submit();
    }
  });

  function linkDatalists() {
    document.querySelectorAll("datalist[data-for]").forEach(function (list) {
      var input = document.getElementById(list.getAttribute("data-for"));
      if (input) input.setAttribute("list", list.id);
    });
  }

  // The header row: the last row of <thead>, or else a first row of header cells only.
  function headerRow(table) {
    if (table.tHead && table.tHead.rows.length) return table.tHead.rows[table.tHead.rows.length - 1];
    var first = table.rows[0];
    if (!first || first.cells.length < 2) return null;
    for (var i = 0; i < first.cells.length; i++) if (first.cells[i].tagName !== "TH") return null;
    return first;
  }

  function labelTable(table) {
    var head = headerRow(table);
    if (!head) return;  // a table of label / value rows reads well as it is
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var n = 0; n < cell.colSpan; n++) labels.push(cell.textContent.trim());
    });
    table.classList.add("cards");
    head.classList.add("cards-head");
    Array.prototype.forEach.call(table.rows, function (row) {
      if (row === head || row.parentNode === table.tHead) return;
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        // a cell spanning columns (an "empty" line) has no single label
        if (cell.colSpan === 1 && cell.tagName === "TD" && labels[column]) cell.setAttribute("data-label", labels[column]);
        column += cell.colSpan;
      });
    });
  }

  function labelTables(root) {
    (root || document).querySelectorAll("main table").forEach(labelTable);
  }

  function ready() {
    linkDatalists();
    labelTables();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  // rows htmx swaps in (the student search) are labelled like the page's own, in the same
  // task as the swap (after the settle delay, a row would show for a moment unlabelled)
  document.addEventListener("htmx:afterSwap", function () { labelTables(); });

  // a page the browser brings back (Back) opens with its menu folded, as a page newly loaded
  window.addEventListener("pageshow", function (event) {
    var toggle = document.getElementById("menu-toggle");
    if (event.persisted && toggle) toggle.checked = false;
  });

  document.addEventListener("keydown", function (event) {
    var toggle = document.getElementById("menu-toggle");
    if (event.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
      toggle.focus();
    }
  });
})();
