// Keeps what is typed on the current step of a task form when the page is left
// (another link, another app on the phone, a closed tab): the form's fields go to
// the task's draft endpoint, which only stores them. Submitting a form needs no
// beacon: the server stores the step itself.
(function () {
  "use strict";
  var form = document.querySelector("form.task-form[data-draft-url]");
  if (!form || !navigator.sendBeacon || !window.FormData) {
    return;
  }
  var changed = false;
  var submitting = false;
  function typed() {
    changed = true;
  }
  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  document.addEventListener("submit", function () {
    submitting = true;
  }, true);
  window.addEventListener("pageshow", function () {
    submitting = false; // back from the browser's cache after a submit
  });
  function save() {
    if (!changed || submitting) {
      return;
    }
    if (navigator.sendBeacon(form.dataset.draftUrl, new FormData(form))) {
      changed = false;
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save();
    }
  });
  window.addEventListener("pagehide", save);
})();
