// The print view of a person's record (people/print.html): the print button opens the browser's
// print dialogue. Without JavaScript the button stays hidden and the page says to use Ctrl+P.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-print-hint]"), function (hint) { hint.hidden = true; });
})();
