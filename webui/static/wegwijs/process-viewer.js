/* Wegwijs process viewer: BPMN files, read-only, with the vendored bpmn-js
   NavigatedViewer. Every element with class "process-viewer" is a viewer; its XML and
   what to mark are embedded in the page (json_script), named by data-xml and
   data-markers (defaults: diagram-xml, diagram-markers). Nothing is fetched.

   Markers are a list of ids (marked with the class in data-marker) or an object
   {id: class}. data-calls names an object {process id: class}: a call activity that
   calls that process gets the class (a phase the case is in, or went through).
   data-trail names what the engine recorded running for the case ({path: [element
   ids], steps: [[before, element]]}, or null): the way the case went is drawn from
   it, the sequence flows and the gateways and events on them get "wegwijs-path".
   Marked elements get a small label ("nu", "✓") so that the
   marks never rest on colour alone.

   Buttons with data-zoom="in|out|fit" in an element with data-viewer=<container id>
   zoom that viewer; the container takes the arrow keys (scroll) and + and - (zoom)
   when it has the focus.

   The result is written onto the container for the browser tests:
   data-import="ok" | "error", data-warnings=<count>, data-marked=<count>,
   data-path-flows=<count>. */
(function () {
  "use strict";

  var OPEN = "wegwijs-open";
  var DONE = "wegwijs-done";
  var PATH = "wegwijs-path";
  var BADGES = {};
  BADGES[OPEN] = "nu";
  BADGES[DONE] = "✓";

  function json(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function has(classes, cls) {
    return (classes || []).indexOf(cls) >= 0;
  }

  function isGateway(element) {
    return /Gateway$/.test(element.type);
  }

  /* Mark the way the case went, from what the engine recorded running (the trail):
     the gateways and events it passed, and a sequence flow only when its source ran
     and its target was reached after it. Out of a gateway that takes the recorded
     step itself (gateway -> target): a branch the case never took stays unmarked
     even when its target was reached another way. Without a trail nothing is
     inferred: the done tasks are all there is. */
  function markTrail(canvas, registry, marked, trail) {
    var ran = {};
    var steps = {};
    var flows = 0;
    Object.keys(marked).forEach(function (id) {
      if (has(marked[id], DONE)) {
        ran[id] = true;
      }
    });
    (trail.path || []).forEach(function (id) {
      if (registry.get(id)) {
        ran[id] = true;
        if (!marked[id]) {
          canvas.addMarker(id, PATH);
        }
      }
    });
    (trail.steps || []).forEach(function (step) {
      steps[step[0] + ">" + step[1]] = true;
    });
    registry.filter(function (element) {
      return element.type === "bpmn:SequenceFlow" && element.source && element.target;
    }).forEach(function (flow) {
      var source = flow.source;
      var target = flow.target;
      var reached = ran[target.id] || marked[target.id];
      var taken = steps[source.id + ">" + target.id] ||
        (!isGateway(source) && ran[source.id] && reached);
      if (taken && ran[source.id]) {
        canvas.addMarker(flow.id, PATH);
        flows += 1;
      }
    });
    return flows;
  }

  function badge(overlays, id, classes) {
    var cls = has(classes, OPEN) ? OPEN : has(classes, DONE) ? DONE : "";
    if (!cls) {
      return;
    }
    var label = document.createElement("span");
    label.className = "wegwijs-badge wegwijs-badge-" + (cls === OPEN ? "open" : "done");
    label.textContent = BADGES[cls];
    overlays.add(id, "wegwijs", { position: { top: -10, right: 12 }, html: label });
  }

  /* On a small screen the whole diagram is too small to read: show the case's
     position (its first open task, or else the last thing done) at a readable size
     instead. */
  function focusOnCase(canvas, registry, marked) {
    var ids = Object.keys(marked);
    var open = ids.filter(function (id) { return has(marked[id], OPEN); });
    var done = ids.filter(function (id) { return has(marked[id], DONE); });
    var target = registry.get(open[0] || done[done.length - 1] || "");
    var scale = 0.8;
    if (!target || canvas.zoom() >= scale * 0.75) {
      return;
    }
    var box = canvas.viewbox();
    var width = box.outer.width / scale;
    var height = box.outer.height / scale;
    canvas.viewbox({
      x: target.x + target.width / 2 - width / 2,
      y: target.y + target.height / 2 - height / 2,
      width: width,
      height: height
    });
  }

  function wireTools(container, viewer) {
    var canvas = viewer.get("canvas");
    var steps = { left: [80, 0], right: [-80, 0], up: [0, 80], down: [0, -80] };

    function zoom(how) {
      if (how === "fit") {
        canvas.zoom("fit-viewport", "auto");
      } else {
        var factor = how === "in" ? 1.25 : 0.8;
        canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)), "auto");
      }
    }

    function pan(way) {
      canvas.scroll({ dx: steps[way][0], dy: steps[way][1] });
    }

    document.querySelectorAll('[data-viewer="' + container.id + '"]').forEach(function (tools) {
      tools.hidden = false;
      tools.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () {
          zoom(button.dataset.zoom);
        });
      });
      tools.querySelectorAll("[data-pan]").forEach(function (button) {
        button.addEventListener("click", function () {
          pan(button.dataset.pan);
        });
      });
    });

    var keys = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
    container.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      if (keys[event.key]) {
        pan(keys[event.key]);
      } else if (event.key === "+" || event.key === "=") {
        zoom("in");
      } else if (event.key === "-") {
        zoom("out");
      } else if (event.key === "0") {
        zoom("fit");
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  // A lane is named by its role code (begeleider), which is what the engine reads;
  // the drawing shows the role's Dutch name (Begeleider) from #lane-labels.
  function dutchLaneLabels(registry, labels) {
    registry.filter(function (element) {
      return element.type === "bpmn:Lane";
    }).forEach(function (lane) {
      var label = labels[lane.businessObject.name];
      var text = label && registry.getGraphics(lane).querySelector(".djs-visual text");
      if (!text) {
        return;
      }
      var spans = text.querySelectorAll("tspan");
      if (!spans.length) {
        text.textContent = label;
        return;
      }
      spans[0].textContent = label;
      for (var i = 1; i < spans.length; i += 1) {
        spans[i].remove();
      }
    });
  }

  function show(container) {
    var status = document.getElementById(container.dataset.status || "process-viewer-status");

    function done(result, warnings, marked, flows) {
      container.dataset.warnings = String(warnings);
      container.dataset.marked = String(marked);
      container.dataset.pathFlows = String(flows);
      container.dataset.import = result; // last: tests wait for this one
    }

    function fail(message, warnings) {
      if (status) {
        status.textContent = "Het diagram kon niet worden getoond: " + message;
        status.hidden = false;
      }
      done("error", warnings, 0, 0);
    }

    if (typeof window.BpmnJS !== "function") {
      fail("de viewer is niet geladen.", 0);
      return;
    }
    var xml = json(container.dataset.xml || "diagram-xml");
    var raw = json(container.dataset.markers || "diagram-markers") || [];
    var calls = container.dataset.calls ? json(container.dataset.calls) || {} : {};
    var markers = {};
    if (Array.isArray(raw)) {
      raw.forEach(function (id) { markers[id] = container.dataset.marker; });
    } else {
      Object.assign(markers, raw);
    }
    var viewer = new window.BpmnJS({ container: container });
    // A diagram imported without a drawing and deployed before anyone saved it in
    // the modeler is laid out here too (auto-layout.js), so a case still shows it.
    var layout = window.WegwijsLayout && typeof xml === "string"
      ? window.WegwijsLayout.ensure(xml)
      : Promise.resolve({ xml: xml, generated: false });
    layout
      .then(function (prepared) {
        container.dataset.layout = prepared.generated ? "generated" : "given";
        return viewer.importXML(prepared.xml);
      })
      .then(function (result) {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        var overlays = viewer.get("overlays");
        canvas.zoom("fit-viewport", "auto");
        dutchLaneLabels(registry, json("lane-labels") || {});
        // A call activity takes the mark of the phase it calls.
        registry.filter(function (element) {
          return element.type === "bpmn:CallActivity";
        }).forEach(function (element) {
          var called = element.businessObject.calledElement;
          if (called && calls[called] && !markers[element.id]) {
            markers[element.id] = calls[called];
          }
        });
        var present = {};
        var marked = 0;
        Object.keys(markers).forEach(function (id) {
          // An open task of another phase is not in this file: nothing to mark.
          if (registry.get(id)) {
            // "wegwijs-open wegwijs-done": a task in a loop, open again.
            present[id] = String(markers[id]).split(/\s+/).filter(Boolean);
            present[id].forEach(function (cls) {
              canvas.addMarker(id, cls);
            });
            marked += 1;
            badge(overlays, id, present[id]);
          }
        });
        var trail = container.dataset.trail ? json(container.dataset.trail) : null;
        var flows = trail ? markTrail(canvas, registry, present, trail) : 0;
        focusOnCase(canvas, registry, present);
        result.warnings.forEach(function (warning) {
          console.warn("bpmn-js:", warning.message);
        });
        wireTools(container, viewer);
        done("ok", result.warnings.length, marked, flows);
      })
      .catch(function (error) {
        fail(error.message, (error.warnings || []).length);
      });
  }

  document.querySelectorAll(".process-viewer").forEach(show);
})();
