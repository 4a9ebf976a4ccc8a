/* A "print" button (data-print) shows itself once this script runs, and opens the
   browser's print dialog; without JavaScript, the browser's own menu prints. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
