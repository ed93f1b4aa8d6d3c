/* The few behaviours of the pages that need a script, declared in the templates by data-*
 * attributes: the Content-Security-Policy allows no inline script or event handler.
 *
 *   data-print                    a button that prints the page
 *   data-back                     a link that goes back one page
 *   data-confirm="…"              a form asked to confirm before it is sent
 *   data-autosubmit               a field that sends its form when changed
 *   data-export-form="form-id"    a link whose query is that form's fields when followed
 *   <datalist data-for="input-id">  suggestions for a field rendered by Django
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", linkDatalists);
  else linkDatalists();
})();
