/* Wegwijs process viewer: BPMN files, read-only, with the vendored bpmn-js
   NavigatedViewer. Every element with class "process-viewer" is a viewer; its XML and
   the ids to mark are embedded in the page (json_script), named by data-xml and
   data-markers (defaults: diagram-xml, diagram-markers). Markers are a list of ids
   (marked with the class in data-marker) or an object {id: class}. Nothing is fetched.
   The result is written onto the container for the browser tests:
   data-import="ok" | "error", data-warnings=<count>, data-marked=<count>. */
(function () {
  "use strict";

  function json(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function show(container) {
    const status = document.getElementById(container.dataset.status || "process-viewer-status");

    function done(result, warnings, marked) {
      container.dataset.warnings = String(warnings);
      container.dataset.marked = String(marked);
      container.dataset.import = result; // last: tests wait for this one
    }

    function fail(message, warnings) {
      if (status) {
        status.textContent = "Het diagram kon niet worden getoond: " + message;
        status.hidden = false;
      }
      done("error", warnings, 0);
    }

    if (typeof window.BpmnJS !== "function") {
      fail("de viewer is niet geladen.", 0);
      return;
    }
    const xml = json(container.dataset.xml || "diagram-xml");
    const raw = json(container.dataset.markers || "diagram-markers") || [];
    const markers = {};
    if (Array.isArray(raw)) {
      raw.forEach(function (id) { markers[id] = container.dataset.marker; });
    } else {
      Object.assign(markers, raw);
    }
    const viewer = new window.BpmnJS({ container: container });
    viewer
      .importXML(xml)
      .then(function (result) {
        const canvas = viewer.get("canvas");
        const registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport", "auto");
        let marked = 0;
        Object.keys(markers).forEach(function (id) {
          // An open task of another phase is not in this file: nothing to mark.
          if (registry.get(id)) {
            canvas.addMarker(id, markers[id]);
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
  }

  document.querySelectorAll(".process-viewer").forEach(show);
})();
