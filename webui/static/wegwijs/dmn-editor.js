/* Wegwijs DMN editor: one decision table of a draft, edited in the browser with the
   vendored dmn-js Modeler (window.DmnJS). The page embeds the XML with json_script
   (#dmn-xml-source); nothing is fetched. The decision table view opens directly (a
   Wegwijs DMN file holds one decision with one table). On submit of #dmn-save the XML
   is written into #dmn-xml and the form is posted; without JavaScript the form posts
   the XML as it was loaded.

   Results for the browser tests, written onto #dmn-editor:
     data-import="ok" | "error"
     data-dirty="true" | "false" */
(function () {
  "use strict";

  const container = document.getElementById("dmn-editor");
  const source = document.getElementById("dmn-xml-source");
  const form = document.getElementById("dmn-save");
  const field = document.getElementById("dmn-xml");
  const status = document.getElementById("dmn-status");
  if (!container || !source || !form || !field || typeof window.DmnJS !== "function") {
    return;
  }
  let dirty = false;
  let saving = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = "meta" + (kind ? " " + kind : "");
  }

  const modeler = new window.DmnJS({ container: container });

  function openTable() {
    const view = modeler
      .getViews()
      .find(function (v) { return v.type === "decisionTable"; });
    if (!view) {
      return Promise.reject(new Error("dit bestand bevat geen beslistabel"));
    }
    return modeler.open(view);
  }

  function watch() {
    const viewer = modeler.getActiveViewer();
    if (!viewer) {
      return;
    }
    viewer.get("eventBus").on("elements.changed", function () {
      dirty = true;
      container.dataset.dirty = "true";
      say("Niet opgeslagen wijzigingen.");
    });
  }

  modeler
    .importXML(JSON.parse(source.textContent))
    .then(openTable)
    .then(function () {
      watch();
      container.dataset.dirty = "false";
      container.dataset.import = "ok";
    })
    .catch(function (error) {
      container.dataset.import = "error";
      say("De tabel kon niet worden geopend: " + error.message, "error");
    });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (saving) {
      return;
    }
    saving = true;
    say("De tabel wordt opgeslagen…");
    modeler
      .saveXML({ format: true })
      .then(function (result) {
        field.value = result.xml;
        HTMLFormElement.prototype.submit.call(form);
      })
      .catch(function (error) {
        saving = false;
        say("Opslaan is mislukt: " + error.message, "error");
      });
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !saving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
