// PVT attendance: show a participant's reason only while they are not ticked as
// there (or as signed). Without this script every reason stays visible.
(function () {
  "use strict";
  function sync(box, reason) {
    reason.hidden = box.checked;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-pvt-when-unticked]").forEach(function (reason) {
      var box = document.getElementById(reason.getAttribute("data-pvt-when-unticked"));
      if (!box) return;
      sync(box, reason);
      box.addEventListener("change", function () { sync(box, reason); });
    });
  });
})();
