// A background export's page: ask for its progress every two seconds and show it;
// once the file is ready (or the run failed), load the page again for the link.
(function () {
  "use strict";
  var status = document.querySelector("[data-export-status]");
  if (!status) {
    return;
  }
  var url = status.getAttribute("data-export-status");
  var bar = document.getElementById("run-progress");
  var rows = document.getElementById("run-rows");

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    rows.textContent = data.percent + "%" +
      (data.total ? ": " + data.done + " van " + data.total + " rijen." : ".");
    // The live region speaks only when the state changes, not at every poll.
    if (status.textContent !== data.text) {
      status.textContent = data.text;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 2000);
})();
