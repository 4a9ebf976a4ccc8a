// The task page: "Wat u nodig heeft" is a side column on a wide screen (open) and a
// closed <details> below the form on a phone.
(function () {
  "use strict";
  var needs = document.getElementById("needs");
  if (!needs || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 60rem)");
  function fit() {
    needs.open = wide.matches;
  }
  fit();
  wide.addEventListener("change", fit);
})();
