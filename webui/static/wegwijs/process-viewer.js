/* Wegwijs process viewer: one BPMN file, read-only, with the vendored bpmn-js
   NavigatedViewer. The XML and the ids to mark are embedded in the page (json_script);
   nothing is fetched. The result is written onto the container for the browser tests:
   data-import="ok" | "error", data-warnings=<count>, data-marked=<count>. */
(function () {
  "use strict";

  const container = document.getElementById("process-viewer");
  if (!container) {
    return;
  }
  const status = document.getElementById("process-viewer-status");

  function done(result, warnings, marked) {
    container.dataset.warnings = String(warnings);
    container.dataset.marked = String(marked);
    container.dataset.import = result; // last: tests wait for this one
  }

  function fail(message, warnings) {
    status.textContent = "Het diagram kon niet worden getoond: " + message;
    status.hidden = false;
    done("error", warnings, 0);
  }

  if (typeof window.BpmnJS !== "function") {
    fail("de viewer is niet geladen.", 0);
    return;
  }

  const xml = JSON.parse(document.getElementById("diagram-xml").textContent);
  const markers = JSON.parse(document.getElementById("diagram-markers").textContent);
  const markerClass = container.dataset.marker;
  const viewer = new window.BpmnJS({ container: container });

  viewer
    .importXML(xml)
    .then(function (result) {
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport", "auto");
      let marked = 0;
      markers.forEach(function (id) {
        // An open task of another phase is not in this file: nothing to mark.
        if (registry.get(id)) {
          canvas.addMarker(id, markerClass);
          marked += 1;
        }
      });
      result.warnings.forEach(function (warning) {
        console.warn("bpmn-js:", warning.message);
      });
      done("ok", result.warnings.length, marked);
    })
    .catch(function (error) {
      fail(error.message, (error.warnings || []).length);
    });
})();
